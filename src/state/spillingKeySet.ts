// A set of distinct keys (emails, domains, pairs) that a dry run counts for its request
// plan. Millions of contacts would grow the heap with the input: past `keptInMemory` keys,
// the keys in memory move to a private temporary SQLite database (deleted on close).
// Keys keep the order they were first added in, for those who read them back in chunks.
import type Database from 'better-sqlite3';
import { BatchUpsert, openScratchDatabase } from './batchUpsert.js';

/** A dry run keeps four of these: about 2–3 MB each in memory at most (an email, its table entry). */
const KEPT_IN_MEMORY = 25_000;

export class SpillingKeySet {
  private recent = new Set<string>();
  private spill?: { db: Database.Database; has: Database.Statement<[string], number>; insert: BatchUpsert };
  private count = 0;

  constructor(private readonly keptInMemory = KEPT_IN_MEMORY) {}

  has(key: string): boolean {
    return this.recent.has(key) || (this.spill?.has.get(key) !== undefined);
  }

  /** Adds the key; answers whether it was new. */
  add(key: string): boolean {
    if (this.has(key)) return false;
    this.recent.add(key);
    this.count++;
    if (this.recent.size >= this.keptInMemory) this.spillAll();
    return true;
  }

  get size(): number {
    return this.count;
  }

  /** Every key, in the order first added. */
  *keys(): IterableIterator<string> {
    if (this.spill) yield* this.spill.db.prepare<[], string>('SELECT key FROM keys ORDER BY seq').pluck().iterate();
    yield* this.recent;
  }

  close(): void {
    this.spill?.db.close();
  }

  private spillAll(): void {
    const spill = (this.spill ??= openSpill());
    spill.db.transaction(() => {
      for (const key of this.recent) spill.insert.add(key);
      spill.insert.end();
    })();
    this.recent = new Set();
  }
}

function openSpill() {
  const db = openScratchDatabase('CREATE TABLE keys (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)');
  return {
    db,
    has: db.prepare<[string], number>('SELECT 1 FROM keys WHERE key = ?').pluck(),
    insert: new BatchUpsert(db, 'keys', ['key'], 'ON CONFLICT (key) DO NOTHING', 'json'),
  };
}
