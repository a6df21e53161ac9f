// The state directory (docs/architecture.md#the-state-directory): where a run keeps what it needs to resume. The
// checkpoint, the state database and the dead letters hold personal data (emails, whole
// events), so the directory is private to its owner and so is every file in it.
import { chmodSync, closeSync, constants, openSync } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

/** Mode of every file created in the state directory: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of a state directory this tool creates. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates a database file with mode 0600 before SQLite opens it: SQLite would create it
 * 0644, and gives its journal, -wal and -shm files the mode of the database file.
 */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

export interface StateDirPaths {
  dir: string;
  /** Per-input watermarks, counts and run status (JSON, replaced atomically). */
  checkpoint: string;
  /** Identity map, domain → company id cache, seen messageIds (SQLite). */
  state: string;
  /** The portal's property catalog, as last fetched. */
  catalog: string;
  /** How companies are keyed in this portal, and creates HubSpot has not confirmed yet (JSON). */
  companies: string;
  /** Default dead-letter file (`--dead-letter` may put it elsewhere). */
  deadLetter: string;
  /** Keeps two runs apart. */
  lock: string;
  /** The hub ID of the portal the directory belongs to (JSON). */
  portal: string;
  /** Requests the directory's runs made in the current UTC day (JSON). */
  daily: string;
}

export function stateDirPaths(dir: string): StateDirPaths {
  return {
    dir,
    checkpoint: join(dir, 'checkpoint.json'),
    state: join(dir, 'state.sqlite'),
    catalog: join(dir, 'catalog.json'),
    companies: join(dir, 'companies.json'),
    deadLetter: join(dir, 'dead-letter.ndjson'),
    lock: join(dir, 'lock'),
    portal: join(dir, 'portal.json'),
    daily: join(dir, 'daily.json'),
  };
}

/**
 * Creates the state directory (and missing parents) with mode 0700. A directory that
 * already exists keeps its mode: `--state-dir .` must not lock the user out of their own
 * working directory, and the files inside are 0600 whatever the directory allows.
 */
export async function ensureStateDir(dir: string): Promise<StateDirPaths> {
  const created = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode goes through the umask (a umask of 0277 would give 0500, unusable):
  // chmod makes it exactly 0700. Only the innermost directory holds state.
  if (created !== undefined) await chmod(dir, PRIVATE_DIR_MODE);
  return stateDirPaths(dir);
}

/**
 * Makes a rename or an unlink in `dir` durable: without it a power cut after the
 * rename can bring back the old file even though the new one's data was fsynced.
 * Some platforms (Windows) cannot open a directory; there it is a no-op.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on filesystems that cannot sync a directory: nothing more to do.
  } finally {
    await handle.close();
  }
}
