// Files a run writes besides the state directory (`--out`, `--report`, `--dead-letter`)
// are checked before any work starts: a report that cannot be written must not be found
// out after a three-hour replay. Missing folders are created, as the state directory is.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError, WriteFailedError, writeFailure } from '../errors.js';

/** Makes sure `path` can be written: its folder exists (created if need be) and allows it. */
export async function prepareOutputFile(path: string, flag: string): Promise<void> {
  const folder = dirname(resolve(path));
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new UsageError(`${flag} ${path}: its folder ${folder} cannot be created (${reasonOf(error)}).`);
  }
  let existing;
  try {
    existing = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${flag} ${path} cannot be used (${reasonOf(error)}).`);
  }
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give a file name.`);
  try {
    await access(existing ? path : folder, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${existing ? 'the file' : `its folder ${folder}`} is not writable (${reasonOf(error)}).`);
  }
}

/**
 * Makes sure the state directory exists (mode 0700 when created here) and can be written,
 * or says why not: one made by another user or with sudo, or on a read-only mount, must
 * stop the run before anything is sent. access(2) answers for root too (a read-only mount
 * is EROFS, an immutable directory EPERM), where permission bits alone would not.
 */
export async function prepareStateDir(dir: string, ensure: (dir: string) => Promise<unknown>): Promise<void> {
  try {
    await ensure(dir);
  } catch (error) {
    throw new UsageError(`--state-dir ${dir} cannot be created or used (${reasonOf(error)}).`);
  }
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    const failure = writeFailure(dir, error);
    const why = failure instanceof WriteFailedError ? `${failure.reason}, ${reasonOf(error)}` : reasonOf(error);
    throw new UsageError(
      `--state-dir ${dir} exists but cannot be written (${why}): give a directory this user can write, ` +
        'or make this one writable (its owner, its permissions, or a read-only mount).',
    );
  }
}

function reasonOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `${code}: a file is in the way`;
  return code ?? message;
}
