// The fold (fold.sqlite in the state directory): what the folding phase keeps so that the
// sending phase sends each contact and company once. Per folded record its place (input,
// line, offset) and messageId; per key every record's contribution to it, so that a key
// HubSpot refuses can be narrowed to the records at fault exactly as a streamed merge is;
// which keys are confirmed sent, and which records HubSpot refused; per event, its property
// names in the order the records first carried them. Nothing of it is held in memory but
// those few names: the sending phase reads it a page of keys at a time.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DeadLetterVerdict, Operation } from '../core/types.js';
import { writeFailure } from '../errors.js';
import type { RecordPosition } from '../sources/types.js';
import { BatchUpsert } from './batchUpsert.js';
import { createPrivateFile } from './stateDir.js';

/** The kinds of key the fold keeps. */
export type FoldKind = 'contact' | 'company' | 'association' | 'event';

/** One folded record, in input order. */
export interface FoldedRecord {
  id: number;
  path: string;
  line: number;
  offset: number;
  index: number | undefined;
  messageId: string | undefined;
  retroactive: boolean;
  /** Its outcome was counted when it was folded (a mapping dead letter that still sends operations). */
  counted: boolean;
  verdicts: DeadLetterVerdict[];
}

/** What the fold keeps of a record besides its operations. */
export interface FoldedFacts {
  messageId: string | undefined;
  retroactive: boolean;
  counted: boolean;
}

/** One record's contribution to a key. */
export interface FoldPart {
  record: number;
  operation: Operation;
}

/** A key not confirmed yet, with its contributions. */
export interface FoldedKey {
  key: string;
  parts: FoldPart[];
}

