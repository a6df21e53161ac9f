// Phase one of a live run: the state directory, opened in one visit. The lock is taken,
// the store opened, the checkpoint read (inputs that changed since are refused), the
// dead-letter file cut back to what the checkpoint counts, the company memory loaded.
import { stat } from 'node:fs/promises';
import { bindingOf, bindPortal, forgetPortalFiles, otherPortalError } from '../../state/portalBinding.js';
import { writeCheckpoint } from '../../state/checkpoint.js';
import { LineWriter, sameFileAsMarked } from '../../report/lineWriter.js';
import { emptyTally, RunTally } from '../../report/tally.js';
import type { InputFile } from '../../sources/types.js';
import { fingerprintOf, generationAfter, grewFrom, readCheckpoint, sameInput, type Checkpoint, type Fingerprint } from '../../state/checkpoint.js';
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
  /** The run's generation: ids delivered by earlier ones are delivered before. */
  generation: number;
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
    try {
      store.close();
    } finally {
      await lock.release();
    }
  };
  try {
    const saved = flags.fresh ? undefined : await readCheckpoint(dir);
    const fingerprints = await fingerprintInputs(inputs);
    const previous = saved && (await checkedInputs(inputs, saved, fingerprints));
    // A run that did not complete is continued: its counts go on. A completed one starts
    // new counts, but inputs it finished are not sent again (the nightly cron case).
    const continuing = previous !== undefined && previous.status !== 'completed';
    const tally = new RunTally(continuing ? previous.tally : emptyTally());
    // Duplicates are those of this run (docs/mapping.md#duplicates); a resumed run is the same run.
    if (!continuing) store.clearDuplicates();
    // --fresh starts over: what earlier runs delivered is sent again.
    if (flags.fresh) store.clearDelivered();
    const generation = generationAfter(previous);
    // What records past the watermark taught the identity map is learnt again, in order,
    // as they are read again: a resumed run resolves each call as an uninterrupted one.
    if (continuing) store.rewindIdentities((input) => previous.inputs[input]?.watermark.offset);
    else store.clearIdentityFacts();
    const deadLetterPath = flags.deadLetter ?? stateDirPaths(dir).deadLetter;
    const deadLetterWriter = await openDeadLetterFile(deadLetterPath, continuing ? previous : undefined);
    const companyMemory = new CompanyMemory(stateDirPaths(dir).companies);
    return { dir, store, previous, continuing, generation, fingerprints, tally, deadLetterPath, deadLetterWriter, companyMemory, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Binds the directory to the portal of `hubId` (docs/architecture.md#one-portal-per-state-directory),
 * before anything is read: a directory of another portal is refused, unless --fresh, which
 * forgets all its old portal's runs recorded but the dead-letter file.
 */
export async function bindToPortal(state: OpenState, hubId: number, fresh: boolean, notify: (message: string) => void): Promise<void> {
  const binding = await bindingOf(state.dir, hubId);
  if (binding.kind === 'same') return;
  if (binding.kind === 'other') {
    if (!fresh) throw otherPortalError(state.dir, binding.boundTo, hubId);
    state.store.forgetAll();
    state.companyMemory.forget();
    await forgetPortalFiles(state.dir);
    notify(`${state.dir} belonged to hub ID ${binding.boundTo}: with --fresh it now belongs to hub ID ${hubId}, and what hub ID ${binding.boundTo}'s runs recorded there (checkpoint, identities, company ids, catalog cache, delivered ids) is forgotten; the dead-letter file is kept.`);
  } else if (binding.kind === 'adopt') {
    notify(`${state.dir} was written before state directories were bound to a portal: it now belongs to hub ID ${hubId}. Runs for another portal need their own --state-dir.`);
  }
  await bindPortal(state.dir, hubId);
}

/**
 * Notes in the checkpoint that a run was refused at start, leaving the rest as the run
 * before left it, so that `status` does not show that run's outcome as the last word.
 */
export async function recordRefusal(dir: string, message: string): Promise<void> {
  const checkpoint = await readCheckpoint(dir).catch(() => undefined);
  if (!checkpoint) return;
  await writeCheckpoint(dir, { ...checkpoint, refused: { at: new Date().toISOString(), message } });
}

/** Every input's fingerprint (standard input has none: it cannot be resumed). */
async function fingerprintInputs(inputs: readonly InputFile[]): Promise<Map<string, Fingerprint>> {
  const fingerprints = new Map<string, Fingerprint>();
  for (const file of inputs) if (file.path !== '-') fingerprints.set(file.path, await fingerprintOf(file.path));
  return fingerprints;
}

/**
 * Gives the checkpoint as this run
 * resumes it: an input that only grew continues from its watermark (no longer done); one
 * that changed otherwise (re-downloaded, repaired) is read again from its start, with a
 * notice; what earlier runs delivered from it is then skipped as delivered. A changed
 * file never blocks the other inputs.
 */
async function checkedInputs(inputs: readonly InputFile[], previous: Checkpoint, fingerprints: ReadonlyMap<string, Fingerprint>): Promise<Checkpoint> {
  const resumed: Checkpoint = { ...previous, inputs: { ...previous.inputs } };
  for (const file of inputs) {
    const fingerprint = fingerprints.get(file.path);
    const saved = previous.inputs[file.path];
    if (fingerprint === undefined) continue; // standard input
    if (!saved || sameInput(saved.fingerprint, fingerprint)) continue;
    if (await grewFrom(file.path, saved.fingerprint, fingerprint)) {
      resumed.inputs[file.path] = { ...saved, done: false };
      continue;
    }
    delete resumed.inputs[file.path];
    process.stderr.write(
      `hubspot-sync: ${file.path} changed since the checkpoint (size or first 64 KiB differ): it is read again from its start; records earlier runs delivered are skipped as delivered.\n`,
    );
  }
  return resumed;
}

/**
 * The dead-letter file, resumed: cut back to the checkpoint's length when it is still the
 * file the checkpoint describes (lines past it belong to records that will be read
 * again), else kept whole and appended to, saying so in one line.
 */
async function openDeadLetterFile(path: string, previous: Checkpoint | undefined): Promise<LineWriter> {
  const kind = 'dead-letters';
  if (previous === undefined) return LineWriter.toFile(path, { kind });
  const { deadLetterLength: length, deadLetterFile: file } = previous;
  // Nothing was written before: a missing file is simply started.
  if (length === 0 && (await stat(path).catch(() => undefined)) === undefined) return LineWriter.toFile(path, { kind });
  // A checkpoint written before files were marked: cut back only what is really there.
  const verdict = file ? await sameFileAsMarked(path, { length, ...file }) : await atLeast(path, length);
  if (verdict.same) return LineWriter.toFile(path, { length, kind });
  process.stderr.write(`hubspot-sync: the dead-letter file ${path} is not as the last run left it (${verdict.why}): it is kept as it is and new dead letters are appended to it.\n`);
  return LineWriter.toFile(path, { kind });
}

async function atLeast(path: string, length: number): Promise<{ same: true } | { same: false; why: string }> {
  const size = await stat(path).then((info) => info.size, () => undefined);
  if (size === undefined) return length === 0 ? { same: true } : { same: false, why: 'it is gone (moved or removed)' };
  return size >= length ? { same: true } : { same: false, why: `it is shorter (${size} bytes) than the ${length} the checkpoint counts` };
}
