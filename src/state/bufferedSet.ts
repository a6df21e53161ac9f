// A set of strings behind a write-behind buffer, like BufferedMap: add() only touches a
// Set, has() reads the Set first, and write() (inside the store's flush transaction)
// stores it.
import type Database from 'better-sqlite3';
import { BatchUpsert } from './batchUpsert.js';
import type { ReadSession } from './readSession.js';

export class BufferedSet {
  private pending = new Set<string>();
  private readonly select: Database.Statement<[string], number> | undefined;
  private readonly upsert: BatchUpsert | undefined;
  private readonly countRows: Database.Statement<[], number> | undefined;

  /**
   * `table` and `column` are identifiers from this folder's schema, never input. Without
   * `db` (a read-only file older than the table) the set starts empty and lives in memory.
   */
  constructor(
    db: Database.Database | undefined,
    private readonly session: ReadSession,
    table: string,
    column: string,
    private readonly afterWrite: () => void,
  ) {
    if (db === undefined) return;
    this.select = db.prepare<[string], number>(`SELECT 1 FROM ${table} WHERE ${column} = ?`).pluck();
    this.countRows = db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck();
    this.upsert = new BatchUpsert(db, table, [column], `ON CONFLICT (${column}) DO NOTHING`, 'json');
  }

  /** Entries not yet written. */
  get size(): number {
    return this.pending.size;
  }

  has(key: string): boolean {
    if (this.pending.has(key)) return true;
    if (this.select === undefined) return false;
    this.session.enter();
    return this.select.get(key) !== undefined;
  }

  add(key: string): void {
    if (this.has(key)) return;
    this.pending.add(key);
    this.afterWrite();
  }

  /** Inside the flush transaction. */
  write(): void {
    if (this.upsert === undefined) return;
    for (const key of this.pending) this.upsert.add(key);
    this.upsert.end();
  }

  /** After the flush's transaction ended well. */
  clear(): void {
    this.pending = new Set();
  }

  /** Entries, buffered ones included (a buffered entry is never also written: add() checks). */
  count(): number {
    if (this.countRows === undefined) return this.pending.size;
    this.session.enter();
    return this.countRows.get()! + this.pending.size;
  }
}
