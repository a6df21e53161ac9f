// A string → string table behind a write-behind buffer: set() and delete() only touch a
// Map, get() reads the Map first, and write() (inside the store's flush transaction)
// stores it.
import type Database from 'better-sqlite3';
import { BatchUpsert } from './batchUpsert.js';
import type { ReadSession } from './readSession.js';

export class BufferedMap {
  /** Values to write; null: the key is to be deleted. */
  private pending = new Map<string, string | null>();
  private readonly select: Database.Statement<[string], string>;
  private readonly remove: Database.Statement<[string]>;
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
    this.remove = db.prepare<[string]>(`DELETE FROM ${table} WHERE ${key} = ?`);
    this.upsert = new BatchUpsert(db, table, [key, value], `ON CONFLICT (${key}) DO UPDATE SET ${value} = excluded.${value}`, 'json');
  }

  /** Entries not yet written. */
  get size(): number {
    return this.pending.size;
  }

  get(key: string): string | undefined {
    const buffered = this.pending.get(key);
    if (buffered !== undefined) return buffered ?? undefined;
    this.session.enter();
    return this.select.get(key);
  }

  /** A later set of the same key wins. */
  set(key: string, value: string): void {
    this.pending.set(key, value);
    this.afterWrite();
  }

  /** Forgets `key` (a later set() brings it back). */
  delete(key: string): void {
    this.pending.set(key, null);
    this.afterWrite();
  }

  /** Inside the flush transaction. */
  write(): void {
    for (const [key, value] of this.pending) {
      if (value === null) this.remove.run(key);
      else this.upsert.add(key, value);
    }
    this.upsert.end();
  }

  /** After the flush's transaction ended well. */
  clear(): void {
    this.pending = new Map();
  }

  count(): number {
    this.session.enter();
    let unwritten = 0;
    for (const [key, value] of this.pending) {
      const stored = this.select.get(key) !== undefined;
      if (value === null && stored) unwritten--;
      else if (value !== null && !stored) unwritten++;
    }
    return this.countRows.get()! + unwritten;
  }
}
