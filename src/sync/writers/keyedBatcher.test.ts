import { describe, expect, it } from 'vitest';
import type { DeadLetterVerdict } from '../../core/types.js';
import { KeyedBatcher, type Verdicts } from './keyedBatcher.js';

type Props = Record<string, string>;

/** A batcher whose sends are held until the test releases them, recording each batch. */
function harness(maxBatch = 3, lingerMs = 5) {
  const sent: Array<{ keys: string[]; values: Props[]; parts: Props[][]; seq: number }> = [];
  const releases: Array<(verdicts?: Verdicts) => void> = [];
  const fatal: unknown[] = [];
  const batcher = new KeyedBatcher<Props>({
    maxBatch,
    lingerMs,
    merge: (a, b) => ({ ...a, ...b }),
    send: (batch, seq) => {
      sent.push({ keys: batch.map((e) => e.key), values: batch.map((e) => e.value), parts: batch.map((e) => [...e.parts]), seq });
      return new Promise<Verdicts>((resolve) => releases.push((v) => resolve(v ?? new Map())));
    },
    onFatal: (error) => fatal.push(error),
  });
  return { batcher, sent, releases, fatal };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('KeyedBatcher', () => {
  it('sends a full batch at once and merges operations on one key, later wins per property', async () => {
    const { batcher, sent, releases } = harness(3);
    const a1 = batcher.add('a', { x: '1', y: '1' }, 0);
    const a2 = batcher.add('a', { y: '2' }, 1);
    void batcher.add('b', {}, 2);
    void batcher.add('c', {}, 3);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({ keys: ['a', 'b', 'c'], values: [{ x: '1', y: '2' }, {}, {}], parts: [[{ x: '1', y: '1' }, { y: '2' }], [{}], [{}]], seq: 0 });
    releases[0]!();
    expect(await a1).toBeUndefined();
    expect(await a2).toBeUndefined();
  });

  it('never puts one key in two batches in flight: the later update waits for the first', async () => {
    const { batcher, sent, releases } = harness(2);
    void batcher.add('a', { v: '1' }, 0);
    void batcher.add('b', {}, 1);
    void batcher.add('a', { v: '2' }, 2);
    void batcher.add('c', {}, 3);
    await tick();
    // The second batch may hold c, not the second a, while the first batch is in flight.
    expect(sent.map((s) => s.keys)).toEqual([['a', 'b'], ['c']]);
    releases[0]!();
    await tick();
    expect(sent.map((s) => s.keys)).toEqual([['a', 'b'], ['c'], ['a']]);
    expect(sent[2]!.values).toEqual([{ v: '2' }]);
  });

  it('sends a partial batch after the linger time, and everything on drain', async () => {
    const { batcher, sent, releases } = harness(10, 5);
    void batcher.add('a', {}, 0);
    expect(sent).toHaveLength(0);
    await tick();
    expect(sent).toHaveLength(1);
    void batcher.add('b', {}, 1);
    const drained = batcher.drain();
    expect(sent).toHaveLength(2);
    releases.forEach((release) => release());
    await drained;
  });

  it('keeps batching what arrives while it drains, rather than sending each operation alone', async () => {
    const { batcher, sent, releases } = harness(10, 5);
    void batcher.add('a', {}, 0);
    const drained = batcher.drain();
    expect(sent.map((s) => s.keys)).toEqual([['a']]);
    // Associations arrive during the drain as their companies settle.
    for (const key of ['b', 'c', 'd']) void batcher.add(key, {}, 1);
    await tick();
    expect(sent.map((s) => s.keys)).toEqual([['a'], ['b', 'c', 'd']]);
    releases.forEach((release) => release());
    await drained;
  });

  it("hands each key its batch's verdict", async () => {
    const { batcher, releases } = harness(2);
    const bad = batcher.add('bad', {}, 0);
    const good = batcher.add('good', {}, 1);
    const verdict: DeadLetterVerdict = { code: 'HUBSPOT_REJECTED', reason: 'no' };
    releases[0]!(new Map([['bad', verdict]]));
    expect(await bad).toEqual(verdict);
    expect(await good).toBeUndefined();
  });

  it('hands each record merged into a key its own verdict when the send gives one per contribution', async () => {
    const { batcher, sent, releases } = harness(3);
    const first = batcher.add('a', { x: '1' }, 0);
    const second = batcher.add('a', { x: 'bad' }, 1);
    const third = batcher.add('a', { y: '3' }, 2);
    await tick();
    expect(sent[0]!.parts).toEqual([[{ x: '1' }, { x: 'bad' }, { y: '3' }]]);
    const verdict: DeadLetterVerdict = { code: 'HUBSPOT_REJECTED', reason: 'x refused' };
    releases[0]!(new Map([['a', [undefined, verdict, undefined]]]));
    expect(await Promise.all([first, second, third])).toEqual([undefined, verdict, undefined]);
  });

  it('reports a failed send as fatal and sends nothing after stop', async () => {
    const fatal: unknown[] = [];
    let sends = 0;
    const batcher = new KeyedBatcher<Props>({
      maxBatch: 1,
      lingerMs: 1,
      merge: (a, b) => ({ ...a, ...b }),
      send: async () => {
        sends++;
        throw new Error('paused');
      },
      onFatal: (error) => fatal.push(error),
    });
    void batcher.add('a', {}, 0);
    await tick();
    expect(fatal).toHaveLength(1);
    batcher.stop();
    void batcher.add('b', {}, 1);
    await tick();
    expect(sends).toBe(1);
    await batcher.idle();
  });
});
