// Collects operations into batches keyed by the record they touch (an email, a domain).
// Two operations on one key inside the batch window are merged (later wins per
// property), because HubSpot rejects a batch that names an ID twice. A key is never in
// two batches in flight at once, so updates to one record land in input order. Each
// merged operation keeps what every record contributed, so that a rejection can dead-letter the
// records at fault alone (rejections.ts).
import type { DeadLetterVerdict } from '../../core/types.js';

/**
 * The outcome of a key that failed: one verdict for every record merged into it, or one
 * per contribution (in the order they were added; undefined: that one arrived).
 */
export type KeyVerdict = DeadLetterVerdict | ReadonlyArray<DeadLetterVerdict | undefined>;
export type Verdicts = Map<string, KeyVerdict>;

/** One key of a batch: the merged value to send, and the contributions it was merged from, in input order. */
export interface KeyedOperation<V> {
  key: string;
  value: V;
  parts: readonly V[];
}

interface Entry<V> {
  key: string;
  value: V;
  parts: V[];
  /** The seq of the oldest record waiting on this entry. */
  seq: number;
  /** One per part. */
  waiters: Array<(verdict: DeadLetterVerdict | undefined) => void>;
}

export interface KeyedBatcherOptions<V> {
  maxBatch: number;
  /** How long a partial batch waits for more operations before it is sent anyway. */
  lingerMs: number;
  merge: (earlier: V, later: V) => V;
  /**
   * Sends one batch; answers the dead-letter verdict per failed key. `seq` is its oldest
   * record's (the lowest): batches holding older records are sent first,
   * so the watermark (and every checkpoint) keeps up with the backlog.
   */
  send: (batch: ReadonlyArray<KeyedOperation<V>>, seq: number) => Promise<Verdicts>;
  /** A batch failed in a way that stops the run (pause, auth): its waiters never settle. */
  onFatal: (error: unknown) => void;
}

export class KeyedBatcher<V> {
  private pending = new Map<string, Entry<V>>();
  private inFlight = new Map<string, Promise<void>>();
  /** Pending keys that are also in flight: they wait for it (counted, not scanned, on every add). */
  private held = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: KeyedBatcherOptions<V>) {}

  add(key: string, value: V, seq: number): Promise<DeadLetterVerdict | undefined> {
    return new Promise((resolve) => {
      const entry = this.pending.get(key);
      if (entry) {
        entry.value = this.options.merge(entry.value, value);
        entry.parts.push(value);
        entry.waiters.push(resolve);
      } else {
        this.addPending({ key, value, parts: [value], seq, waiters: [resolve] });
      }
      this.schedule();
    });
  }

  /**
   * Adds every contribution to `key` at once (a folded key): one entry, so a batch that
   * fills on this key cannot send it without the rest. One promise per contribution.
   */
  addAll(key: string, values: readonly V[], seq: number): Array<Promise<DeadLetterVerdict | undefined>> {
    const waiters: Array<(verdict: DeadLetterVerdict | undefined) => void> = [];
    const promises = values.map(() => new Promise<DeadLetterVerdict | undefined>((resolve) => waiters.push(resolve)));
    if (values.length === 0) return promises;
    const value = values.slice(1).reduce((earlier, later) => this.options.merge(earlier, later), values[0]!);
    const entry = this.pending.get(key);
    if (entry) {
      entry.value = this.options.merge(entry.value, value);
      entry.parts.push(...values);
      entry.waiters.push(...waiters);
    } else {
      this.addPending({ key, value, parts: [...values], seq, waiters });
    }
    this.schedule();
    return promises;
  }

  /** Resolves once `key` is neither waiting nor in flight. */
  async whenSent(key: string): Promise<void> {
    while (!this.stopped && (this.pending.has(key) || this.inFlight.has(key))) {
      if (this.pending.has(key)) this.flushSoon();
      await (this.inFlight.get(key) ?? new Promise<void>((resolve) => setTimeout(resolve, this.options.lingerMs)));
    }
  }

  /**
   * Sends everything that is waiting, full batches or not, then resolves when idle.
   * Operations added meanwhile (an association whose company just settled) still linger
   * to fill a batch: sending each at once would make a request of every one.
   */
  async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush(true);
    await this.idle();
  }

  /** Sends nothing more; batches already in flight finish. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.notifyIfIdle();
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get size(): number {
    return this.pending.size;
  }

  private isIdle(): boolean {
    return this.flushing === 0 && (this.stopped || this.pending.size === 0);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private flushSoon(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush(true);
    }, 0);
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.readyCount() >= this.options.maxBatch) {
      this.flush(false);
      return;
    }
    if (!this.timer && this.pending.size > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush(true);
      }, this.options.lingerMs);
    }
  }

  private addPending(entry: Entry<V>): void {
    this.pending.set(entry.key, entry);
    if (this.inFlight.has(entry.key)) this.held++;
  }

  private readyCount(): number {
    return this.pending.size - this.held;
  }

  /** Sends full batches; with `partial`, the last incomplete one too. */
  private flush(partial: boolean): void {
    while (!this.stopped) {
      const batch: Entry<V>[] = [];
      for (const entry of this.pending.values()) {
        if (this.inFlight.has(entry.key)) continue;
        batch.push(entry);
        if (batch.length === this.options.maxBatch) break;
      }
      if (batch.length === 0 || (batch.length < this.options.maxBatch && !partial)) break;
      for (const entry of batch) this.pending.delete(entry.key);
      this.launch(batch);
    }
    this.notifyIfIdle();
  }

  private launch(batch: Entry<V>[]): void {
    this.flushing++;
    const done = this.options
      .send(batch.map(({ key, value, parts }) => ({ key, value, parts })), Math.min(...batch.map((entry) => entry.seq)))
      .then(
        (verdicts) => {
          for (const entry of batch) {
            const verdict = verdicts.get(entry.key);
            entry.waiters.forEach((resolve, i) => resolve(isPerPart(verdict) ? verdict[i] : verdict));
          }
        },
        (error: unknown) => this.options.onFatal(error),
      )
      .finally(() => {
        for (const entry of batch) {
          this.inFlight.delete(entry.key);
          if (this.pending.has(entry.key)) this.held--;
        }
        this.flushing--;
        if (this.pending.size > 0) this.schedule();
        this.notifyIfIdle();
      });
    for (const entry of batch) this.inFlight.set(entry.key, done);
  }
}

function isPerPart(verdict: KeyVerdict | undefined): verdict is ReadonlyArray<DeadLetterVerdict | undefined> {
  return Array.isArray(verdict);
}
