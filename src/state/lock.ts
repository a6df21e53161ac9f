// The state directory's lock (docs/architecture.md#the-state-directory): keeps two runs from interleaving their
// checkpoints. A run killed with -9 cannot remove its lock, so a lock whose process is
// gone is taken over, and the takeover must stay safe when several runs start at once
// (a cron job overlapping a manual run): exactly one of them may win.
//
// How, with nothing but atomic filesystem operations:
// - A lock is born complete: its JSON is written and fsynced to a private draft file,
//   then hard-linked to `lock` (link fails with EEXIST when a lock exists). No reader
//   ever sees a half-written lock, so unreadable content really is garbage.
// - Only the claimant of a stale lock may delete it. The claim is another exclusive link,
//   named after the stale file's identity (inode and mtime), so two runs judging the same
//   stale lock race for one name; the winner re-checks that `lock` is still that very
//   file, deletes it and drops the claim; then everyone races on link again.
// - A claimant killed mid-takeover leaves its claim behind; a claim is a lock file too
//   (it is a link to the claimant's draft), so a dead claimant's claim is taken over the
//   same way, one level down.
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockHeldError, UsageError } from '../errors.js';
import { PRIVATE_FILE_MODE, stateDirPaths } from './stateDir.js';

/** What a lock file says about its holder. */
export interface LockInfo {
  pid: number;
  hostname: string;
  /** ISO-8601 time the lock was taken. */
  startedAt: string;
  /** The command line that holds it, for the message a second run prints. */
  command: string;
  /** Unique per acquisition: tells our own lock from another with the same pid. */
  token?: string;
  /** Linux: the holder's start time in clock ticks since boot, so a reused pid is not mistaken for it. */
  processStart?: number;
}

export interface StateLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
  /** The same, synchronously: for a process 'exit' handler, where nothing async runs. */
  releaseSync(): void;
}

/** Tokens of the locks and claims this process holds or is acquiring. */
const ownTokens = new Set<string>();

const MAX_ATTEMPTS = 200;
/** Pause while another process finishes a takeover (it takes a few filesystem calls). */
const CLAIM_WAIT_MS = 10;
/** How many dead claimants in a row we clear before asking a human. */
const MAX_CLAIM_DEPTH = 3;

/**
 * Takes the lock of state directory `dir`. Throws LockHeldError (exit 3) naming the
 * holder when a live run holds it; takes over a lock whose process is gone.
 */
export async function acquireLock(dir: string, request: { command: string }): Promise<StateLock> {
  const path = stateDirPaths(dir).lock;
  const token = randomUUID();
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: request.command,
    token,
    processStart: processStartTicks(process.pid),
  };
  ownTokens.add(token);
  const draft = `${path}.draft-${token}`;
  try {
    await writeDraft(draft, info);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await linkExclusive(draft, path)) return heldLock(path, info, token);
      const current = await inspect(path);
      if (current === undefined) continue; // released between our link and our look
      if (current.info !== undefined && isHeld(current.info)) throw new LockHeldError(heldMessage(dir, path, current.info));
      await removeStale(path, current, draft, 0);
    }
    throw new LockHeldError(`Could not take the lock ${path}: other runs kept taking it over at the same time. Run again.`);
  } catch (error) {
    ownTokens.delete(token);
    throw error;
  } finally {
    // The lock (when we got it) is a second link to the draft's file, so this keeps it.
    await unlink(draft).catch(() => undefined);
  }
}

/** The lock's holder as the file says, for `status`; undefined when unlocked or unreadable. */
export async function readLock(dir: string): Promise<LockInfo | undefined> {
  return (await inspect(stateDirPaths(dir).lock))?.info;
}

/** Whether a live run holds the lock of `dir` now, or a run that is gone left it behind (killed). */
export async function lockState(dir: string): Promise<'none' | 'held' | 'left'> {
  const info = await readLock(dir);
  if (info === undefined) return 'none';
  return isHeld(info) ? 'held' : 'left';
}

function heldLock(path: string, info: LockInfo, token: string): StateLock {
  let released = false;
  return {
    path,
    info,
    async release() {
      if (released) return;
      released = true;
      try {
        const current = await inspect(path);
        if (current?.info?.token === token) await unlink(path).catch(ignoreMissing);
      } finally {
        ownTokens.delete(token);
      }
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (parseLock(readSync(path))?.token === token) {
          try {
            unlinkSync(path);
          } catch (error) {
            ignoreMissing(error);
          }
        }
      } finally {
        ownTokens.delete(token);
      }
    },
  };
}