export interface FoldCounts {
  contactUpdates: number;
  contactsSent: number;
  companyUpdates: number;
  companiesSent: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, path TEXT NOT NULL, line INTEGER NOT NULL, offset INTEGER NOT NULL, idx INTEGER, message_id TEXT, retroactive INTEGER NOT NULL, counted INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS parts (kind TEXT NOT NULL, key TEXT NOT NULL, record INTEGER NOT NULL, n INTEGER NOT NULL, operation TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS confirmed (kind TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verdicts (record INTEGER NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_names (event TEXT NOT NULL, name TEXT NOT NULL, record INTEGER NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (event, name)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS verdicts_record ON verdicts (record);
`;

/**
 * The sending phase's index, built once the fold is whole: a sort is several times cheaper
 * than keeping it up to date through millions of inserts in no key order. (A resume finds
 * the first record to discard by a scan: it happens once a run, not once a record.)
 */
const SENDING_INDEX = 'CREATE INDEX IF NOT EXISTS parts_key ON parts (kind, key, record, n);';

/**
 * Writes go into one transaction from one checkpoint to the next: only a checkpoint needs
 * them durable (a run killed between two reads its records again), and a commit costs two
 * fsyncs.
 */
export class FoldStore {
  /** Statements prepared once: a fold of millions of records runs them millions of times. */
  private readonly sql: ReturnType<typeof statements>;
  /** Folded rows go many to a statement; `settle` writes what is left before anything reads. */
  private readonly rows: { records: BatchUpsert; parts: BatchUpsert; confirmed: BatchUpsert; eventNames: BatchUpsert };
  /**
   * Per event, its property names in the order the folded records first carried them: the
   * places on its definition go in this order (core/eventRoom.ts), as a streamed run's
   * batches give them. Few (events times names): kept in memory too.
   */
  private readonly eventNames = new Map<string, Set<string>>();
  private nextName = 0;
  /** Record ids are given here, so that a record's parts need not wait for its insert. */
  private nextRecord: number;
  private indexed = false;

  private constructor(private readonly db: Database.Database) {
    this.sql = statements(db);
    this.rows = {
      records: new BatchUpsert(db, 'records', ['id', 'path', 'line', 'offset', 'idx', 'message_id', 'retroactive', 'counted'], '', 'parameters'),
      parts: new BatchUpsert(db, 'parts', ['kind', 'key', 'record', 'n', 'operation'], '', 'parameters'),
      confirmed: new BatchUpsert(db, 'confirmed', ['kind', 'key'], 'ON CONFLICT DO NOTHING', 'json'),
      eventNames: new BatchUpsert(db, 'event_names', ['event', 'name', 'record', 'ord'], '', 'json'),
    };
    this.nextRecord = this.lastRecord() + 1;
    this.loadEventNames();
  }

  static path(stateDir: string): string {
    return join(stateDir, 'fold.sqlite');
  }

  static open(stateDir: string): FoldStore {
    const path = FoldStore.path(stateDir);
    try {
      // Every record's traits and email: private, as the state database is.
      createPrivateFile(path);
      const db = new Database(path);
      // Only the run holding the lock opens it. A rollback journal rather than a WAL: the
      // fold is appended to, so the journal stays small, and a full disk is refused as such
      // (a WAL's mapped index turns it into an I/O error).
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
      return new FoldStore(db);
    } catch (error) {
      throw writeFailure(path, error);
    }
  }

  /** Forgets a fold: `--fresh`, or one its run finished. */
  static forget(stateDir: string): void {
    const path = FoldStore.path(stateDir);
    for (const file of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) rmSync(file);
  }

  /** The fingerprint of the inputs' mapping options the fold was made with. */
  owner(): string | undefined {
    return this.db.prepare<[], string>("SELECT value FROM meta WHERE name = 'owner'").pluck().get();
  }

  setOwner(owner: string): void {
    this.write(() => this.db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('owner', ?)").run(owner));
  }

  isEmpty(): boolean {
    this.settle();
    return this.db.prepare('SELECT 1 FROM records LIMIT 1').get() === undefined;
  }

  /**
   * Forgets the records from the first one of `path` at or after `offset` on (a resume
   * reads them again): records are folded in input order, so every later one goes too.
   */
  discardFrom(path: string, offset: number): void {
    this.write(() => {
      this.settle();
      const first = this.db.prepare<[string, number], number>('SELECT MIN(id) FROM records WHERE path = ? AND offset >= ?').pluck().get(path, offset);
      if (first === null || first === undefined) return;
      this.db.prepare('DELETE FROM parts WHERE record >= ?').run(first);
      this.db.prepare('DELETE FROM verdicts WHERE record >= ?').run(first);
      this.db.prepare('DELETE FROM records WHERE id >= ?').run(first);
      this.db.prepare('DELETE FROM event_names WHERE record >= ?').run(first);
      this.nextRecord = this.lastRecord() + 1;
      this.loadEventNames();
    });
  }

  /** Folds one record's operations; durable at the next `commit`. */
  add(position: RecordPosition, facts: FoldedFacts, operations: readonly Operation[]): void {
    this.write(() => {
      const id = this.nextRecord++;
      this.rows.records.add(id, position.file, position.line, position.offset, position.index ?? null, facts.messageId ?? null, facts.retroactive ? 1 : 0, facts.counted ? 1 : 0);
      operations.forEach((operation, n) => {
        const { kind, key } = keyOf(operation);
        this.rows.parts.add(kind, key, id, n, JSON.stringify(operation));
        if (operation.op === 'event.send') this.noteEventNames(operation.eventName, operation.properties, id);
      });
    });
  }

  /**
   * Up to `limit` keys of `kind` not confirmed yet, after `after` in key order, each with
   * every contribution to it in input order but those of records HubSpot refused already.
   * Two queries a page, not one a key: most keys (every event) have a single part.
   */
  pendingPage(kind: FoldKind, after: string, limit: number): FoldedKey[] {
    this.readyToSend();
    const keys = this.sql.pendingKeys.all(kind, after, limit);
    if (keys.length === 0) return [];
    const page = new Map(keys.map((key) => [key, [] as FoldPart[]]));
    for (const row of this.sql.partsBetween.all(kind, after, keys.at(-1)!)) {
      page.get(row.key)?.push({ record: row.record, operation: withoutPrototypes(JSON.parse(row.operation) as Operation) });
    }
    return keys.map((key) => ({ key, parts: page.get(key)! }));
  }

  /** The event's property names in the order the folded records first carried them. */
  eventPropertyOrder(eventName: string): string[] {
    return [...(this.eventNames.get(eventName) ?? [])];
  }

  confirm(kind: FoldKind, key: string): void {
    this.write(() => this.rows.confirmed.add(kind, key));
  }

  refuse(record: number, verdict: DeadLetterVerdict): void {
    this.write(() => this.db.prepare('INSERT INTO verdicts (record, code, reason) VALUES (?, ?, ?)').run(record, verdict.code, verdict.reason));
  }

  /** The folded records from `after` on, in input order, a page at a time. */
  records(after: number, limit: number): FoldedRecord[] {
    this.settle();
    const rows = this.db
      .prepare<[number, number], { id: number; path: string; line: number; offset: number; idx: number | null; message_id: string | null; retroactive: number; counted: number }>(
        'SELECT * FROM records WHERE id > ? ORDER BY id LIMIT ?',
      )
      .all(after, limit);
    // The page's verdicts in one query: most records have none.
    const verdicts = new Map<number, DeadLetterVerdict[]>();
    if (rows.length > 0) {
      const page = this.db.prepare<[number, number], DeadLetterVerdict & { record: number }>('SELECT record, code, reason FROM verdicts WHERE record > ? AND record <= ? ORDER BY rowid');
      for (const { record, code, reason } of page.all(after, rows.at(-1)!.id)) verdicts.set(record, [...(verdicts.get(record) ?? []), { code, reason }]);
    }
    return rows.map((row) => ({
      id: row.id,
      path: row.path,
      line: row.line,
      offset: row.offset,
      index: row.idx ?? undefined,
      messageId: row.message_id ?? undefined,
      retroactive: row.retroactive === 1,
      counted: row.counted === 1,
      verdicts: verdicts.get(row.id) ?? [],
    }));
  }

  /** Every key of the fold, and how many are confirmed sent (the sending phase's progress). */
  keyCounts(): { keys: number; confirmed: number } {
    this.readyToSend();
    const count = (sql: string) => this.db.prepare<[], number>(sql).pluck().get() ?? 0;
    return { keys: count('SELECT COUNT(*) FROM (SELECT DISTINCT kind, key FROM parts)'), confirmed: count('SELECT COUNT(*) FROM confirmed') };
  }

  /** The report's `compaction`: updates folded, and keys they came to. */
  counts(): FoldCounts {
    this.readyToSend();
    const count = (sql: string, kind: FoldKind) => this.db.prepare<[FoldKind], number>(sql).pluck().get(kind) ?? 0;
    const updates = 'SELECT COUNT(*) FROM parts WHERE kind = ?';
    const keys = 'SELECT COUNT(DISTINCT key) FROM parts WHERE kind = ?';
    return { contactUpdates: count(updates, 'contact'), contactsSent: count(keys, 'contact'), companyUpdates: count(updates, 'company'), companiesSent: count(keys, 'company') };
  }

  /** Makes every write so far durable (before a checkpoint names it). */
  commit(): void {
    if (!this.db.inTransaction) return;
    try {
      this.settle();
      this.db.exec('COMMIT');
    } catch (error) {
      throw writeFailure(this.db.name, error);
    }
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.commit();
    } finally {
      this.db.close();
    }
  }

  /** Writes the rows still waiting for a full statement (inside the open transaction). */
  private settle(): void {
    this.rows.records.end();
    this.rows.parts.end();
    this.rows.confirmed.end();
    this.rows.eventNames.end();
  }

  /** Once the fold is whole: every row written, and the sending phase's index built. */
  private readyToSend(): void {
    this.settle();
    if (this.indexed) return;
    this.write(() => this.db.exec(SENDING_INDEX));
    this.indexed = true;
  }

  private noteEventNames(eventName: string, properties: object, record: number): void {
    const names = this.namesOf(eventName);
    for (const name of Object.keys(properties)) {
      if (names.has(name)) continue;
      names.add(name);
      this.rows.eventNames.add(eventName, name, record, this.nextName++);
    }
  }

  private loadEventNames(): void {
    this.eventNames.clear();
    const rows = this.db.prepare<[], { event: string; name: string; ord: number }>('SELECT event, name, ord FROM event_names ORDER BY ord').all();
    for (const { event, name } of rows) this.namesOf(event).add(name);
    this.nextName = (rows.at(-1)?.ord ?? -1) + 1;
  }

  private namesOf(eventName: string): Set<string> {
    let names = this.eventNames.get(eventName);
    if (names === undefined) this.eventNames.set(eventName, (names = new Set()));
    return names;
  }

  private lastRecord(): number {
    return this.db.prepare<[], number | null>('SELECT MAX(id) FROM records').pluck().get() ?? 0;
  }

  private write(work: () => void): void {
    try {
      if (!this.db.inTransaction) this.db.exec('BEGIN');
      work();
    } catch (error) {
      throw writeFailure(this.db.name, error);
    }
  }
}

function statements(db: Database.Database) {
  return {
    pendingKeys: db
      .prepare<[FoldKind, string, number], string>(
        'SELECT DISTINCT p.key FROM parts p WHERE p.kind = ? AND p.key > ? AND NOT EXISTS (SELECT 1 FROM confirmed c WHERE c.kind = p.kind AND c.key = p.key) ORDER BY p.key LIMIT ?',
      )
      .pluck(),
    partsBetween: db.prepare<[FoldKind, string, string], { key: string; record: number; operation: string }>(
      'SELECT key, record, operation FROM parts p WHERE kind = ? AND key > ? AND key <= ? ' +
        'AND NOT EXISTS (SELECT 1 FROM confirmed c WHERE c.kind = p.kind AND c.key = p.key) ' +
        'AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.record = p.record) ORDER BY key, record, n',
    ),
  };
}

/**
 * Property maps come back as the mapping made them, without a prototype: a property named
 * `constructor` or `toString` must not find Object's own (core/eventProperties.ts).
 * (A reviver would do it too, at the cost of a call for every value of every part.)
 */
function withoutPrototypes(operation: Operation): Operation {
  const maps = operation as { properties?: object; propertyTypes?: object };
  if (maps.properties) maps.properties = Object.assign(Object.create(null) as object, maps.properties);
  if (maps.propertyTypes) maps.propertyTypes = Object.assign(Object.create(null) as object, maps.propertyTypes);
  return operation;
}

/** The key an operation folds under: the contact's email, the company's key, the pair, the event's uuid. */
export function keyOf(operation: Operation): { kind: FoldKind; key: string } {
  switch (operation.op) {
    case 'contact.upsert':
      return { kind: 'contact', key: operation.email };
    case 'company.upsert':
      return { kind: 'company', key: operation.domain };
    case 'association':
      return { kind: 'association', key: `${operation.email}\n${operation.domain}` };
    case 'event.send':
      return { kind: 'event', key: `${operation.eventName}\n${operation.uuid}` };
  }
}
