// The watermark of one input: the position before which every record is resolved
// (delivered, skipped or dead-lettered). Records resolve out of order (a company waits
// for a search, a contact does not), so the mark only moves past an unbroken prefix.
// What a record contributes to the report and the dead-letter file is committed as the
// mark passes it, in input order: a checkpoint then describes exactly the records before
// its watermark, and a resume after `kill -9` neither loses nor double-counts one.
import type { RecordPosition, StartAt } from '../sources/types.js';

interface Pending {
  position: RecordPosition;
  resolved: boolean;
  commit?: () => void;
}

export class Watermark {
  private pending: Pending[] = [];
  private head = 0;
  private mark: StartAt;
  private waiter: { limit: number; wake: () => void } | undefined;
  private released = false;

  constructor(start: StartAt = { line: 1, offset: 0 }) {
    this.mark = { ...start };
  }

  /**
   * Registers the next record in input order. Call the returned function when the record
   * is resolved, with what to commit once every record before it is resolved too.
   */
  track(position: RecordPosition): (commit?: () => void) => void {
    const entry: Pending = { position, resolved: false };
    this.pending.push(entry);
    return (commit) => {
      entry.resolved = true;
      entry.commit = commit;
      this.advance();
    };
  }

  /** Where a resumed run starts: the first unresolved record, or after the last record. */
  get position(): StartAt {
    return { ...this.mark };
  }

  get unresolved(): number {
    return this.pending.length - this.head;
  }

  /** Resolves once fewer than `limit` records are unresolved, or at once after `release`. */
  below(limit: number): Promise<void> {
    if (this.released || this.unresolved < limit) return Promise.resolve();
    return new Promise((wake) => (this.waiter = { limit, wake }));
  }

  /** The records will not resolve (the sink halted): nobody waits for them any more. */
  release(): void {
    this.released = true;
    this.waiter?.wake();
    this.waiter = undefined;
  }

  private advance(): void {
    let next = this.pending[this.head];
    while (next?.resolved) {
      next.commit?.();
      next.commit = undefined;
      const following = this.pending[this.head + 1];
      // Records of one {"batch":[…]} line share their line: the mark stays on the line
      // until all of them are resolved, then moves past it.
      if (!following || following.position.offset !== next.position.offset) {
        this.mark = { line: next.position.endLine, offset: next.position.endOffset };
      }
      this.head++;
      next = this.pending[this.head];
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    if (this.waiter && this.unresolved < this.waiter.limit) {
      const { wake } = this.waiter;
      this.waiter = undefined;
      wake();
    }
  }
}
