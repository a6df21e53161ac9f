// Where each identity fact of the current run was learnt (input and byte offset) and the
// email it replaced; likewise each id it learnt to suppress. A run killed with -9 may have stored facts from records past its
// watermark; the resumed run takes those back, newest first, and learns them again as it
// reads the records in order. Without this, a resumed run would resolve anonymous calls
// through identifies an uninterrupted run had not reached yet, and on a shared device
// (one anonymousId identified as A, later as B) give A's calls to B.
import type Database from 'better-sqlite3';
import type { LearntAt } from '../core/types.js';
import { BatchUpsert, type Cell } from './batchUpsert.js';

export const IDENTITY_FACTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS identity_facts (seq INTEGER PRIMARY KEY, input TEXT NOT NULL, offset INTEGER NOT NULL, suppressed INTEGER NOT NULL, id TEXT NOT NULL, previous TEXT);
  CREATE INDEX IF NOT EXISTS identity_facts_by_place ON identity_facts (input, offset);
`;

interface Fact {
  seq: number;
  /** 1: the id was learnt as suppressed; 0: it was taught an email. */
  suppressed: number;
  id: string;
  previous: string | null;
}

export class IdentityFacts {
  private pending: Cell[][] = [];
  private readonly insert: BatchUpsert;
  private nextSeq: number;

  constructor(private readonly db: Database.Database) {
    this.insert = new BatchUpsert(db, 'identity_facts', ['seq', 'input', 'offset', 'suppressed', 'id', 'previous'], '', 'parameters');
    this.nextSeq = (db.prepare<[], number | null>('SELECT max(seq) FROM identity_facts').pluck().get() ?? 0) + 1;
  }

  /** Buffered facts. */
  get size(): number {
    return this.pending.length;
  }

  /** `id` was taught `email` by the record at `at`; it held `previous` before. */
  note(id: string, previous: string | undefined, at: LearntAt): void {
    this.pending.push([this.nextSeq++, at.file, at.offset, 0, id, previous ?? null]);
  }

  /** `id` was learnt as suppressed by the record at `at`. */
  noteSuppressed(id: string, at: LearntAt): void {
    this.pending.push([this.nextSeq++, at.file, at.offset, 1, id, null]);
  }

  /** Inside the store's flush transaction. */
  write(): void {
    for (const row of this.pending) this.insert.add(...row);
    this.insert.end();
  }

  /** After the flush's transaction ended well. */
  clear(): void {
    this.pending = [];
  }

  /**
   * Takes back every fact learnt at or after `resumeAt(input)` (undefined: the input was
   * not reached, all its facts go), newest first, restoring in the identities table what
   * each replaced and unlearning suppressed ids, in one transaction. Written facts only: call it on a freshly opened store.
   */
  rewind(resumeAt: (input: string) => number | undefined): number {
    const inputs = this.db.prepare<[], string>('SELECT DISTINCT input FROM identity_facts').pluck().all();
    const undone: Fact[] = [];
    const select = this.db.prepare<[string, number], Fact>('SELECT seq, suppressed, id, previous FROM identity_facts WHERE input = ? AND offset >= ?');
    for (const input of inputs) undone.push(...select.all(input, resumeAt(input) ?? 0));
    undone.sort((a, b) => b.seq - a.seq);
    const remove = this.db.prepare<[number]>('DELETE FROM identity_facts WHERE seq = ?');
    const forget = this.db.prepare<[string]>('DELETE FROM identities WHERE id = ?');
    const restore = this.db.prepare<[string, string]>('INSERT INTO identities (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email');
    const unsuppress = this.db.prepare<[string]>('DELETE FROM suppressed_ids WHERE id = ?');
    this.db.transaction(() => {
      for (const fact of undone) {
        if (fact.suppressed === 1) unsuppress.run(fact.id);
        else if (fact.previous === null) forget.run(fact.id);
        else restore.run(fact.id, fact.previous);
        remove.run(fact.seq);
      }
    })();
    return undone.length;
  }

  /** Forgets every fact: a run that starts anew keeps what it learnt, not where. */
  reset(): void {
    this.pending = [];
    this.db.exec('DELETE FROM identity_facts');
  }
}
