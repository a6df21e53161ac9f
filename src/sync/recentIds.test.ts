import { describe, expect, it } from 'vitest';
import { RecentIds } from './recentIds.js';

describe('RecentIds', () => {
  it('reports a repeated id as a duplicate and a new one as not', () => {
    const recent = new RecentIds();
    expect(recent.checkAndMark('a')).toBe(false);
    expect(recent.checkAndMark('b')).toBe(false);
    expect(recent.checkAndMark('a')).toBe(true);
  });

  it('always remembers the last `capacity` ids, however many came before', () => {
    const capacity = 1000;
    const recent = new RecentIds(capacity);
    for (let i = 0; i < 10_500; i++) recent.checkAndMark(`id-${i}`);
    for (let i = 10_500 - capacity; i < 10_500; i++) expect(recent.checkAndMark(`id-${i}`)).toBe(true);
    expect(recent.size).toBeLessThanOrEqual(2 * capacity);
  });

  it('never calls a first occurrence a duplicate', () => {
    const recent = new RecentIds(10);
    const dupes = Array.from({ length: 100 }, (_, i) => recent.checkAndMark(`m${i}`)).filter(Boolean);
    expect(dupes).toEqual([]);
  });
});
