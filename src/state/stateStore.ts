// The state database (state.sqlite): what a run learns that later runs need.
// - identities: user id → email, so a `track` after its user's `identify` (perhaps in an
//   earlier run) finds the contact;
// - companies: domain → HubSpot company id, so a company is not searched for again;
// - seen_messages: the duplicate window, recent messageIds, so a resumed run still skips
//   the duplicate of a record sent before the interruption (see duplicateWindow.ts);
// - suppressed_ids: the user and anonymous ids of suppressed people's calls, so their
//   later calls without an email are suppressed too, in this run and every later one.
//
// Lookups happen once per record, millions of times a run, so writes go to in-memory
// buffers that reads consult first, and flush() writes them all in one transaction. The
// run calls flush() before each checkpoint, so a checkpoint never names state that is
// not on disk (more may be on disk than it names; every fact here is safe to know early).
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { IdentityMap, LearntAt } from '../core/types.js';
import { UsageError, WriteFailedError, writeFailure } from '../errors.js';
import { BufferedMap } from './bufferedMap.js';
import { BufferedSet } from './bufferedSet.js';
import { ReadSession } from './readSession.js';
import { StoredDuplicateWindow } from './duplicateWindow.js';
import { DEFAULT_DELIVERED_KEPT, DELIVERED_IDS_SCHEMA, DeliveredIds } from './deliveredIds.js';
import { createPrivateFile } from './stateDir.js';
import { failIfPlanned } from './writeFaults.js';
import { IDENTITY_FACTS_SCHEMA, IdentityFacts } from './identityFacts.js';

export interface StateStoreOptions {
  /**
   * Never write: the dry run and `status`. The file must exist to be read; when it does
   * not, the store is empty and in memory, and nothing is created. What is set is kept
   * in memory for the life of the store.
   */
  readOnly?: boolean;
  /** How many of the most recent messageIds are remembered (at least 1,000,000: docs/mapping.md#duplicates). */
  duplicateWindow?: number;
  /** How many delivered messageIds are remembered (at least 10,000,000: docs/mapping.md#delivered-before). */
  deliveredKept?: number;
  /** Buffered entries that trigger a flush on their own, bounding memory between checkpoints. */
  autoFlushAt?: number;
  /**
   * Memory for lookups. 'large' (the default): a 64 MiB page cache and a memory map, for a
   * dry run that looks up as fast as it reads. 'small': a 2 MiB cache and no map, for a
   * live run, which HubSpot's rate limit paces: there the cache and the mapped pages
   * would only grow its memory with the state file, that is with the input.
   */
  cache?: 'large' | 'small';
}

/** Domain → HubSpot company id, remembered across runs: an id HubSpot no longer has is forgotten. */
export interface CompanyIdMap {
  get(domain: string): string | undefined;
  set(domain: string, id: string): void;
  delete(domain: string): void;
}

/** The ids learnt from suppressed people's calls, kept across runs (a set of strings). */
export interface LearntSuppressedIds {
  has(key: string): boolean;
  /** `at`: where it was learnt (a live run takes back, after kill -9, what records past its watermark taught). */
  add(key: string, at?: LearntAt): void;
  /** Entries, buffered ones included. */
  count(): number;
}

export interface StateCounts {
  identities: number;
  companies: number;
  duplicateWindow: number;
}

const SCHEMA_VERSION = 1;
const DEFAULT_DUPLICATE_WINDOW = 1_000_000;
const DEFAULT_AUTO_FLUSH_AT = 200_000;

// Added after the first schema: created, where missing, whenever the file is opened for
// writing; a read-only store over a file without it holds no suppressed ids.
const SUPPRESSED_IDS_SCHEMA = 'CREATE TABLE IF NOT EXISTS suppressed_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;';

