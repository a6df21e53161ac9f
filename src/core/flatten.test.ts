import { describe, expect, it } from 'vitest';
import { flattenProperties } from './flatten.js';
import type { FlatEntry } from './flatten.js';

describe('flattenProperties (docs/mapping.md#keys)', () => {
  it.each<[string, Record<string, unknown>, FlatEntry[]]>([
    ['nested objects join with _', { plan: { tier: 'pro' } }, [['plan_tier', 'pro']]],
    ['depth first, in input order', { a: 1, b: { c: { d: 2 }, e: 3 }, f: 4 }, [['a', 1], ['b_c_d', 2], ['b_e', 3], ['f', 4]]],
    ['arrays are values', { tags: ['a', 'b'] }, [['tags', ['a', 'b']]]],
    ['arrays of objects are values too', { items: [{ sku: 'x' }] }, [['items', [{ sku: 'x' }]]]],
    ['each segment is normalised on its own', { 'Plan Info': { 'Tier!': 'pro' } }, [['plan_info_tier_', 'pro']]],
    ['null values are kept for the caller', { a: null }, [['a', null]]],
    ['an empty object yields nothing', { a: {} }, []],
    ['nothing in, nothing out', {}, []],
  ])('%s', (_, source, entries) => {
    expect(flattenProperties(source)).toEqual(entries);
  });

  it('skips consumed top-level keys only', () => {
    const source = { address: { city: 'x' }, b: { address: 1 } };
    expect(flattenProperties(source, new Set(['address']))).toEqual([['b_address', 1]]);
  });

  it('reads a __proto__ key as data', () => {
    const source = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(flattenProperties(source)).toEqual([['__proto___polluted', true]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
