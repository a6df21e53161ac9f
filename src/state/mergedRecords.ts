// What `diff` gathers before it compares: for each contact (email) or company (domain) the
// input touches, the properties a replay would send, merged as delivery merges them (a
// later record wins per property). A backfill touches hundreds of thousands of records:
// past `keptInMemory` of them, the buffer is merged into a private temporary SQLite
// database (deleted on close), so memory does not grow with the input. Records come back
// in the order they were first seen, in windows the caller compares one at a time.
import type { PropertyValues } from '../core/types.js';
import { BatchUpsert, openScratchDatabase } from './batchUpsert.js';

const KEPT_IN_MEMORY = 5_000;

interface Buffered {
  /** When the key was first seen: the output order. */
  order: number;
  properties: PropertyValues;
}

export class MergedRecords {
  private buffer = new Map<string, Buffered>();
  private spill?: ReturnType<typeof openSpill>;
  private seen = 0;

  constructor(private readonly keptInMemory = KEPT_IN_MEMORY) {}

  /** Later values win per property; a property first seen later comes after the others. */
  merge(key: string, properties: PropertyValues): void {
    const buffered = this.buffer.get(key);
    if (buffered) {
      buffered.properties = { ...buffered.properties, ...properties };
      return;
    }
    this.buffer.set(key, { order: this.seen++, properties: { ...properties } });
    if (this.buffer.size >= this.keptInMemory) this.flush();
  }

  /** Whether part of the records lives on disk (for tests: the bounded path was taken). */
  get spilled(): boolean {
    return this.spill !== undefined;
  }

  /** Every record, in the order first seen, `size` at a time. Nothing may be merged meanwhile. */
  *windows(size: number): Generator<Array<[key: string, properties: PropertyValues]>> {
    if (!this.spill) {
      let window: Array<[string, PropertyValues]> = [];
      for (const [key, { properties }] of this.buffer) {
        window.push([key, properties]);
        if (window.length === size) {
          yield window;
          window = [];
        }
      }
      if (window.length > 0) yield window;
      return;
    }
    this.flush();
    const spill = this.spill;
    for (let after = -1; ; ) {
      const rows = spill.page.all(after, size);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.ord;
      yield rows.map((row) => [row.key, JSON.parse(row.properties) as PropertyValues]);
    }
  }

  close(): void {
    this.spill?.db.close();
    this.spill = undefined;
    this.buffer.clear();
  }

  /** Merges the buffer into the database: its first-seen order stays, later values win. */
  private flush(): void {
    const spill = (this.spill ??= openSpill());
    spill.db.transaction(() => {
      for (const [key, { order, properties }] of this.buffer) spill.upsert.add(key, order, JSON.stringify(properties));
      spill.upsert.end();
    })();
    this.buffer.clear();
  }
}

function openSpill() {
  const db = openScratchDatabase(`
    CREATE TABLE merged (key TEXT PRIMARY KEY, ord INTEGER NOT NULL, properties TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX merged_by_ord ON merged (ord);
  `);
  return {
    db,
    // json_patch keeps the members of the earlier object in place, replaces those the
    // later one also has and appends the rest: the same result as `{ ...earlier, ...later }`.
    upsert: new BatchUpsert(db, 'merged', ['key', 'ord', 'properties'], 'ON CONFLICT (key) DO UPDATE SET properties = json_patch(properties, excluded.properties)', 'parameters'),
    page: db.prepare<[number, number], { key: string; ord: number; properties: string }>('SELECT key, ord, properties FROM merged WHERE ord > ? ORDER BY ord LIMIT ?'),
  };
}
