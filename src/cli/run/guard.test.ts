// The guard ends a stopped run in time whatever it waits for: after a failed write (or a
// signal, or once the run is finishing) `within` gives up on work that never ends.
import { afterEach, describe, expect, it } from 'vitest';
import { WriteFailedError } from '../../errors.js';
import { LATE, RunGuard, stopGraceMs } from './guard.js';

const never = new Promise<never>(() => undefined);
const guards: RunGuard[] = [];
afterEach(() => {
  for (const guard of guards.splice(0)) guard.stop();
});

function guard(graceMs: number): RunGuard {
  const made = new RunGuard(() => undefined, graceMs);
  guards.push(made);
  return made;
}

describe('RunGuard', () => {
  it('a failed write stops the run as a signal does, once, and is what the run ends with', () => {
    const g = guard(20);
    let stops = 0;
    g.onStop = () => stops++;
    const failure = new WriteFailedError('/state/checkpoint.json', 'no space left on device');
    g.fail(failure);
    g.fail(new WriteFailedError('/state/state.sqlite', 'no space left on device'));
    expect(g.stopping).toBe(true);
    expect(stops).toBe(1);
    expect(() => g.throwIfSignalled()).toThrow(failure);
  });

  it('after a stop, work that never ends gives way to LATE; work that ends is returned', async () => {
    const g = guard(20);
    await expect(g.within(Promise.resolve('done'))).resolves.toBe('done');
    const waiting = g.within(never);
    g.fail(new Error('disk'));
    await expect(waiting).resolves.toBe(LATE);
    await expect(g.within(never)).resolves.toBe(LATE);
  });

  it('a finishing run has the grace too, signal or not', async () => {
    const g = guard(20);
    g.finishing();
    await expect(g.within(never)).resolves.toBe(LATE);
    expect(() => g.throwIfSignalled()).not.toThrow();
  });

  it('inTime gives work the grace from now, with no stop at all (a checkpoint the disk never finishes)', async () => {
    const g = guard(20);
    await expect(g.inTime(never)).resolves.toBe(LATE);
    await expect(g.inTime(Promise.resolve(7))).resolves.toBe(7);
    expect(g.stopping).toBe(false);
  });

  it('the grace is 30 s unless the test setting shrinks it', () => {
    expect(stopGraceMs({})).toBe(30_000);
    expect(stopGraceMs({ HUBSPOT_SYNC_STOP_GRACE_MS: '1500' })).toBe(1500);
    expect(stopGraceMs({ HUBSPOT_SYNC_STOP_GRACE_MS: 'soon' })).toBe(30_000);
  });
});
