// The identity map of a dry run or a diff: what it learns while it reads (user and
// anonymous ids → email), over the state directory's map, which it only reads. A backfill
// of tens of millions of events knows millions of ids: past `keptInMemory` of them, the
// older half spills to a private temporary SQLite database (deleted when it is closed)
// instead of growing the heap with the input.
import type Database from 'better-sqlite3';
import type { IdentityMap, ReadonlyIdentityMap } from '../core/types.js';
import { BatchUpsert, openScratchDatabase } from './batchUpsert.js';

const KEPT_IN_MEMORY = 100_000;

export class SpillingIdentityMap implements IdentityMap {
  private recent = new Map<string, string>();
  private spill?: { db: Database.Database; select: Database.Statement<[string], string>; upsert: BatchUpsert };
  private spilledCount = 0;

  constructor(
    /** Where it falls back to: the state directory's map. */
    private readonly known: ReadonlyIdentityMap,
    private readonly keptInMemory = KEPT_IN_MEMORY,
  ) {}

  get(id: string): string | undefined {
    return this.recent.get(id) ?? this.spill?.select.get(id) ?? this.known.get(id);
  }

  /** A later email for an id wins, as in the live run's map. */
  set(id: string, email: string): void {
    this.recent.set(id, email);
    if (this.recent.size > this.keptInMemory) this.spillOlderHalf();
  }

  /** Ids moved to disk so far (an id moved twice counts twice). */
  get spilled(): number {
    return this.spilledCount;
  }

  /**
   * Forgets what it learnt, in memory and on disk: a live run's sending phase needs none of
   * it, and would otherwise carry up to `keptInMemory` ids and emails to its end.
   */
  close(): void {
    this.spill?.db.close();
    this.spill = undefined;
    this.recent = new Map();
  }

  private spillOlderHalf(): void {
    const spill = (this.spill ??= openSpill());
    let moving = Math.floor(this.recent.size / 2);
    spill.db.transaction(() => {
      for (const [id, email] of this.recent) {
        if (moving-- === 0) break;
        spill.upsert.add(id, email);
        this.recent.delete(id);
        this.spilledCount++;
      }
      spill.upsert.end();
    })();
  }
}

function openSpill() {
  const db = openScratchDatabase('CREATE TABLE learnt (id TEXT PRIMARY KEY, email TEXT NOT NULL) WITHOUT ROWID');
  return {
    db,
    select: db.prepare<[string], string>('SELECT email FROM learnt WHERE id = ?').pluck(),
    upsert: new BatchUpsert(db, 'learnt', ['id', 'email'], 'ON CONFLICT (id) DO UPDATE SET email = excluded.email', 'json'),
  };
}
