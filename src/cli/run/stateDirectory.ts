// Phase one of a live run: the state directory, opened in one visit. The lock is taken,
// the store opened, the checkpoint read (inputs that changed since are refused), the
// dead-letter file cut back to what the checkpoint counts, the company memory loaded.
import { stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { LineWriter, sameFileAsMarked } from '../../report/lineWriter.js';
import { emptyTally, RunTally } from '../../report/tally.js';
import type { InputFile } from '../../sources/types.js';
import { fingerprintOf, readCheckpoint, sameInput, type Checkpoint, type Fingerprint } from '../../state/checkpoint.js';
import { CompanyMemory } from '../../state/companyMemory.js';
import { acquireLock } from '../../state/lock.js';
import { ensureStateDir, stateDirPaths } from '../../state/stateDir.js';
import { StateStore } from '../../state/stateStore.js';
import { prepareStateDir } from '../outputPaths.js';

export interface StateOptions {
  stateDir: string;
  fresh: boolean;
  deadLetter?: string;
}

export interface OpenState {
  dir: string;
  store: StateStore;
  /** The checkpoint of the run before (none with --fresh or on a first run). */
  previous?: Checkpoint;
  /** The run before did not complete: this one continues it and its counts. */
  continuing: boolean;
  /** Every input's fingerprint (standard input has none: it cannot be resumed). */
  fingerprints: Map<string, Fingerprint>;
  tally: RunTally;
  deadLetterPath: string;
  deadLetterWriter: LineWriter;
  companyMemory: CompanyMemory;
  /** Closes the store and releases the lock. */
  close(): Promise<void>;
}

/** Opens the state directory for a run of `command` over `inputs`; on failure leaves it unlocked. */
export async function openStateDirectory(flags: StateOptions, inputs: readonly InputFile[], command: string): Promise<OpenState> {
  const dir = flags.stateDir;
  await prepareStateDir(dir, ensureStateDir);
  const lock = await acquireLock(dir, { command });
  const store = StateStore.open(stateDirPaths(dir).state, { cache: 'small' });
  const close = async () => {
    store.close();
    await lock.release();
  };
  try {
    const previous = flags.fresh ? undefined : await readCheckpoint(dir);
    const fingerprints = await fingerprintInputs(inputs, previous);
    // A run that did not complete is continued: its counts go on. A completed one starts
    // new counts, but inputs it finished are not sent again (the nightly cron case).
    const continuing = previous !== undefined && previous.status !== 'completed';
    const tally = new RunTally(continuing ? previous.tally : emptyTally());
    // Duplicates are those of this run (docs/mapping.md#duplicates); a resumed run is the same run.
    if (!continuing) store.clearDuplicates();
    // What records past the watermark taught the identity map is learnt again, in order,
    // as they are read again: a resumed run resolves each call as an uninterrupted one.
    if (continuing) store.rewindIdentities((input) => previous.inputs[input]?.watermark.offset);
    else store.clearIdentityFacts();
    const deadLetterPath = flags.deadLetter ?? stateDirPaths(dir).deadLetter;
    const deadLetterWriter = await openDeadLetterFile(deadLetterPath, continuing ? previous : undefined);
    const companyMemory = new CompanyMemory(stateDirPaths(dir).companies);
    return { dir, store, previous, continuing, fingerprints, tally, deadLetterPath, deadLetterWriter, companyMemory, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Fingerprints every input; refuses one that changed since the checkpoint. */
async function fingerprintInputs(inputs: readonly InputFile[], previous: Checkpoint | undefined): Promise<Map<string, Fingerprint>> {
  const fingerprints = new Map<string, Fingerprint>();
  for (const file of inputs) {
    if (file.path === '-') continue;
    const fingerprint = await fingerprintOf(file.path);
    const saved = previous?.inputs[file.path];
    if (saved && !sameInput(saved.fingerprint, fingerprint)) {
      throw new UsageError(
        `${file.path} changed since the checkpoint (size or first 64 KiB differ), so resuming it at line ${saved.watermark.line} would be wrong. ` +
          'Run with --fresh to start over (records already sent are sent again; that is harmless), or restore the original file.',
      );
    }
    fingerprints.set(file.path, fingerprint);
  }
  return fingerprints;
}

/**
 * The dead-letter file, resumed: cut back to the checkpoint's length when it is still the
 * file the checkpoint describes (lines past it belong to records that will be read
 * again), else kept whole and appended to, saying so in one line.
 */
async function openDeadLetterFile(path: string, previous: Checkpoint | undefined): Promise<LineWriter> {
  if (previous === undefined) return LineWriter.toFile(path);
  const { deadLetterLength: length, deadLetterFile: file } = previous;
  // Nothing was written before: a missing file is simply started.
  if (length === 0 && (await stat(path).catch(() => undefined)) === undefined) return LineWriter.toFile(path);
  // A checkpoint written before files were marked: cut back only what is really there.
  const verdict = file ? await sameFileAsMarked(path, { length, ...file }) : await atLeast(path, length);
  if (verdict.same) return LineWriter.toFile(path, { length });
  process.stderr.write(`hubspot-sync: the dead-letter file ${path} is not as the last run left it (${verdict.why}): it is kept as it is and new dead letters are appended to it.\n`);
  return LineWriter.toFile(path);
}

async function atLeast(path: string, length: number): Promise<{ same: true } | { same: false; why: string }> {
  const size = await stat(path).then((info) => info.size, () => undefined);
  if (size === undefined) return length === 0 ? { same: true } : { same: false, why: 'it is gone (moved or removed)' };
  return size >= length ? { same: true } : { same: false, why: `it is shorter (${size} bytes) than the ${length} the checkpoint counts` };
}
