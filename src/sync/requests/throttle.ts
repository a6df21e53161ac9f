// A rolling-window limiter: at most `limit` requests in any `windowMs`. HubSpot's
// ten-secondly limit is a rolling window too, counted when a request arrives there. We
// cannot see arrivals, but one happens between the request's start and its answer, so a
// request counts here from its start (while in flight) until `windowMs` after its answer:
// never fewer than HubSpot counts, whatever the latency, so the steady state gets no 429.
// Answers lower the pace when HubSpot says fewer remain (another integration of the same
// app is spending them), and a 429 stops everyone for a while.
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as the pipeline sees it (the pace, retries, back-off), injectable so that logic is
 * tested with a fake clock instead of wall-clock luck.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms > 0 ? delay(ms) : Promise.resolve()),
};

export interface ThrottleOptions {
  limit: number;
  windowMs: number;
  /** Extra time an answered request stays counted, for clock granularity. */
  marginMs?: number;
}

export class RollingWindow {
  /** When answered requests were answered, oldest first. */
  private answered: number[] = [];
  private head = 0;
  private inFlight = 0;
  private limit: number;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Wakes the caller waiting for an answer when only requests in flight fill the window. */
  private onAnswer: (() => void) | undefined;
  private readonly span: number;

  constructor(private readonly options: ThrottleOptions, private readonly clock: Clock) {
    this.limit = options.limit;
    this.span = options.windowMs + (options.marginMs ?? 0);
  }

  get currentLimit(): number {
    return this.limit;
  }

  /**
   * Waits for a free slot and takes it; call the returned function when the answer (or
   * the failure) arrives. Callers are served in order.
   */
  async acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn;
    await turn;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.answered.push(this.clock.now());
      const wake = this.onAnswer;
      this.onAnswer = undefined;
      wake?.();
    };
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.expire(now);
      let wait = this.blockedUntil - now;
      if (this.counted() >= this.limit) {
        const oldest = this.answered[this.head];
        if (oldest === undefined) {
          // Only requests in flight fill the window: wait for an answer to arrive.
          await new Promise<void>((resolve) => (this.onAnswer = resolve));
          continue;
        }
        wait = Math.max(wait, oldest + this.span - now);
      }
      if (wait <= 0) {
        this.inFlight++;
        return;
      }
      await this.clock.sleep(wait);
    }
  }

  /**
   * What HubSpot's headers said after an answer. A smaller `max` lowers our limit; fewer
   * `remaining` than we expect means someone else spends the same allowance, so their
   * requests are counted as if they were ours.
   */
  observe(max: number | undefined, remaining: number | undefined): void {
    if (max !== undefined && max > 0 && max < this.limit) this.limit = max;
    if (remaining === undefined) return;
    const now = this.clock.now();
    this.expire(now);
    const foreign = this.limit - this.counted() - remaining;
    for (let i = 0; i < foreign; i++) this.answered.push(now);
  }

  /** After a 429: nobody starts before `ms` from now. */
  pause(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
  }

  private counted(): number {
    return this.inFlight + this.answered.length - this.head;
  }

  private expire(now: number): void {
    while (this.head < this.answered.length && (this.answered[this.head] ?? 0) + this.span <= now) this.head++;
    if (this.head > 4096) {
      this.answered = this.answered.slice(this.head);
      this.head = 0;
    }
  }
}
