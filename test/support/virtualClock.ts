import type { Clock } from '../../src/sync/requests/throttle.js';

/** A clock whose sleeps advance virtual time at once: rate logic tested without waiting. */
export class VirtualClock implements Clock {
  slept: number[] = [];

  constructor(public time = 1_000_000) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.time += Math.max(0, ms);
  }
}
