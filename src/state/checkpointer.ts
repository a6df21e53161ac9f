// Writes a run's checkpoint every few seconds and on demand (a signal, a pause, the end),
// never two at once: an older checkpoint must not land after a newer one.
//
// Order of one write: `collect` refreshes the live fields, the checkpoint is serialised
// (its content is fixed from here on), `beforeWrite` makes durable what it names (state
// store flush, dead-letter fsync), then the file is replaced. Because the content is fixed
// before beforeWrite runs, whatever beforeWrite flushes covers at least what the
// checkpoint names, however the run moves on meanwhile.
import type { Checkpoint } from './checkpoint.js';
import { serializeCheckpoint, writeCheckpointText } from './checkpointFile.js';

export interface CheckpointerOptions {
  /** Least time between two writes by maybeWrite(). Default 2000. */
  everyMs?: number;
  /**
   * Called at the start of each write, synchronously, to copy the run's live state
   * (watermarks, tally, dead-letter length) into the checkpoint at one instant, so the
   * parts agree with each other.
   */
  collect?: (checkpoint: Checkpoint) => void;
  /** Called before each write, after its content is fixed: make what it names durable. */
  beforeWrite?: () => Promise<void> | void;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export class Checkpointer {
  private readonly everyMs: number;
  private readonly now: () => number;
  private lastWriteAt: number;
  /** Settles when the last write started so far has finished (never rejects). */
  private tail: Promise<void> = Promise.resolve();
  /** A write asked for but not started: later askers share it, it will take their updates. */
  private queued: Promise<void> | undefined;
  private unfinished = 0;

  constructor(
    private readonly dir: string,
    /** The run's checkpoint: what it holds when a write begins is what that write saves. */
    private readonly checkpoint: Checkpoint,
    private readonly options: CheckpointerOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.lastWriteAt = this.now();
  }

  /**
   * Writes when `everyMs` have passed since the last write began and no write is under
   * way (a slow disk must not pile writes up). Resolves to whether it wrote.
   */
  async maybeWrite(): Promise<boolean> {
    if (this.unfinished > 0 || this.now() - this.lastWriteAt < this.everyMs) return false;
    await this.write();
    return true;
  }

  /** Writes now, after any write under way; resolves once this checkpoint is on disk. */
  write(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    this.unfinished++;
    const run = this.tail.then(() => {
      this.queued = undefined;
      return this.writeNow();
    });
    this.queued = run;
    this.tail = run.then(
      () => void this.unfinished--,
      () => void this.unfinished--,
    );
    return run;
  }

  private async writeNow(): Promise<void> {
    this.lastWriteAt = this.now();
    this.options.collect?.(this.checkpoint);
    this.checkpoint.updatedAt = new Date().toISOString();
    const text = serializeCheckpoint(this.checkpoint);
    await this.options.beforeWrite?.();
    await writeCheckpointText(this.dir, text);
  }
}