// WITHOUT ROWID: a TEXT primary key on a rowid table is a second b-tree, twice the writes.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS identities (id TEXT PRIMARY KEY, email TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS companies (domain TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS seen_messages (message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, origin INTEGER) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS seen_messages_by_seq ON seen_messages (seq);
  ${SUPPRESSED_IDS_SCHEMA}
  ${DELIVERED_IDS_SCHEMA}
  ${IDENTITY_FACTS_SCHEMA}
`;

export class StateStore {
  readonly identities: IdentityMap;
  readonly companyIds: CompanyIdMap;
  readonly duplicates: Pick<StoredDuplicateWindow, 'has' | 'add' | 'checkAndMark'>;
  readonly suppressedIds: LearntSuppressedIds;
  /** The messageIds earlier completed runs delivered (deliveredIds.ts). */
  readonly delivered: Pick<DeliveredIds, 'deliveredBefore' | 'add'>;

  private readonly session: ReadSession;
  private readonly identityTable: BufferedMap;
  private readonly companyTable: BufferedMap;
  private readonly duplicateTable: StoredDuplicateWindow;
  private readonly suppressedTable: BufferedSet;
  private readonly deliveredTable: DeliveredIds;
  /** Where this run's identity facts were learnt; a writable store's only. */
  private readonly identityFacts: IdentityFacts | undefined;
  private readonly writeBuffers: () => void;
  private readonly autoFlushAt: number;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly readOnly: boolean,
    options: StateStoreOptions,
  ) {
    this.autoFlushAt = options.autoFlushAt ?? DEFAULT_AUTO_FLUSH_AT;
    const afterWrite = readOnly ? () => undefined : () => this.flushIfFull();
    this.session = new ReadSession(db);
    this.identityTable = new BufferedMap(db, this.session, 'identities', 'id', 'email', afterWrite);
    this.companyTable = new BufferedMap(db, this.session, 'companies', 'domain', 'id', afterWrite);
    this.duplicateTable = new StoredDuplicateWindow(db, this.session, options.duplicateWindow ?? DEFAULT_DUPLICATE_WINDOW, afterWrite);
    this.suppressedTable = new BufferedSet(hasTable(db, 'suppressed_ids') ? db : undefined, this.session, 'suppressed_ids', 'id', afterWrite);
    this.deliveredTable = new DeliveredIds(hasTable(db, 'delivered_messages') ? db : undefined, this.session, options.deliveredKept ?? DEFAULT_DELIVERED_KEPT, afterWrite);
    this.identityFacts = readOnly ? undefined : new IdentityFacts(db);
    // Objects of arrow functions: callers hand `store.identities` around on its own.
    this.identities = { get: (k) => this.identityTable.get(k), set: (k, v, at) => this.learnIdentity(k, v, at) };
    this.companyIds = { get: (k) => this.companyTable.get(k), set: (k, v) => this.companyTable.set(k, v), delete: (k) => this.companyTable.delete(k) };
    this.duplicates = {
      has: (id, position) => this.duplicateTable.has(id, position),
      add: (id, position) => this.duplicateTable.add(id, position),
      checkAndMark: (id, position) => this.duplicateTable.checkAndMark(id, position),
    };
    this.suppressedIds = {
      has: (k) => this.suppressedTable.has(k),
      add: (k, at) => this.learnSuppressedId(k, at),
      count: () => this.suppressedTable.count(),
    };
    this.delivered = {
      deliveredBefore: (id, generation) => this.deliveredTable.deliveredBefore(id, generation),
      add: (id, generation) => this.deliveredTable.add(id, generation),
    };
    this.writeBuffers = db.transaction(() => {
      this.identityTable.write();
      this.companyTable.write();
      this.duplicateTable.write();
      this.suppressedTable.write();
      this.deliveredTable.write();
      this.identityFacts?.write();
    });
  }

  /**
   * Opens (creating when writable) the state database at `path`. Throws UsageError
   * naming the file when it cannot be used (damaged, or from a newer version).
   */
  static open(path: string, options: StateStoreOptions = {}): StateStore {
    const readOnly = options.readOnly ?? false;
    if (readOnly && !existsSync(path)) return StateStore.inMemory(options);
    let db: Database.Database | undefined;
    try {
      if (readOnly) {
        db = new Database(path, { readonly: true, fileMustExist: true });
        // A file created but never given its tables (a run killed at once) holds nothing.
        if (schemaVersion(db, path) === 0) {
          db.close();
          return StateStore.inMemory(options);
        }
        tuneForLookups(db, options.cache);
        return new StateStore(db, true, options);
      }
      createPrivateFile(path);
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      // FULL rather than NORMAL: we flush once per checkpoint, so its fsync costs nothing,
      // and with NORMAL a power cut could undo a flush that a durable checkpoint relies on.
      db.pragma('synchronous = FULL');
      tuneForLookups(db, options.cache);
      if (schemaVersion(db, path) === 0) db.exec(`BEGIN; ${SCHEMA} PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`);
      else db.exec(`${SUPPRESSED_IDS_SCHEMA} ${DELIVERED_IDS_SCHEMA} ${IDENTITY_FACTS_SCHEMA}`);
      return new StateStore(db, false, options);
    } catch (error) {
      if (db?.open) db.close();
      if (error instanceof UsageError) throw error;
      // A full disk is no damage: say so, not "move it away".
      const failure = writeFailure(path, error);
      if (failure instanceof WriteFailedError) throw failure;
      throw new UsageError(
        `The state database ${path} cannot be used: ${(error as Error).message}. ` +
          'If it is damaged, move it away and run again: a new one is created, and only what it remembered ' +
          '(identities learnt by earlier runs, company ids, recent messageIds) is lost.',
      );
    }
  }

  /** An empty store in memory (read-only unless told otherwise: flush() keeps nothing anyway). */
  static inMemory(options: StateStoreOptions = {}): StateStore {
    const db = new Database(':memory:');
    db.exec(SCHEMA);
    return new StateStore(db, options.readOnly ?? true, options);
  }

  /** Writes every buffered write in one transaction. A no-op for a read-only store. */
  flush(): void {
    if (this.readOnly || this.closed) return;
    this.session.end();
    try {
      failIfPlanned('state');
      this.writeBuffers();
    } catch (error) {
      // SQLITE_FULL and the like: the run stops on one line naming the file (the
      // transaction was rolled back, so the file is as the last flush left it).
      throw writeFailure(this.db.name, error);
    }
    // Only after the transaction: when it throws (disk full), nothing buffered is lost.
    this.identityTable.clear();
    this.companyTable.clear();
    this.duplicateTable.clear();
    this.suppressedTable.clear();
    this.deliveredTable.clear();
    this.identityFacts?.clear();
  }

  /**
   * A resumed run's identity map as it stood at its resume points: the facts learnt at or
   * after `resumeAt(input)` (a byte offset; undefined: from the start) are taken back,
   * to be learnt again in order. Returns how many were. Call before any lookup.
   */
  rewindIdentities(resumeAt: (input: string) => number | undefined): number {
    if (!this.identityFacts) throw new Error('rewindIdentities() on a read-only state store');
    this.session.end();
    return this.identityFacts.rewind(resumeAt);
  }

  /** Forgets where facts were learnt, not the facts: for a run that starts anew. */
  clearIdentityFacts(): void {
    if (!this.identityFacts) throw new Error('clearIdentityFacts() on a read-only state store');
    this.session.end();
    this.identityFacts.reset();
  }

  private learnIdentity(id: string, email: string, at: LearntAt | undefined): void {
    if (this.identityFacts && at) {
      const previous = this.identityTable.get(id);
      if (previous === email) return;
      this.identityFacts.note(id, previous, at);
    }
    this.identityTable.set(id, email);
  }

  private learnSuppressedId(id: string, at: LearntAt | undefined): void {
    if (this.identityFacts && at && !this.suppressedTable.has(id)) this.identityFacts.noteSuppressed(id, at);
    this.suppressedTable.add(id);
  }

  /** Empties the duplicate window, on disk too: for a run that starts over (--fresh). */
  clearDuplicates(): void {
    if (this.readOnly) throw new Error('clearDuplicates() on a read-only state store');
    this.session.end();
    this.duplicateTable.reset();
  }

  /**
   * Forgets everything the directory's runs learnt (identities and where they were learnt,
   * company ids, the duplicate window, suppressed ids, delivered ids), on disk too: for a directory bound
   * to another portal by --fresh.
   */
  forgetAll(): void {
    if (this.readOnly) throw new Error('forgetAll() on a read-only state store');
    this.flush();
    this.duplicateTable.reset();
    this.deliveredTable.reset();
    this.identityFacts?.reset();
    this.db.exec('DELETE FROM identities; DELETE FROM companies; DELETE FROM suppressed_ids;');
  }

  /** Forgets the delivered ids, on disk too: --fresh starts over. */
  clearDelivered(): void {
    if (this.readOnly) throw new Error('clearDelivered() on a read-only state store');
    this.session.end();
    this.deliveredTable.reset();
  }

  /** Delivered ids on disk. */
  deliveredCount(): number {
    return this.deliveredTable.count();
  }

  /**
   * The lookup of ids delivered before `generation`, or undefined when none is on disk:
   * ids written later are of this run's generation or after, so a run (a dry run reading
   * at full speed above all) that starts with none pays nothing per record.
   */
  deliveredBeforeOf(generation: number | undefined): ((id: string) => boolean) | undefined {
    if (generation === undefined || !this.deliveredTable.any()) return undefined;
    return (id) => this.deliveredTable.deliveredBefore(id, generation);
  }

  /** Entries in each table, buffered ones included. */
  counts(): StateCounts {
    return { identities: this.identityTable.count(), companies: this.companyTable.count(), duplicateWindow: this.duplicateTable.count() };
  }

  /** Flushes (unless read-only) and closes. Safe to call more than once. */
  /** Flushes and closes; the file is closed even when the flush fails (a full disk), which is then thrown. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      this.session.end();
      if (!this.readOnly) restInRollbackMode(this.db);
      this.db.close();
    }
  }

  private flushIfFull(): void {
    const buffered = this.identityTable.size + this.companyTable.size + this.duplicateTable.size + this.suppressedTable.size + this.deliveredTable.size + (this.identityFacts?.size ?? 0);
    if (buffered >= this.autoFlushAt) this.flush();
  }
}

/**
 * Lookups are random (ids arrive in no order): pages come through a memory map and a
 * large page cache, where a small cache would turn most misses into a read(2). A live
 * run makes a few thousand lookups a second at most, for which a read(2) is cheap.
 */
function tuneForLookups(db: Database.Database, cache: StateStoreOptions['cache'] = 'large'): void {
  if (cache === 'small') {
    db.pragma('cache_size = -2048'); // KiB
    return;
  }
  db.pragma('cache_size = -65536'); // KiB: 64 MiB
  db.pragma('mmap_size = 1073741824'); // address space, not memory: pages load on use
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare<[string], number>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) !== undefined;
}

function schemaVersion(db: Database.Database, path: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new UsageError(`The state database ${path} was written by a newer hubspot-sync (schema ${version}); upgrade to use it.`);
  }
  return version;
}

/**
 * Leaves the file in rollback-journal mode at rest: a read-only connection to a WAL
 * database creates -wal and -shm files, and the dry run must create nothing in the state
 * directory. The next writer switches back to WAL. While another connection is open (a
 * dry run reading right now) the switch is skipped: the file simply stays in WAL mode.
 */
function restInRollbackMode(db: Database.Database): void {
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
  } catch {
    // SQLITE_BUSY: another connection is open.
  }
}
