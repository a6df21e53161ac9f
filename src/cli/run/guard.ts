// What watches a live run from outside it: SIGINT/SIGTERM and the checkpoint timer. One
// small piece owns both, so they are installed and removed together.
import { InterruptedError } from '../../errors.js';

export class RunGuard {
  private signalled?: NodeJS.Signals;
  private interrupt!: (error: InterruptedError) => void;
  private readonly interrupted = new Promise<never>((_resolve, reject) => (this.interrupt = reject));
  private readonly ticker: NodeJS.Timeout;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.signalled) process.exit(130); // a second signal: the last checkpoint stands
    this.signalled = signal;
    this.onStop?.();
    this.interrupt(new InterruptedError(signal));
    process.stderr.write(`\nhubspot-sync: ${signal} received: finishing requests in flight, then saving the checkpoint…\n`);
  };
  /** Told first when a signal comes (the delivery stops taking records). */
  onStop?: () => void;

  /** Starts watching: `tick` runs every second (it saves the checkpoint when due). */
  constructor(tick: () => void) {
    this.interrupted.catch(() => undefined);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    this.ticker = setInterval(tick, 1000);
  }

  /** `work`, unless a signal comes first (the run's start-up requests may retry for a minute). */
  unlessSignalled<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.interrupted]);
  }

  get stopping(): boolean {
    return this.signalled !== undefined;
  }

  /** Throws the InterruptedError of the signal that came, if one did. */
  throwIfSignalled(): void {
    if (this.signalled) throw new InterruptedError(this.signalled);
  }

  stop(): void {
    clearInterval(this.ticker);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
