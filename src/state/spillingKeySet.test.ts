import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpillingKeySet } from './spillingKeySet.js';

describe('SpillingKeySet', () => {
  it('counts distinct keys exactly and gives them back in the order first added, spilled or not', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 200 }).map((n) => `k${n}`), { maxLength: 400 }), fc.integer({ min: 2, max: 30 }), (keys, kept) => {
      const set = new SpillingKeySet(kept);
      const added = keys.map((key) => set.add(key));
      const distinct = [...new Set(keys)];
      expect(set.size).toBe(distinct.length);
      expect(added.filter(Boolean)).toHaveLength(distinct.length);
      expect([...set.keys()]).toEqual(distinct);
      for (const key of distinct) expect(set.has(key)).toBe(true);
      expect(set.has('never')).toBe(false);
      set.close();
    }), { numRuns: 50 });
  });
});
