// The messageIds earlier completed runs of the state directory delivered
// (docs/mapping.md#delivered-before), so that overlapping nightly exports send each record
// once. On disk, not in memory: at least the last 10,000,000 ids are kept, the oldest
// forgotten first.
//
// Exact after `kill -9`: ids are written with the state database's flush, before the
// checkpoint that counts their records, so the database may hold ids of records a resume
// reads again. Each id therefore carries the generation of the run that delivered it (the
// checkpoint's `generation`: a resumed run keeps it, a run after a completed one takes the
// next), and only ids of an earlier generation count as delivered before.
import type Database from 'better-sqlite3';
import { BatchUpsert } from './batchUpsert.js';
import type { ReadSession } from './readSession.js';

export const DELIVERED_IDS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS delivered_messages (message_id TEXT PRIMARY KEY, generation INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS delivered_messages_by_seq ON delivered_messages (seq);
`;

export const DEFAULT_DELIVERED_KEPT = 10_000_000;

export class DeliveredIds {
  private pending = new Map<string, number>();
  private nextSeq: number;
  private readonly select: Database.Statement<[string, number], number> | undefined;
  private readonly upsert: BatchUpsert | undefined;
  private readonly prune: Database.Statement<[number]> | undefined;
  private readonly deleteAll: Database.Statement<[]> | undefined;
  private readonly countRows: Database.Statement<[], number> | undefined;
  private readonly anyRow: Database.Statement<[], number> | undefined;

  /** Without `db` (a read-only file older than the table) nothing was delivered before. */
  constructor(
    db: Database.Database | undefined,
    private readonly session: ReadSession,
    private readonly kept: number,
    private readonly afterWrite: () => void,
  ) {
    if (!Number.isSafeInteger(kept) || kept < 1) throw new RangeError(`The delivered ids kept must be a positive integer, not ${kept}.`);
    this.nextSeq = 1;
    if (db === undefined) return;
    this.select = db.prepare<[string, number], number>('SELECT 1 FROM delivered_messages WHERE message_id = ? AND generation < ?').pluck();
    this.upsert = new BatchUpsert(db, 'delivered_messages', ['message_id', 'generation', 'seq'], 'ON CONFLICT (message_id) DO UPDATE SET generation = excluded.generation, seq = excluded.seq', 'json');
    this.prune = db.prepare<[number]>('DELETE FROM delivered_messages WHERE seq <= ?');
    this.deleteAll = db.prepare<[]>('DELETE FROM delivered_messages');
    this.countRows = db.prepare<[], number>('SELECT count(*) FROM delivered_messages').pluck();
    this.anyRow = db.prepare<[], number>('SELECT 1 FROM delivered_messages LIMIT 1').pluck();
    this.nextSeq = (db.prepare<[], number | null>('SELECT max(seq) FROM delivered_messages').pluck().get() ?? 0) + 1;
  }

  /** Ids not yet written. */
  get size(): number {
    return this.pending.size;
  }

  /** True when a run of a generation before `generation` delivered `id`. */
  deliveredBefore(id: string, generation: number): boolean {
    if (this.select === undefined) return false;
    this.session.enter();
    return this.select.get(id, generation) !== undefined;
  }

  /** Remembers that the run of `generation` delivered `id` (written at the next flush). */
  add(id: string, generation: number): void {
    this.pending.delete(id);
    // The generation rides in the seq's place until write(): one Map, no object per id.
    this.pending.set(id, generation);
    this.afterWrite();
  }

  /** Inside the flush transaction. */
  write(): void {
    if (this.upsert === undefined || this.pending.size === 0) return;
    for (const [id, generation] of this.pending) this.upsert.add(id, generation, this.nextSeq++);
    this.upsert.end();
    this.prune!.run(this.nextSeq - 1 - this.kept);
  }

  /** After the flush's transaction ended well. */
  clear(): void {
    this.pending = new Map();
  }

  /** Forgets everything, on disk too. */
  reset(): void {
    this.pending = new Map();
    this.deleteAll?.run();
  }

  /** Whether any id is on disk: without one, no lookup can find anything. */
  any(): boolean {
    if (this.anyRow === undefined) return false;
    this.session.enter();
    return this.anyRow.get() !== undefined;
  }

  /** Ids on disk (buffered ones not included). */
  count(): number {
    if (this.countRows === undefined) return 0;
    this.session.enter();
    return this.countRows.get()!;
  }
}
