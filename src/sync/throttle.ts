// A rolling-window limiter: at most `limit` request starts in any `windowMs`. HubSpot's
// ten-secondly limit is a rolling window too, so pacing by the same rule uses the whole
// allowance without a 429. Answers lower the pace when HubSpot says fewer remain (another
// integration of the same app is spending them) and a 429 stops everyone for a while.
import type { Clock } from './clock.js';

export interface ThrottleOptions {
  limit: number;
  windowMs: number;
  /**
   * Extra time a start stays counted: HubSpot counts a request when it arrives, we when
   * it leaves, and latency varies; the margin absorbs the difference.
   */
  marginMs?: number;
}

export class RollingWindow {
  private starts: number[] = [];
  private head = 0;
  private limit: number;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly span: number;

  constructor(private readonly options: ThrottleOptions, private readonly clock: Clock) {
    this.limit = options.limit;
    this.span = options.windowMs + (options.marginMs ?? 0);
  }

  get currentLimit(): number {
    return this.limit;
  }

  /** Waits for a free slot and takes it. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn;
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.expire(now);
      const wait = Math.max(
        this.blockedUntil - now,
        this.inWindow() >= this.limit ? (this.starts[this.head] ?? now) + this.span - now : 0,
      );
      if (wait <= 0) {
        this.starts.push(now);
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
    const foreign = this.limit - this.inWindow() - remaining;
    for (let i = 0; i < foreign; i++) this.starts.push(now);
  }

  /** After a 429: nobody starts before `ms` from now. */
  pause(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
  }

  private inWindow(): number {
    return this.starts.length - this.head;
  }

  private expire(now: number): void {
    while (this.head < this.starts.length && (this.starts[this.head] ?? 0) + this.span <= now) this.head++;
    if (this.head > 4096) {
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }
}
