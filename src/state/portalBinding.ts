// A state directory belongs to one portal (docs/architecture.md#one-portal-per-state-directory):
// its checkpoint, identities, company ids and catalog cache describe one HubSpot account,
// so the first run that knows the hub ID records it in portal.json, and a run of another
// portal is refused before it reads anything, unless it starts over with --fresh.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { RefusedError, UsageError, writeFailure } from '../errors.js';
import { PRIVATE_FILE_MODE, stateDirPaths } from './stateDir.js';

/** What a run does about the directory's portal, given the hub ID it runs against. */
export type Binding =
  /** Bound to this hub ID already. */
  | { kind: 'same' }
  /** Nothing recorded and nothing to lose: bind it. */
  | { kind: 'new' }
  /** Written before directories were bound: adopted by this hub ID, with one notice. */
  | { kind: 'adopt' }
  /** Bound to another portal: `--fresh` rebinds it, anything else is refused. */
  | { kind: 'other'; boundTo: number };

/** The hub ID recorded in `dir`, if any. */
export async function readBoundHubId(dir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(stateDirPaths(dir).portal, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as { hubId?: unknown };
    if (typeof value.hubId === 'number' && Number.isSafeInteger(value.hubId)) return value.hubId;
  } catch {
    // falls through to the error below
  }
  throw new UsageError(`${stateDirPaths(dir).portal} is damaged (no hub ID in it). Put back the portal's hub ID as {"hubId": N}, or remove the file to let the next run adopt the directory.`);
}

export async function bindingOf(dir: string, hubId: number): Promise<Binding> {
  const bound = await readBoundHubId(dir);
  if (bound === hubId) return { kind: 'same' };
  if (bound !== undefined) return { kind: 'other', boundTo: bound };
  // The run itself creates the database before it knows the portal: only a checkpoint
  // says that an earlier run worked here.
  return existsSync(stateDirPaths(dir).checkpoint) ? { kind: 'adopt' } : { kind: 'new' };
}

/** The one-line refusal of a run of portal `hubId` in a directory bound to `boundTo`. */
export function otherPortalError(dir: string, boundTo: number, hubId: number): RefusedError {
  return new RefusedError(
    `The state directory ${dir} belongs to the portal with hub ID ${boundTo}, but this run is for hub ID ${hubId}: nothing was read or sent. ` +
      `Give each portal its own state directory (--state-dir), or run with --fresh to bind ${dir} to hub ID ${hubId} and forget what hub ID ${boundTo}'s runs recorded there.`,
  );
}

/** Records `hubId` as the directory's portal. */
export async function bindPortal(dir: string, hubId: number): Promise<void> {
  const path = stateDirPaths(dir).portal;
  await writeFileAtomic(path, `${JSON.stringify({ hubId, boundAt: new Date().toISOString() })}\n`, { mode: PRIVATE_FILE_MODE, fsync: true }).catch((error: unknown) => {
    throw writeFailure(path, error);
  });
}

/**
 * The files of the old portal besides the state database (which the caller empties): the
 * checkpoint, the catalog cache, the company memory. The dead-letter file stays: its
 * lines are the user's to replay.
 */
export async function forgetPortalFiles(dir: string): Promise<void> {
  const paths = stateDirPaths(dir);
  await Promise.all([paths.checkpoint, paths.catalog, paths.companies].map((path) => rm(path, { force: true })));
}
