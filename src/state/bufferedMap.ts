// A string → string table behind a write-behind buffer: set() only touches a Map, get()
// reads the Map first, and write() (inside the store's flush transaction) commits it.
import type Database from 'better-sqlite3';
import { BatchUpsert } from './batchUpsert.js';
import type { ReadSession } from './readSession.js';

export class BufferedMap {
  private pending = new Map<string, string>();
  private readonly select: Database.Statement<[string], string>;
  private readonly upsert: BatchUpsert;
  private readonly countRows: Database.Statement<[], number>;

  /** `table`, `key` and `value` are identifiers from this module's schema, never input. */
  constructor(
    db: Database.Database,
    private readonly session: ReadSession,
    table: string,
    key: string,
    value: string,
    private readonly afterWrite: () => void,
  ) {
    this.select = db.prepare<[string], string>(`SELECT ${value} FROM ${table} WHERE ${key} = ?`).pluck();
    this.countRows = db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck();
    this.upsert = new BatchUpsert(db, table, [key, value], `ON CONFLICT (${key}) DO UPDATE SET ${value} = excluded.${value}`);
  }

  /** Entries not yet written. */
  get size(): number {
    return this.pending.size;
  }

  get(key: string): string | undefined {
    const buffered = this.pending.get(key);
    if (buffered !== undefined) return buffered;
    this.session.enter();
    return this.select.get(key);
  }

  /** A later set of the same key wins. */
  set(key: string, value: string): void {
    this.pending.set(key, value);
    this.afterWrite();
  }

  /** Inside the flush transaction. */
  write(): void {
    for (const [key, value] of this.pending) this.upsert.add(key, value);
    this.upsert.end();
  }

  /** After the flush transaction committed. */
  clear(): void {
    this.pending = new Map();
  }

  count(): number {
    this.session.enter();
    let unwritten = 0;
    for (const key of this.pending.keys()) if (this.select.get(key) === undefined) unwritten++;
    return this.countRows.get()! + unwritten;
  }
}
