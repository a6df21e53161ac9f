import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import { RollingWindow } from './throttle.js';

async function startTimes(window: RollingWindow, clock: VirtualClock, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const answered = await window.acquire();
    times.push(clock.now());
    answered();
  }
  return times;
}

/** The most starts inside any `span` ms, the figure HubSpot's rolling window enforces. */
function busiestWindow(times: number[], span: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! < times[i]! + span) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('RollingWindow', () => {
  it('lets `limit` requests start at once, then waits for the oldest to leave the window', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 5, windowMs: 10_000 }, clock);
    const times = await startTimes(window, clock, 12);
    expect(times.slice(0, 5).every((t) => t === times[0])).toBe(true);
    expect(times[5]! - times[0]!).toBe(10_000);
    expect(busiestWindow(times, 10_000)).toBe(5);
  });

  it('never exceeds the limit in any rolling window over a long run', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 100, windowMs: 10_000, marginMs: 250 }, clock);
    const times = await startTimes(window, clock, 1000);
    expect(busiestWindow(times, 10_000)).toBeLessThanOrEqual(100);
    // …and uses the allowance: 1000 requests in about 10 windows.
    expect(times[999]! - times[0]!).toBeLessThan(10 * 10_250 + 1);
  });

  it('lowers its limit to what HubSpot announces in X-HubSpot-RateLimit-Max', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 100, windowMs: 10_000 }, clock);
    window.observe(10, undefined);
    expect(window.currentLimit).toBe(10);
    const times = await startTimes(window, clock, 30);
    expect(busiestWindow(times, 10_000)).toBe(10);
  });

  it('counts requests it did not make when HubSpot says fewer remain than expected', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 10, windowMs: 10_000 }, clock);
    (await window.acquire())();
    window.observe(10, 2); // we used 1, HubSpot says 2 remain: 7 others spent the window
    const before = clock.now();
    await startTimes(window, clock, 3);
    expect(clock.now() - before).toBe(10_000);
  });

  it('counts a request from its start until a window after its answer, so latency never lets HubSpot count more', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 2, windowMs: 10_000 }, clock);
    const first = await window.acquire();
    const second = await window.acquire();
    // Both in flight: the window is full until an answer arrives, however long that takes.
    clock.time += 30_000;
    const third = window.acquire();
    clock.time += 500;
    first();
    await third;
    // The third starts only a whole window after the first one's answer.
    expect(clock.now()).toBeGreaterThanOrEqual(1_000_000 + 30_500 + 10_000);
    second();
  });

  it('waits for an answer, without polling the clock, while only requests in flight fill the window', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 2, windowMs: 10_000 }, clock);
    const first = await window.acquire();
    await window.acquire();
    let started = false;
    const third = window.acquire().then(() => (started = true));
    for (let i = 0; i < 100; i++) await Promise.resolve();
    // A polling loop would spin here (on a virtual clock, forever, starving the I/O that
    // brings the answer).
    const sleptBeforeAnswer = [...clock.slept];
    const startedBeforeAnswer = started;
    first();
    await third;
    expect(sleptBeforeAnswer).toEqual([]);
    expect(startedBeforeAnswer).toBe(false);
    expect(clock.slept).toEqual([10_000]);
  });

  it('stops everyone after a 429 until the pause is over', async () => {
    const clock = new VirtualClock();
    const window = new RollingWindow({ limit: 10, windowMs: 10_000 }, clock);
    window.pause(4_000);
    const before = clock.now();
    await window.acquire();
    expect(clock.now() - before).toBe(4_000);
  });
});
