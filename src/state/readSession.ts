// SQLite takes and drops its file locks around every statement run outside a transaction:
// for a lookup that is three system calls, and they cost more than the lookup itself
// (about 5 µs against 1.5 µs). So lookups share a read transaction that lasts until the
// event loop turns: a burst of records pays for the locks once, and no lock outlives the
// burst, so other connections (a dry run, `status`, the next run's writer) never wait on
// a stalled pipeline.
import type Database from 'better-sqlite3';

export class ReadSession {
  private active = false;

  constructor(private readonly db: Database.Database) {}

  /** Call before a lookup. */
  enter(): void {
    if (this.active) return;
    this.db.exec('BEGIN');
    this.active = true;
    setImmediate(this.end).unref();
  }

  /** Ends the read transaction (before a write, or when the event loop turns). */
  readonly end = (): void => {
    if (!this.active) return;
    this.active = false;
    if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
  };
}
