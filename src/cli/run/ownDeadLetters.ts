// A run must never read what it appends: an input that is the run's own dead-letter file
// would grow as it is read (every dead letter read again is written again), so it is
// refused before anything is opened. A copy of the file is an ordinary input.
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import type { InputFile } from '../../sources/types.js';

/** Throws a usage error (exit 2) when one of `inputs` is the file `deadLetterPath` names. */
export async function refuseOwnDeadLetterFile(inputs: readonly InputFile[], deadLetterPath: string | undefined, flag: string): Promise<void> {
  if (deadLetterPath === undefined) return;
  const target = await identityOf(deadLetterPath);
  for (const input of inputs) {
    if (input.path === '-') continue;
    if (sameIdentity(await identityOf(input.path), target)) {
      throw new UsageError(
        `${input.path} is this run's own dead-letter file (${flag}): a run cannot read the file it appends to. ` +
          `Move or copy it first (cp ${input.path} retry.ndjson) and replay the copy.`,
      );
    }
  }
}

type Identity = { kind: 'inode'; dev: number; ino: number } | { kind: 'path'; path: string };

/** A file by device and inode (hard links and symlinks included); a missing one by its resolved path. */
async function identityOf(path: string): Promise<Identity> {
  const info = await stat(path).catch(() => undefined);
  if (info) return { kind: 'inode', dev: info.dev, ino: info.ino };
  return { kind: 'path', path: await realpath(path).catch(() => resolve(path)) };
}

function sameIdentity(a: Identity, b: Identity): boolean {
  if (a.kind === 'inode' && b.kind === 'inode') return a.dev === b.dev && a.ino === b.ino;
  if (a.kind === 'path' && b.kind === 'path') return a.path === b.path;
  return false;
}
