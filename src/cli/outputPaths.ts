// Files a run writes besides the state directory (`--out`, `--report`, `--dead-letter`)
// are checked before any work starts: a report that cannot be written must not be found
// out after a three-hour replay. Missing folders are created, as the state directory is.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

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

/** Makes sure the state directory exists (mode 0700 when created here) or says why not. */
export async function prepareStateDir(dir: string, ensure: (dir: string) => Promise<unknown>): Promise<void> {
  try {
    await ensure(dir);
  } catch (error) {
    throw new UsageError(`--state-dir ${dir} cannot be created or used (${reasonOf(error)}).`);
  }
}

function reasonOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `${code}: a file is in the way`;
  return code ?? message;
}
