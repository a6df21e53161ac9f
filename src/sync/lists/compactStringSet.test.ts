import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactStringSet, CompactStringSetBuilder, hashString } from './compactStringSet.js';

// Every kind of UTF-16 text: ASCII, any code point, and lone surrogates.
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }));
const asciiString = fc.string({ unit: 'binary-ascii' });

/** Membership of each value under both tags, compared in one assertion (one per value costs more than the set). */
function answers(values: string[], has: (value: string, tag: 0 | 1) => boolean): Array<[string, boolean, boolean]> {
  return values.map((value) => [value, has(value, 0), has(value, 1)]);
}

describe('CompactStringSet answers exactly like a Set', () => {
  it('for arbitrary strings, members and non-members', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 60 }), fc.array(anyString, { maxLength: 60 }), (members, probes) => {
        const set = CompactStringSet.of(members);
        const reference = new Set(members);
        expect(set.size).toBe(reference.size);
        const values = [...members, ...probes];
        expect(values.map((value) => set.has(value))).toEqual(values.map((value) => reference.has(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('for ASCII text added from bytes, lowercased or not', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(asciiString, fc.boolean(), fc.constantFrom<0 | 1>(0, 1)), { maxLength: 40 }), fc.array(asciiString, { maxLength: 40 }), (entries, probes) => {
        const builder = new CompactStringSetBuilder();
        const reference: [Set<string>, Set<string>] = [new Set(), new Set()];
        for (const [text, lowercase, tag] of entries) {
          const bytes = Buffer.from(`#${text}#`, 'latin1');
          builder.addAscii(bytes, 1, bytes.length - 1, lowercase, tag);
          // Adding the same text as a string must be the same entry (no duplicate kept).
          if (tag === 1) builder.add(lowercase ? text.toLowerCase() : text, tag);
          reference[tag].add(lowercase ? text.toLowerCase() : text);
        }
        const set = builder.build();
        expect(set.size).toBe(reference[0].size + reference[1].size);
        const values = [...reference[0], ...reference[1], ...entries.map(([text]) => text), ...probes];
        expect(answers(values, (value, tag) => set.has(value, tag))).toEqual(answers(values, (value, tag) => reference[tag].has(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the two tags apart, as two Sets would', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyString, fc.constantFrom<0 | 1>(0, 1)), { maxLength: 60 }), fc.array(anyString, { maxLength: 30 }), (entries, probes) => {
        const builder = new CompactStringSetBuilder(8);
        const reference: [Set<string>, Set<string>] = [new Set(), new Set()];
        for (const [text, tag] of entries) {
          builder.add(text, tag);
          reference[tag].add(text);
        }
        const set = builder.build();
        expect(set.sizes).toEqual([reference[0].size, reference[1].size]);
        const values = [...entries.map(([text]) => text), ...probes];
        expect(answers(values, (value, tag) => set.has(value, tag))).toEqual(answers(values, (value, tag) => reference[tag].has(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart texts whose UTF-8 would be the same (lone surrogates)', () => {
    const set = CompactStringSet.of(['\ud800', 'a\udc00b']);
    expect(set.has('\ud800')).toBe(true);
    expect(set.has('\udbff')).toBe(false);
    expect(set.has('\ufffd')).toBe(false);
    expect(set.has('a\ufffdb')).toBe(false);
    expect(set.has('a\udc00b')).toBe(true);
  });

  it('confirms a hash match against the text: colliding hashes are told apart', () => {
    // Find two short strings with the same 32-bit hash (birthday search over 2^17 candidates).
    const byHash = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined && i < 1 << 20; i++) {
      const text = `id-${i.toString(36)}`;
      const other = byHash.get(hashString(text));
      if (other !== undefined) pair = [other, text];
      else byHash.set(hashString(text), text);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    expect(hashString(a)).toBe(hashString(b));
    expect(hashString(a, 1)).not.toBe(hashString(a, 0));
    expect(CompactStringSet.of([a]).has(b)).toBe(false);
    const both = CompactStringSet.of([a, b, a]);
    expect([both.has(a), both.has(b), both.size]).toEqual([true, true, 2]);
  });

  it('is empty when nothing was added', () => {
    const set = CompactStringSet.of([]);
    expect([set.size, set.has(''), set.has('x')]).toEqual([0, false, false]);
  });

  it('holds entries past the initial buffers (growth keeps every entry)', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `user-${i}@example.com`);
    const set = CompactStringSet.of(values);
    expect(set.size).toBe(values.length);
    expect(values.every((value) => set.has(value))).toBe(true);
    expect(set.has('user-20000@example.com')).toBe(false);
  });
});
