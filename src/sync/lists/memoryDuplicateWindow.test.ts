import { describe, expect, it } from 'vitest';
import { MemoryDuplicateWindow } from './memoryDuplicateWindow.js';

describe('MemoryDuplicateWindow', () => {
  it('reports a repeated id as a duplicate and a new one as not', () => {
    const recent = new MemoryDuplicateWindow();
    expect(recent.checkAndMark('a')).toBe(false);
    expect(recent.checkAndMark('b')).toBe(false);
    expect(recent.checkAndMark('a')).toBe(true);
  });

  it('always remembers the last `capacity` ids, however many came before', () => {
    const capacity = 1000;
    const recent = new MemoryDuplicateWindow(capacity);
    for (let i = 0; i < 10_500; i++) recent.checkAndMark(`id-${i}`);
    for (let i = 10_500 - capacity; i < 10_500; i++) expect(recent.checkAndMark(`id-${i}`)).toBe(true);
    expect(recent.size).toBeLessThanOrEqual(2 * capacity);
  });

  it('never calls a first occurrence a duplicate', () => {
    const recent = new MemoryDuplicateWindow(10);
    const dupes = Array.from({ length: 100 }, (_, i) => recent.checkAndMark(`m${i}`)).filter(Boolean);
    expect(dupes).toEqual([]);
  });

  it('tells apart ids that UTF-8 would make equal (lone surrogates)', () => {
    const recent = new MemoryDuplicateWindow(10);
    expect(recent.checkAndMark('m-\ud800')).toBe(false);
    expect(recent.checkAndMark('m-\udc00')).toBe(false);
    expect(recent.checkAndMark('m-\ufffd')).toBe(false);
    expect(recent.checkAndMark('m-\ud800')).toBe(true);
    expect(recent.checkAndMark('m-😀')).toBe(false);
    expect(recent.checkAndMark('m-😀')).toBe(true);
  });
});

describe('MemoryDuplicateWindow against a reference window', () => {
  it('is exactly a sliding window of its ring (whole blocks, at least `capacity` marks)', () => {
    for (const capacity of [1, 2, 5, 64, 1000, 5000, 9000]) {
      const block = Math.min(4096, capacity);
      const ring = Math.ceil(capacity / block) * block;
      const recent = new MemoryDuplicateWindow(capacity);
      const seen: string[] = [];
      const count = new Map<string, number>();
      const wrong: Array<[number, string]> = [];
      let seed = capacity;
      const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      for (let i = 0; i < 40_000; i++) {
        // Repeats near and far, and now and then a non-Latin-1 or ill-formed id.
        const id = `id-${Math.floor(random() * ring * 3)}${random() < 0.01 ? 'ü' : random() < 0.01 ? '\ud83d' : ''}`;
        if (recent.checkAndMark(id) !== (count.get(id) ?? 0) > 0) wrong.push([i, id]);
        seen.push(id);
        count.set(id, (count.get(id) ?? 0) + 1);
        // The reference window holds the last `ring` ids.
        if (i >= ring) {
          const old = seen[i - ring]!;
          count.set(old, count.get(old)! - 1);
        }
      }
      recent.close();
      // One assertion per capacity: an expect per id would cost more than the window.
      expect(wrong.slice(0, 5), `capacity ${capacity}`).toEqual([]);
    }
  });
});
