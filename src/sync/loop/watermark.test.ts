import { describe, expect, it } from 'vitest';
import type { RecordPosition } from '../../sources/types.js';
import { Watermark } from './watermark.js';

function at(line: number, offset: number, endOffset: number, index?: number): RecordPosition {
  return { file: 'f', line, offset, endLine: line + 1, endOffset, index };
}

describe('Watermark', () => {
  it('starts where it is told', () => {
    expect(new Watermark({ line: 7, offset: 120 }).position).toEqual({ line: 7, offset: 120 });
  });

  it('moves only past an unbroken prefix of settled records', () => {
    const mark = new Watermark();
    const a = mark.track(at(1, 0, 10));
    const b = mark.track(at(2, 10, 25));
    const c = mark.track(at(3, 25, 40));
    c();
    expect(mark.position).toEqual({ line: 1, offset: 0 });
    a();
    expect(mark.position).toEqual({ line: 2, offset: 10 });
    b();
    expect(mark.position).toEqual({ line: 4, offset: 40 });
    expect(mark.uncommitted).toBe(0);
  });

  it('keeps a batch line until all of its records are settled', () => {
    const mark = new Watermark();
    const first = mark.track(at(1, 0, 100, 0));
    const second = mark.track(at(1, 0, 100, 1));
    mark.track(at(2, 100, 110));
    first();
    expect(mark.position).toEqual({ line: 1, offset: 0 });
    second();
    expect(mark.position).toEqual({ line: 2, offset: 100 });
  });

  it('keeps a settled batch line until it is known to be whole, and commits its records together', () => {
    const mark = new Watermark();
    const committed: string[] = [];
    // The reader has yielded two elements of line 1 so far; the third is still to come.
    mark.track(at(1, 0, 100, 0))(() => committed.push('e0'));
    mark.track(at(1, 0, 100, 1))(() => committed.push('e1'));
    // A checkpoint now must not skip the rest of the line, nor count e0/e1 without it.
    expect(mark.position).toEqual({ line: 1, offset: 0 });
    expect(committed).toEqual([]);
    mark.track(at(1, 0, 100, 2))(() => committed.push('e2'));
    expect(committed).toEqual([]);
    const next = mark.track(at(2, 100, 110));
    expect(committed).toEqual(['e0', 'e1', 'e2']);
    expect(mark.position).toEqual({ line: 2, offset: 100 });
    next(() => committed.push('next'));
    expect(mark.position).toEqual({ line: 3, offset: 110 });
  });

  it('finishes a batch line at the end of the input', () => {
    const mark = new Watermark();
    mark.track(at(1, 0, 50))();
    mark.track(at(2, 50, 100, 0))();
    mark.track(at(2, 50, 100, 1))();
    expect(mark.position).toEqual({ line: 2, offset: 50 });
    expect(mark.uncommitted).toBe(2);
    mark.end();
    expect(mark.position).toEqual({ line: 3, offset: 100 });
    expect(mark.uncommitted).toBe(0);
  });

  it('lets reading go on when only a settled batch line waits for its next record', async () => {
    const mark = new Watermark();
    for (let i = 0; i < 5; i++) mark.track(at(1, 0, 100, i))();
    // Five records count as uncommitted, but none can be committed without reading on.
    await expect(mark.below(3)).resolves.toBeUndefined();
  });

  it('stays bounded while records stream through', () => {
    const mark = new Watermark();
    for (let i = 0; i < 10_000; i++) mark.track(at(i + 1, i * 10, i * 10 + 10))();
    expect(mark.position).toEqual({ line: 10_001, offset: 100_000 });
    expect(mark.uncommitted).toBe(0);
  });
});

describe('Watermark commits', () => {
  it('commits records in input order, whatever order they settle in', () => {
    const mark = new Watermark();
    const committed: string[] = [];
    const a = mark.track(at(1, 0, 10));
    const b = mark.track(at(2, 10, 20));
    const c = mark.track(at(3, 20, 30));
    c(() => committed.push('c'));
    b(() => committed.push('b'));
    expect(committed).toEqual([]);
    a(() => committed.push('a'));
    expect(committed).toEqual(['a', 'b', 'c']);
  });
});

describe('Watermark.below', () => {
  it('resolves once fewer than the limit are uncommitted, or when released', async () => {
    const mark = new Watermark();
    const first = mark.track(at(1, 0, 10));
    const second = mark.track(at(2, 10, 20));
    let below = false;
    void mark.below(2).then(() => (below = true));
    second();
    await Promise.resolve();
    expect(below).toBe(false); // settled, but behind the first: both still count
    first();
    await Promise.resolve();
    expect(below).toBe(true);

    mark.track(at(3, 20, 30));
    let released = false;
    void mark.below(1).then(() => (released = true));
    mark.release();
    await Promise.resolve();
    expect(released).toBe(true);
    await mark.below(1); // and nothing waits on it any more
  });

  it('passes a record settled as it is read only when nothing is pending and it is not a batch line\'s', () => {
    const mark = new Watermark();
    expect(mark.passAtOnce(at(1, 0, 10))).toBe(true);
    expect(mark.position).toEqual({ line: 2, offset: 10 });
    // A batch line's records are tracked, so they are committed together.
    expect(mark.passAtOnce(at(2, 10, 50, 0))).toBe(false);
    expect(mark.position).toEqual({ line: 2, offset: 10 });
    const element = mark.track(at(2, 10, 50, 0));
    element();
    // The line may go on: the next record waits behind it, and is tracked.
    expect(mark.passAtOnce(at(3, 50, 60))).toBe(false);
    mark.track(at(3, 50, 60))();
    expect(mark.position).toEqual({ line: 4, offset: 60 });
    expect(mark.passAtOnce(at(4, 60, 75))).toBe(true);
    expect(mark.position).toEqual({ line: 5, offset: 75 });
    expect(mark.uncommitted).toBe(0);
  });
});

