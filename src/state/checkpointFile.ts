// The checkpoint file: replaced atomically (temporary file, fsync, rename, directory
// fsync), so after a crash it is the old checkpoint or the new one, whole; and read back
// with its shape checked, so a damaged one stops the run with a message, not a crash.
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { UsageError, writeFailure } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';
import { fsyncDir, PRIVATE_FILE_MODE, stateDirPaths } from './stateDir.js';
import { faultIfPlanned } from './writeFaults.js';

/**
 * The checkpoint of state directory `dir`, or undefined when there is none. A file that
 * is not a checkpoint is a UsageError naming it and pointing at --fresh.
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = stateDirPaths(dir).checkpoint;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not JSON (${(error as Error).message})`);
  }
  const problem = checkpointProblem(value);
  if (problem !== undefined) throw corrupt(path, problem);
  return value as Checkpoint;
}

/** Replaces the checkpoint atomically, mode 0600. */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  await writeCheckpointText(dir, serializeCheckpoint(checkpoint));
}

export function serializeCheckpoint(checkpoint: Checkpoint): string {
  return `${JSON.stringify(checkpoint, null, 2)}\n`;
}

/** Replaces the checkpoint atomically; a failure (a full disk) is a WriteFailedError and leaves the old one whole. */
export async function writeCheckpointText(dir: string, text: string): Promise<void> {
  const path = stateDirPaths(dir).checkpoint;
  try {
    await faultIfPlanned('checkpoint');
    // write-file-atomic: a temporary file beside the target, written, fsynced, chmod'ed and
    // renamed over it (the temporary file is removed when it fails); the directory fsync
    // makes the rename itself survive a power cut.
    await writeFileAtomic(path, text, { mode: PRIVATE_FILE_MODE, fsync: true });
  } catch (error) {
    throw writeFailure(path, error);
  }
  await fsyncDir(dir);
}

function corrupt(path: string, problem: string): UsageError {
  return new UsageError(
    `The checkpoint ${path} is damaged: ${problem}. ` +
      'Run again with --fresh to ignore it and start over (records already sent are sent again; that is harmless).',
  );
}

/** What is wrong with a parsed checkpoint, or undefined when it has the expected shape. */
function checkpointProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.version !== 1) {
    return typeof value.version === 'number' ? `version ${value.version}, this hubspot-sync reads version 1` : 'no version';
  }
  if (!isObject(value.inputs)) return '"inputs" is not an object';
  for (const [path, input] of Object.entries(value.inputs)) {
    const problem = inputProblem(input);
    if (problem !== undefined) return `input ${JSON.stringify(path)}: ${problem}`;
  }
  if (!isObject(value.tally) || !isObject(value.tally.counts)) return '"tally" is not a tally';
  for (const key of ['read', 'delivered', 'skipped', 'deadLettered']) {
    if (!isCount(value.tally.counts[key])) return `"tally.counts.${key}" is not a count`;
  }
  if (!isCount(value.deadLetterLength)) return '"deadLetterLength" is not a count';
  const file = value.deadLetterFile;
  if (file !== undefined && !(isObject(file) && typeof file.dev === 'string' && typeof file.ino === 'string' && typeof file.tail === 'string')) {
    return '"deadLetterFile" does not describe a file';
  }
  if (!isCount(value.runs)) return '"runs" is not a count';
  if (typeof value.startedAt !== 'string' || typeof value.updatedAt !== 'string') return '"startedAt"/"updatedAt" are not times';
  if (!['running', 'completed', 'paused', 'interrupted', 'failed'].includes(value.status as string)) return `unknown status ${JSON.stringify(value.status)}`;
  if (value.message !== undefined && typeof value.message !== 'string') return '"message" is not text';
  return undefined;
}

function inputProblem(input: unknown): string | undefined {
  if (!isObject(input)) return 'not an object';
  const { fingerprint, watermark } = input;
  if (!isObject(fingerprint) || !isCount(fingerprint.size) || typeof fingerprint.head !== 'string') return 'no valid fingerprint';
  if (!isObject(watermark) || !isCount(watermark.line) || !isCount(watermark.offset)) return 'no valid watermark';
  if (typeof input.done !== 'boolean') return '"done" is not true or false';
  if (input.size !== undefined && !isCount(input.size)) return '"size" is not a count';
  if (input.records !== undefined && !isCount(input.records)) return '"records" is not a count';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