/** A lock file as found: its identity (to re-check before deleting) and its content. */
interface Observed {
  ino: bigint;
  mtimeNs: bigint;
  raw: string;
  /** Undefined when the content is not a lock (garbage): such a lock is stale. */
  info: LockInfo | undefined;
}

async function inspect(path: string): Promise<Observed | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    ignoreMissing(error);
    return undefined;
  }
  try {
    // Identity and content from one open file, so they describe the same file.
    const stats = await handle.stat({ bigint: true });
    const raw = await handle.readFile('utf8');
    return { ino: stats.ino, mtimeNs: stats.mtimeNs, raw, info: parseLock(raw) };
  } finally {
    await handle.close();
  }
}

/**
 * Deletes the stale lock `observed` at `path`, unless someone else is already doing so
 * or it has changed since we looked. Returns to let the caller race on link again.
 */
async function removeStale(path: string, observed: Observed, draft: string, depth: number): Promise<void> {
  const claim = `${path}.takeover-${observed.ino}-${observed.mtimeNs}`;
  if (!(await linkExclusive(draft, claim))) {
    const other = await inspect(claim);
    if (other === undefined) return; // that takeover just finished
    if (other.info !== undefined && isHeld(other.info)) {
      await sleep(CLAIM_WAIT_MS);
      return;
    }
    if (depth >= MAX_CLAIM_DEPTH) {
      const lock = path.split('.takeover-')[0] ?? path;
      throw new LockHeldError(
        `The lock ${lock} belongs to a process that is gone, but interrupted takeovers left ${claim} behind. ` +
          `Make sure no other hubspot-sync run uses this state directory, delete ${lock} and the files beside it whose names start with "lock.", and run again.`,
      );
    }
    await removeStale(claim, other, draft, depth + 1);
    return;
  }
  try {
    const now = await inspect(path);
    // Same inode, same mtime, same bytes: still the file we judged stale, and while our
    // claim exists nobody else may delete it, so it cannot change before the unlink.
    if (now !== undefined && now.ino === observed.ino && now.mtimeNs === observed.mtimeNs && now.raw === observed.raw) {
      await unlink(path).catch(ignoreMissing);
    }
  } finally {
    await unlink(claim).catch(ignoreMissing);
  }
}

/** Whether the process a lock names may still be running (when in doubt: yes). */
function isHeld(info: LockInfo): boolean {
  // Another machine's process cannot be checked from here.
  if (info.hostname !== hostname()) return true;
  if (info.pid === process.pid) {
    // Our pid: either one of our own acquisitions, or a dead run that had the same pid
    // (pid 1 in a fresh container every night).
    return info.token !== undefined && ownTokens.has(info.token);
  }
  if (!processExists(info.pid)) return false;
  if (info.processStart !== undefined) {
    const start = processStartTicks(info.pid);
    // A live process that started at another time is a new process with a reused pid.
    if (start !== undefined && start !== info.processStart) return false;
  }
  return true;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it just belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Linux: a process's start time in clock ticks after boot (field 22 of /proc/PID/stat). */
function processStartTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

function heldMessage(dir: string, path: string, holder: LockInfo): string {
  const elsewhere = holder.hostname !== hostname();
  return (
    `Another hubspot-sync run is using the state directory ${dir}: pid ${holder.pid} on host ${holder.hostname}` +
    `${elsewhere ? ' (another machine: whether it still runs cannot be checked from here)' : ''}, ` +
    `started ${holder.startedAt}, running "${holder.command}". ` +
    `Wait for it to finish, or, if that process is really gone, delete ${path} and run again.`
  );
}

function parseLock(raw: string | undefined): LockInfo | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  // A pid of 0 or below would make kill() signal a process group, never a process.
  if (typeof v.pid !== 'number' || !Number.isSafeInteger(v.pid) || v.pid <= 0) return undefined;
  if (typeof v.hostname !== 'string' || typeof v.startedAt !== 'string' || typeof v.command !== 'string') return undefined;
  return {
    pid: v.pid,
    hostname: v.hostname,
    startedAt: v.startedAt,
    command: v.command,
    token: typeof v.token === 'string' ? v.token : undefined,
    processStart: typeof v.processStart === 'number' ? v.processStart : undefined,
  };
}

async function writeDraft(draft: string, info: LockInfo): Promise<void> {
  const handle = await open(draft, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    // On disk before it becomes the lock: after a crash the lock has its content.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** link(2): creates `to` only if nothing is there. False when something is. */
async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      throw new UsageError(
        `Cannot create the lock ${to}: ${(error as Error).message}. ` +
          'Put the state directory (--state-dir) on a filesystem that supports hard links.',
      );
    }
    throw error;
  }
}

function readSync(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    ignoreMissing(error);
    return undefined;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
