// Duplicate detection (docs/mapping.md#duplicates). Segment archives repeat messageIds; a
// record whose messageId was marked recently is a duplicate and is skipped. Every
// duplicate window is exact (an id is reported seen only if it was marked, and ids are
// compared whole: a hash only finds candidates) and bounded (ids marked long enough ago
// are forgotten, and their duplicates sent again, which is harmless: every effect is
// idempotent). Two exist: the state directory's (here), kept across resumes, and the
// memory-only one of a dry run or a diff (sync/lists/memoryDuplicateWindow.ts).
//
// The state directory's window: a run resumed after `kill -9` must still skip a duplicate
// of a record sent before the kill. Each mark takes the next mark number, and ids whose
// last mark is `window` marks old or more are forgotten (deleted at flush).
//
// Origins. A run marks ids as it reads, ahead of its checkpoint's watermark, so after a
// crash the records past the watermark are read again and find their own ids marked.
// Each mark therefore keeps where its first record sits (its origin): a record read
// again from the same origin is the same record, not a duplicate.
import type Database from 'better-sqlite3';
import { BatchUpsert } from './batchUpsert.js';
import type { ReadSession } from './readSession.js';

/** Where a record sits: the input, the line's byte offset, the element of a `{"batch":[…]}` line. */
export interface MessagePosition {
  file: string;
  offset: number;
  index?: number;
}

/**
 * Answers whether a messageId was seen before, and marks it seen. `position` says where
 * the record sits: a window that outlives a crash tells the same record read again after
 * a resume (the same position) from a duplicate. Without a position, any earlier mark
 * counts.
 */
export interface DuplicateWindow {
  checkAndMark(messageId: string, position?: MessagePosition): boolean;
}

/**
 * The one hash of duplicate detection: cyrb53, 53 bits. Its low 32 bits (`>>> 0`) serve
 * where 32 are enough. Origins are stored as this hash, so changing it would make every
 * record re-read after an upgrade look like a duplicate of itself.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

interface Mark {
  /** The mark's number: marks are numbered as they are made (column `seq`). */
  number: number;
  origin: number | null;
}

/** The state directory's duplicate window, in the seen_messages table. */
export class StoredDuplicateWindow implements DuplicateWindow {
  private pending = new Map<string, Mark>();
  private nextNumber: number;
  private readonly select: Database.Statement<[string], Mark>;
  private readonly upsert: BatchUpsert;
  private readonly prune: Database.Statement<[number]>;
  private readonly countRows: Database.Statement<[number], number>;
  private readonly deleteAll: Database.Statement<[]>;

  constructor(
    db: Database.Database,
    private readonly session: ReadSession,
    private readonly window: number,
    private readonly afterWrite: () => void,
  ) {
    if (!Number.isSafeInteger(window) || window < 1) throw new RangeError(`The duplicate window must be a positive integer, not ${window}.`);
    this.select = db.prepare<[string], Mark>('SELECT seq AS number, origin FROM seen_messages WHERE message_id = ?');
    this.upsert = new BatchUpsert(
      db,
      'seen_messages',
      ['message_id', 'seq', 'origin'],
      'ON CONFLICT (message_id) DO UPDATE SET seq = excluded.seq, origin = excluded.origin',
      'json',
    );
    this.prune = db.prepare<[number]>('DELETE FROM seen_messages WHERE seq <= ?');
    this.countRows = db.prepare<[number], number>('SELECT count(*) FROM seen_messages WHERE seq > ?').pluck();
    this.deleteAll = db.prepare<[]>('DELETE FROM seen_messages');
    const last = db.prepare<[], number | null>('SELECT max(seq) FROM seen_messages').pluck().get();
    this.nextNumber = (last ?? 0) + 1;
  }

  /** Marks not yet written. */
  get size(): number {
    return this.pending.size;
  }

  /** True when `id` was marked by a record from another origin (or either origin is unknown). */
  has(id: string, position?: MessagePosition): boolean {
    return isDuplicate(this.lookup(id), originKey(position));
  }

  /** Marks `id`; it becomes the most recent. Its first origin is kept. */
  add(id: string, position?: MessagePosition): void {
    this.mark(id, this.lookup(id), originKey(position));
  }

  /** has() then add(): true when the record is a duplicate. */
  checkAndMark(id: string, position?: MessagePosition): boolean {
    const previous = this.lookup(id);
    const key = originKey(position);
    this.mark(id, previous, key);
    return isDuplicate(previous, key);
  }

  /** Inside the flush transaction. */
  write(): void {
    if (this.pending.size === 0) return;
    for (const [id, mark] of this.pending) this.upsert.add(id, mark.number, mark.origin);
    this.upsert.end();
    this.prune.run(this.forgottenUpTo());
  }

  /** After the flush's transaction ended well. */
  clear(): void {
    this.pending = new Map();
  }

  /** Forgets everything, on disk too (a writable store only). */
  reset(): void {
    this.pending = new Map();
    this.deleteAll.run();
  }

  count(): number {
    let unwritten = 0;
    for (const id of this.pending.keys()) if (this.stored(id) === undefined) unwritten++;
    this.session.enter();
    return this.countRows.get(this.forgottenUpTo())! + unwritten;
  }

  private lookup(id: string): Mark | undefined {
    return this.pending.get(id) ?? this.stored(id);
  }

  private stored(id: string): Mark | undefined {
    this.session.enter();
    const row = this.select.get(id);
    // Rows out of the window wait for the next flush to be deleted; they count as
    // forgotten already, so no answer depends on when the last flush happened.
    return row !== undefined && row.number > this.forgottenUpTo() ? row : undefined;
  }

  /** Marks numbered up to this one are out of the window. */
  private forgottenUpTo(): number {
    return this.nextNumber - 1 - this.window;
  }

  private mark(id: string, previous: Mark | undefined, origin: number | null): void {
    // Deleted and set again so the Map's order is the order of last marks: a store that
    // never flushes (read-only) drops its oldest marks first, and its memory stays bounded.
    this.pending.delete(id);
    this.pending.set(id, { number: this.nextNumber++, origin: previous === undefined ? origin : previous.origin });
    if (this.pending.size > this.window) {
      const oldest = this.pending.keys().next();
      if (oldest.done !== true) this.pending.delete(oldest.value);
    }
    this.afterWrite();
  }
}

/** A duplicate unless both origins are known and equal (the same record, read again). */
function isDuplicate(previous: Mark | undefined, origin: number | null): boolean {
  if (previous === undefined) return false;
  return origin === null || previous.origin !== origin;
}

/**
 * Origins are stored as a hash, not as text: a path in every row would make the table
 * several times larger. A collision can only make a true duplicate look like the same
 * record read again, so it is sent again (harmless): never a false duplicate.
 */
function originKey(position: MessagePosition | undefined): number | null {
  if (position === undefined) return null;
  return hash53(`${position.offset}:${position.index ?? ''}:${position.file}`);
}
