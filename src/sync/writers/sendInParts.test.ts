import { describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../hubspot/errors.js';
import { namedWhole, sendInParts } from './sendInParts.js';

const rejection = (message = 'Property values were not valid') =>
  new HubSpotApiError('POST /x', 400, { status: 'error', category: 'VALIDATION_ERROR', message });

describe('sendInParts', () => {
  it('finds the one bad input of 100 by halving, and sends every other input', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const delivered: number[] = [];
    let calls = 0;
    const rejected = await sendInParts(items, async (part) => {
      calls++;
      if (part.includes(42)) throw rejection();
      delivered.push(...part);
      return new Map();
    });
    expect([...rejected.keys()]).toEqual([42]);
    expect(rejected.get(42)?.message).toContain('VALIDATION_ERROR');
    expect(delivered.sort((a, b) => a - b)).toEqual(items.filter((i) => i !== 42));
    expect(calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)) + 1);
  });

  it('uses the inputs the error names instead of halving', async () => {
    let calls = 0;
    const rejected = await sendInParts(
      ['a', 'b', 'c', 'd'],
      async (part) => {
        calls++;
        if (part.includes('c')) throw rejection('c is bad');
        return new Map();
      },
      (_error, part) => namedWhole(part.filter((item) => item === 'c')),
    );
    expect([...rejected.keys()]).toEqual(['c']);
    expect(calls).toBe(2);
  });

  it('keeps per-input failures a 207 reports', async () => {
    const no = { message: 'no', cause: { kind: 'unexplained' } } as const;
    const rejected = await sendInParts(['a', 'b'], async () => new Map([['b', no]]));
    expect([...rejected]).toEqual([['b', no]]);
  });

  it('passes on failures that are not a rejection (a pause, a 5xx)', async () => {
    await expect(sendInParts(['a'], async () => {
      throw new HubSpotApiError('POST /x', 503, {});
    })).rejects.toThrow('503');
  });
});
