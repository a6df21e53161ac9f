import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PropertyValues } from '../core/types.js';
import { MergedRecords } from './mergedRecords.js';

/** What the diff did before records were bounded: one Map, spreads, insertion order. */
function reference(merges: ReadonlyArray<readonly [string, PropertyValues]>): Array<[string, PropertyValues]> {
  const map = new Map<string, PropertyValues>();
  for (const [key, properties] of merges) map.set(key, { ...map.get(key), ...properties });
  return [...map];
}

function collect(records: MergedRecords, size: number): Array<[string, PropertyValues]> {
  const out: Array<[string, PropertyValues]> = [];
  for (const window of records.windows(size)) {
    expect(window.length).toBeGreaterThan(0);
    expect(window.length).toBeLessThanOrEqual(size);
    out.push(...window);
  }
  return out;
}

const key = fc.constantFrom('ada@example.com', 'bob@example.com', 'cy@example.com', 'di@example.com', 'ed@example.com', 'fay@example.com', 'gus@example.com');
const name = fc.constantFrom('firstname', 'lastname', 'city', 'plan_tier', 'zip', 'constructor', 'toString', '__proto__');
const properties = fc.dictionary(name, fc.string(), { maxKeys: 5 });

describe('MergedRecords', () => {
  it('gives the same records, values and property order as one in-memory map, spilled or not', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, properties), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5 }), (merges, kept, size) => {
        const records = new MergedRecords(kept);
        try {
          for (const [k, p] of merges) records.merge(k, p);
          const expected = reference(merges);
          const got = collect(records, size);
          expect(got.map(([k]) => k)).toEqual(expected.map(([k]) => k));
          for (let i = 0; i < got.length; i++) {
            // Same values, and the same key order (the diff prints properties in it).
            expect(Object.keys(got[i]![1])).toEqual(Object.keys(expected[i]![1]));
            expect(got[i]![1]).toEqual(expected[i]![1]);
          }
        } finally {
          records.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('moves records to disk past its bound and keeps at most that many in memory', () => {
    const records = new MergedRecords(100);
    for (let i = 0; i < 1_000; i++) records.merge(`user${i % 400}@example.com`, { seq: String(i) });
    expect(records.spilled).toBe(true);
    const all = collect(records, 64);
    expect(all).toHaveLength(400);
    expect(all[0]).toEqual(['user0@example.com', { seq: '800' }]);
    expect(all[399]).toEqual(['user399@example.com', { seq: '799' }]);
    records.close();
  });

  it('never spills what fits', () => {
    const records = new MergedRecords(100);
    for (let i = 0; i < 99; i++) records.merge(`user${i}@example.com`, { n: String(i) });
    expect(records.spilled).toBe(false);
    expect(collect(records, 1_000)).toHaveLength(99);
    records.close();
  });
});
