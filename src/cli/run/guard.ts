// What watches a live run from outside it: SIGINT/SIGTERM and the checkpoint timer. One
// small piece owns both, so they are installed and removed together. A write that fails
// (a full disk) stops the run the same way a signal does, and whatever stopped it, the
// run ends within the stop grace, whatever it is waiting for.
import { InterruptedError } from '../../errors.js';
import { testTimings } from '../testTimings.js';

/** Told by `within` that the stop grace ran out before the work finished. */
export const LATE = Symbol('late');

/**
 * How long a stopped run may take to end (requests in flight, then the last checkpoint):
 * 30 s. Not in --help: HUBSPOT_SYNC_STOP_GRACE_MS exists so the test suite need not wait
 * 30 s to prove that a run which would wait forever ends.
 */
export function stopGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.HUBSPOT_SYNC_STOP_GRACE_MS);
  return Number.isInteger(value) && value > 0 ? value : 30_000;
}

export class RunGuard {
  private signalled?: NodeJS.Signals;
  /** The write failure (or bug) that stopped the run, when not a signal. */
  private failure?: unknown;
  private stopDeadline?: number;
  private interrupt!: (error: unknown) => void;
  private readonly interrupted = new Promise<never>((_resolve, reject) => (this.interrupt = reject));
  private markStopped!: () => void;
  /** Resolves when a signal or a failed write stops the run. */
  readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));
  private readonly ticker: NodeJS.Timeout;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.signalled) process.exit(130); // a second signal: the last checkpoint stands
    this.signalled = signal;
    if (this.stopping) return; // a write failed already: the run is ending with it
    this.beginStop(new InterruptedError(signal));
    process.stderr.write(`\nhubspot-sync: ${signal} received: finishing requests in flight, then saving the checkpoint…\n`);
  };
  /** Told first when a signal comes (the delivery stops taking records). */
  onStop?: () => void;

  /** Starts watching: `tick` runs every second, or as often as a test's checkpoint interval (it saves the checkpoint when due). */
  constructor(
    tick: () => void,
    /** How long a stopped run may take to end. */
    readonly graceMs = stopGraceMs(),
  ) {
    this.interrupted.catch(() => undefined);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    this.ticker = setInterval(tick, Math.min(1000, testTimings().checkpointEveryMs));
  }

  /** `work`, unless a signal comes first (the run's start-up requests may retry for a minute). */
  unlessSignalled<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.interrupted]);
  }

  get stopping(): boolean {
    return this.stopDeadline !== undefined;
  }

  /**
   * A write failed (a full disk): the run stops as after a signal (nothing new is sent,
   * requests in flight may finish) and ends with `error`. Only the first failure counts.
   */
  fail(error: unknown): void {
    if (this.stopping) return;
    this.failure = error;
    this.beginStop(error);
  }

  /** Throws what stopped the run, if something did: the failed write, else the signal's InterruptedError. */
  throwIfSignalled(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.signalled) throw new InterruptedError(this.signalled);
  }

  /**
   * The run is ending (its last checkpoint): from now on it has the stop grace to end in,
   * signal or not, so a disk that stops answering cannot keep it forever.
   */
  finishing(): void {
    this.stopDeadline ??= Date.now() + this.graceMs;
  }

  /**
   * `work`, or LATE once the stop grace (less `reserveMs`, kept for what follows) is over:
   * a stopped run must end in time whatever it waits for (requests that never answer, a
   * disk that does not). Before a stop, it waits for `work` until a stop and its grace.
   */
  async within<T>(work: Promise<T>, reserveMs = 0): Promise<T | typeof LATE> {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const started = this.stopping ? Promise.resolve() : this.stopped;
    const late = started.then(
      () =>
        new Promise<typeof LATE>((resolve) => {
          // A stop that comes after the work is done must not start a timer.
          if (!done) timer = setTimeout(() => resolve(LATE), Math.max(0, this.stopDeadline! - reserveMs - Date.now()));
        }),
    );
    try {
      return await Promise.race([work, late]);
    } finally {
      done = true;
      clearTimeout(timer);
    }
  }

  /** `work`, or LATE once the stop grace has passed from now (or a stop's grace, if that ends first). */
  async inTime<T>(work: Promise<T>): Promise<T | typeof LATE> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), this.graceMs)));
    try {
      return await Promise.race([this.within(work), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  stop(): void {
    clearInterval(this.ticker);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private beginStop(error: unknown): void {
    this.stopDeadline = Date.now() + this.graceMs;
    this.onStop?.();
    this.interrupt(error);
    this.markStopped();
  }
}
