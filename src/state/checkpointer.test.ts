import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyTally } from '../report/tally.js';
import type { Checkpoint } from './checkpoint.js';
import { Checkpointer } from './checkpointer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-checkpointer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sampleCheckpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    version: 1,
    inputs: { 'events.ndjson': { fingerprint: { size: 1234, head: 'ab'.repeat(32) }, watermark: { line: 1, offset: 0 }, done: false } },
    tally: emptyTally(),
    deadLetterLength: 0,
    startedAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    status: 'running',
    runs: 1,
    ...overrides,
  };
}

async function onDisk(): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Checkpointer', () => {
  it('writes the checkpoint as updated', async () => {
    const checkpoint = sampleCheckpoint();
    const checkpointer = new Checkpointer(dir, checkpoint);
    checkpoint.runs = 5;
    checkpoint.status = 'completed';
    await checkpointer.write();
    expect(await onDisk()).toMatchObject({ runs: 5, status: 'completed' });
    expect(await readdir(dir)).toEqual(['checkpoint.json']);
  });

  it('calls beforeWrite before each write, while the previous checkpoint is still the one on disk', async () => {
    const events: string[] = [];
    const checkpoint = sampleCheckpoint();
    const checkpointer = new Checkpointer(dir, checkpoint, {
      beforeWrite: async () => {
        events.push(`beforeWrite, on disk: ${(await onDisk())?.runs ?? 'nothing'}`);
      },
    });
    for (const runs of [1, 2, 3]) {
      checkpoint.runs = runs;
      await checkpointer.write();
      events.push(`written ${(await onDisk())?.runs}`);
    }
    expect(events).toEqual([
      'beforeWrite, on disk: nothing',
      'written 1',
      'beforeWrite, on disk: 1',
      'written 2',
      'beforeWrite, on disk: 2',
      'written 3',
    ]);
  });

  it('never runs two writes at once; writes asked for meanwhile share one, with the latest state', async () => {
    let active = 0;
    let mostActive = 0;
    const gates: { resolve: () => void }[] = [];
    const entered: (() => void)[] = [];
    const checkpoint = sampleCheckpoint();
    let writes = 0;
    const checkpointer = new Checkpointer(dir, checkpoint, {
      collect: () => void writes++,
      beforeWrite: async () => {
        active++;
        mostActive = Math.max(mostActive, active);
        const gate = deferred();
        gates.push(gate);
        entered.shift()?.();
        await gate.promise;
        active--;
      },
    });
    const firstEntered = new Promise<void>((r) => entered.push(r));
    const first = checkpointer.write();
    await firstEntered;
    checkpoint.runs = 2;
    const second = checkpointer.write();
    checkpoint.runs = 3;
    const third = checkpointer.write();
    expect(third).toBe(second);

    const secondEntered = new Promise<void>((r) => entered.push(r));
    gates[0]!.resolve();
    await first;
    expect((await onDisk())?.runs).toBe(1);
    await secondEntered;
    expect(gates).toHaveLength(2);
    gates[1]!.resolve();
    await Promise.all([second, third]);
    expect((await onDisk())?.runs).toBe(3);
    expect(mostActive).toBe(1);
    expect(writes).toBe(2);
    expect(await readdir(dir)).toEqual(['checkpoint.json']);
  });

  it('fixes the content before beforeWrite: what beforeWrite flushes covers at least what the checkpoint names', async () => {
    const live = { watermark: 10 };
    const checkpoint = sampleCheckpoint();
    const checkpointer = new Checkpointer(dir, checkpoint, {
      collect: (c) => {
        c.inputs['events.ndjson']!.watermark = { line: live.watermark, offset: live.watermark * 100 };
      },
      beforeWrite: () => {
        live.watermark = 20; // the run moves on while state is flushed
      },
    });
    await checkpointer.write();
    expect((await onDisk())?.inputs['events.ndjson']?.watermark).toEqual({ line: 10, offset: 1000 });
    await checkpointer.write();
    expect((await onDisk())?.inputs['events.ndjson']?.watermark).toEqual({ line: 20, offset: 2000 });
  });

  it('maybeWrite writes only when everyMs have passed since the last write', async () => {
    let now = 1_000;
    let writes = 0;
    const checkpointer = new Checkpointer(dir, sampleCheckpoint(), { everyMs: 2000, now: () => now, collect: () => void writes++ });
    expect(await checkpointer.maybeWrite()).toBe(false);
    now += 1999;
    expect(await checkpointer.maybeWrite()).toBe(false);
    now += 1;
    expect(await checkpointer.maybeWrite()).toBe(true);
    expect(await checkpointer.maybeWrite()).toBe(false);
    now += 500;
    await checkpointer.write();
    now += 1600;
    expect(await checkpointer.maybeWrite()).toBe(false); // 1600 ms since the explicit write
    now += 400;
    expect(await checkpointer.maybeWrite()).toBe(true);
    expect(writes).toBe(3);
  });

  it('maybeWrite does not queue behind a write under way', async () => {
    let now = 0;
    const gate = deferred();
    let calls = 0;
    const checkpointer = new Checkpointer(dir, sampleCheckpoint(), {
      everyMs: 10,
      now: () => now,
      beforeWrite: async () => {
        calls++;
        await gate.promise;
      },
    });
    const writing = checkpointer.write();
    now = 1000;
    expect(await checkpointer.maybeWrite()).toBe(false);
    gate.resolve();
    await writing;
    expect(calls).toBe(1);
  });

  it('sets updatedAt when it writes', async () => {
    const checkpoint = sampleCheckpoint({ updatedAt: '2000-01-01T00:00:00.000Z' });
    const checkpointer = new Checkpointer(dir, checkpoint);
    await checkpointer.write();
    expect((await onDisk())?.updatedAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(checkpoint.updatedAt).toBe((await onDisk())?.updatedAt);
  });

  it('reports a failed write to its callers and goes on with the next one', async () => {
    let fail = true;
    const checkpointer = new Checkpointer(dir, sampleCheckpoint(), {
      beforeWrite: () => {
        if (fail) throw new Error('disk full');
      },
    });
    await expect(checkpointer.write()).rejects.toThrow('disk full');
    expect(await onDisk()).toBeUndefined();
    fail = false;
    await checkpointer.write();
    expect((await onDisk())?.runs).toBe(1);
  });
});
