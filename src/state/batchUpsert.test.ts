import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchUpsert, type Cell, type RowPassing } from './batchUpsert.js';

const SCHEMA = 'CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, v TEXT) WITHOUT ROWID';
const UPSERT = 'ON CONFLICT (k) DO UPDATE SET n = excluded.n, v = excluded.v';

/** Rows written with one statement a row: what a batch must store the same. */
function oneByOne(rows: Cell[][]): Database.Database {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  const insert = db.prepare<Cell[]>(`INSERT INTO t (k, n, v) VALUES (?, ?, ?) ${UPSERT}`);
  for (const row of rows) insert.run(...row);
  return db;
}

function batched(rows: Cell[][], passing: RowPassing): Database.Database {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  const upsert = new BatchUpsert(db, 't', ['k', 'n', 'v'], UPSERT, passing);
  db.transaction(() => {
    for (const row of rows) upsert.add(...row);
    upsert.end();
  })();
  return db;
}

// Any UTF-16 code units: lone surrogates, NUL, quotes and backslashes, which JSON escapes.
const text = fc.string({ unit: 'binary', maxLength: 12 });
const row = fc.tuple(text, fc.oneof(fc.constant(null), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 53) + 1, max: 0 })), fc.oneof(fc.constant(null), text));

describe('BatchUpsert', () => {
  for (const passing of ['json', 'parameters'] as const) {
    it(`stores by '${passing}' exactly what one statement a row stores, and a lookup by the same string finds it`, () => {
      fc.assert(
        fc.property(fc.array(row, { maxLength: 150 }), (rows) => {
          const expected = oneByOne(rows);
          const actual = batched(rows, passing);
          // Bytes, not JavaScript strings: two different byte strings can read back as the same text.
          const dump = (db: Database.Database) => db.prepare('SELECT hex(k) AS k, n, typeof(n) AS nt, hex(v) AS v, typeof(v) AS vt FROM t ORDER BY k').all();
          expect(dump(actual)).toEqual(dump(expected));
          const find = actual.prepare<[string], number | null>('SELECT n FROM t WHERE k = ?').pluck();
          for (const [key] of rows) expect(find.get(key as string)).not.toBeUndefined();
          expected.close();
          actual.close();
        }),
        { numRuns: 60 },
      );
    });
  }

  it('writes a full statement as soon as it fills, and the rest at end(), later rows of a key winning', () => {
    for (const passing of ['json', 'parameters'] as const) {
      const rows: Cell[][] = Array.from({ length: 10_000 }, (_, i) => [`k${i % 7_000}`, i, `v${i}`]);
      const db = batched(rows, passing);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(7_000);
      expect(db.prepare("SELECT n FROM t WHERE k = 'k5'").pluck().get()).toBe(7_005);
      expect(db.prepare("SELECT n FROM t WHERE k = 'k6999'").pluck().get()).toBe(6_999);
      db.close();
    }
  });
});
