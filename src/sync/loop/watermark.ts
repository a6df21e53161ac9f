// The watermark of one input: the position before which every record is committed.
// A record is settled once its outcome is known (delivered, skipped or dead-lettered);
// records settle out of order (a company waits for a search, a contact does not), so the
// mark only moves past an unbroken prefix of settled records. A record is committed as
// the mark passes it, in input order: what it contributes to the report and the
// dead-letter file is added then, so a checkpoint describes exactly the records before
// its watermark, and a resume after `kill -9` neither loses nor double-counts one.
// The records of one `{"batch":[…]}` line share its position, and a resume can only start
// at a line: they are committed together, once all are settled and the line is known to
// be whole (the next record is on another line, or the input has ended).
import type { RecordPosition, StartAt } from '../../sources/types.js';

interface Pending {
  position: RecordPosition;
  settled: boolean;
  commit?: () => void;
}

export class Watermark {
  private pending: Pending[] = [];
  private head = 0;
  // The mark as two numbers: a dry run moves it once per record.
  private markLine: number;
  private markOffset: number;
  private waiter: { limit: number; wake: () => void } | undefined;
  private released = false;
  private ended = false;

  constructor(start: StartAt = { line: 1, offset: 0 }) {
    this.markLine = start.line;
    this.markOffset = start.offset;
  }

  /**
   * Moves the mark past a record settled as it is read (a dry run, a diff) without
   * tracking it, when nothing before it is pending and it is not part of a
   * `{"batch":[…]}` line (whose records are committed together). Returns false when the
   * record has to be tracked instead.
   */
  passAtOnce(position: RecordPosition): boolean {
    if (this.head < this.pending.length || position.index !== undefined) return false;
    this.markLine = position.endLine;
    this.markOffset = position.endOffset;
    return true;
  }

  /**
   * Registers the next record in input order. Call the returned function when the record
   * is settled, with what to commit once every record before it is settled too.
   */
  track(position: RecordPosition): (commit?: () => void) => void {
    const entry: Pending = { position, settled: false };
    this.pending.push(entry);
    // A settled batch line at the head may have been waiting to know it was whole.
    if (this.pending[this.head]?.settled) this.advance();
    return (commit) => {
      entry.settled = true;
      entry.commit = commit;
      this.advance();
    };
  }

  /** Where a resumed run starts: the first uncommitted record, or after the last record. */
  get position(): StartAt {
    return { line: this.markLine, offset: this.markOffset };
  }

  /** Records tracked and not committed yet, settled or not. */
  get uncommitted(): number {
    return this.pending.length - this.head;
  }

  /** The input has no more records: a batch line at its end is whole. */
  end(): void {
    this.ended = true;
    this.advance();
  }

  /**
   * Resolves once fewer than `limit` records are uncommitted, or at once after `release`,
   * or when every record is settled (a batch line waiting for the next record to be read).
   */
  below(limit: number): Promise<void> {
    if (this.released || this.roomFor(limit)) return Promise.resolve();
    return new Promise((wake) => (this.waiter = { limit, wake }));
  }

  /** The records will not settle (the sink halted): nobody waits for them any more. */
  release(): void {
    this.released = true;
    this.waiter?.wake();
    this.waiter = undefined;
  }

  private roomFor(limit: number): boolean {
    return this.uncommitted < limit || (this.pending[this.pending.length - 1]?.settled === true && this.allSettled());
  }

  private allSettled(): boolean {
    for (let i = this.head; i < this.pending.length; i++) if (!(this.pending[i] as Pending).settled) return false;
    return true;
  }

  private advance(): void {
    while (this.head < this.pending.length) {
      const first = this.pending[this.head] as Pending;
      // The records sharing the head's line: one, unless it is a {"batch":[…]} line.
      let end = this.head + 1;
      if (first.position.index !== undefined) {
        while (end < this.pending.length && (this.pending[end] as Pending).position.offset === first.position.offset) end++;
        if (end === this.pending.length && !this.ended) break; // more of the line may follow
      }
      let whole = true;
      for (let i = this.head; i < end && whole; i++) whole = (this.pending[i] as Pending).settled;
      if (!whole) break;
      for (let i = this.head; i < end; i++) {
        const entry = this.pending[i] as Pending;
        entry.commit?.();
        entry.commit = undefined;
      }
      this.markLine = first.position.endLine;
      this.markOffset = first.position.endOffset;
      this.head = end;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    if (this.waiter && this.roomFor(this.waiter.limit)) {
      const { wake } = this.waiter;
      this.waiter = undefined;
      wake();
    }
  }
}
