// The checkpoint (docs/architecture.md#the-state-directory): per input, the watermark before which every record is
// resolved, plus the counts so far, so that a run killed at any moment resumes where it
// stopped without losing or double-counting a record. This module is the entry point:
// the file (checkpointFile.ts), the periodic writer (checkpointer.ts), fingerprints.
import type { TallyCounts } from '../report/tally.js';
import type { Fingerprint } from './fingerprint.js';

export { readCheckpoint, writeCheckpoint } from './checkpointFile.js';
export { Checkpointer, type CheckpointerOptions } from './checkpointer.js';
export { fingerprintOf, grewFrom, sameInput, FINGERPRINT_HEAD_BYTES, type Fingerprint } from './fingerprint.js';

export interface InputCheckpoint {
  fingerprint: Fingerprint;
  /** Where a resume starts: every record before it is committed. */
  watermark: { line: number; offset: number };
  /** Read to the end with every record committed: a later run skips it. */
  done: boolean;
  /** Size in bytes when listed (for progress; the fingerprint has the size it was read at). */
  size?: number;
  /** Records of this input committed so far, when the run counts them (for `status`). */
  records?: number;
}

export type CheckpointStatus = 'running' | 'completed' | 'paused' | 'interrupted' | 'failed';

export interface Checkpoint {
  version: 1;
  /** Keyed by input path as given (after directories are listed). */
  inputs: Record<string, InputCheckpoint>;
  tally: TallyCounts;
  /** Bytes of the dead-letter file that belong to records before the watermarks. */
  deadLetterLength: number;
  /**
   * Which file that was (device, inode, hash of its last bytes before that length): a
   * resume cuts the file back to `deadLetterLength` only when it is still that file.
   */
  deadLetterFile?: { dev: string; ino: string; tail: string };
  startedAt: string;
  updatedAt: string;
  status: CheckpointStatus;
  runs: number;
  message?: string;
  /**
   * The run's place among the completed runs of the directory: the delivered ids of
   * earlier generations are skipped (deliveredIds.ts). A resumed run keeps it.
   */
  generation?: number;
  /** A later run refused at start (checkpoint otherwise as the run before left it). */
  refused?: { at: string; message: string };
  /**
   * The phase the run was in when it wrote this, when it reads its inputs twice or folds
   * them: a resume repeats phase 1 (`learning`, which keeps nothing), continues phase 2
   * (`mapping`, or `folding` into the fold) from the watermarks, and phase 3 (`sending`
   * the fold) from the keys not confirmed. Absent for a run that streams once.
   */
  phase?: RunPhase;
}

export type RunPhase = 'learning' | 'mapping' | 'folding' | 'sending';

/** The generation of a run after `previous`: the same when it continues it, the next after a completed one. */
export function generationAfter(previous: Checkpoint | undefined): number {
  if (previous === undefined) return 1;
  const generation = previous.generation ?? 1;
  return previous.status === 'completed' ? generation + 1 : generation;
}
