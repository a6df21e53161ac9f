// Errors that end a run, each with its exit code (docs/architecture.md#exit-codes). The
// CLI has one error boundary (src/cli/main.ts) that asks an error for its code, and a run
// asks it how the run ended (src/cli/run/outcome.ts): neither knows the classes below.

export const EXIT = {
  completed: 0,
  unexpected: 1,
  usage: 2,
  locked: 3,
  deadLetters: 4,
  paused: 75,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class HubspotSyncError extends Error {
  constructor(message: string, readonly exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, configuration or input paths: exit 2. */
export class UsageError extends HubspotSyncError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/**
 * A run refused at start, before it read any input (a state directory of another portal,
 * a hub ID that is not the token's): exit 2, and `status` shows the run as refused.
 */
export class RefusedError extends UsageError {}

/** HubSpot refused the token or its scopes: exit 2, nothing more can be done this run. */
export class AuthError extends HubspotSyncError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** Another run holds the state directory's lock: exit 3. */
export class LockHeldError extends HubspotSyncError {
  constructor(message: string) {
    super(message, EXIT.locked);
  }
}

/**
 * An input that cannot be read at all: a missing path, a permission problem, a file that
 * vanished or failed mid-read: exit 2. Bad *content* never raises this; it becomes dead letters.
 */
export class InputError extends HubspotSyncError {
  constructor(
    /** The input path as the user gave it. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, EXIT.usage, options);
  }
}

/**
 * A run that must stop but loses nothing: the daily budget is spent or HubSpot stayed
 * unavailable through every retry. The checkpoint is saved and the run exits 75, with
 * one line saying why (never a stack trace: this is an expected way for a run to end).
 */
export class PauseError extends HubspotSyncError {
  constructor(message: string) {
    super(message, EXIT.paused);
  }
}

/** A signal stopped the run: the checkpoint is saved, exit 130. */
export class InterruptedError extends HubspotSyncError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`, EXIT.interrupted);
  }
}

/**
 * A write the run depends on failed (a full disk, a quota, an I/O error, a read-only
 * remount). Nothing is lost: the run sends nothing new, keeps the last checkpoint written
 * whole and exits 75 with one line naming the path and the cause. It never waits for
 * space: a cron job is better off ending and running again once space is freed.
 */
export class WriteFailedError extends HubspotSyncError {
  constructor(
    readonly path: string,
    /** What the machine said, in words (`no space left on device`). */
    readonly reason: string,
  ) {
    super(`${reason} for ${path}: nothing is lost; free space (or fix the disk), then run the same command again to resume.`, EXIT.paused);
  }
}

// errno and SQLite codes a write fails with, in words. SQLite's own messages ("database or
// disk is full") do not name the cause the way the rest of the run does.
const WRITE_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  SQLITE_FULL: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  SQLITE_READONLY: 'read-only file system',
  EIO: 'input/output error',
  SQLITE_IOERR: 'input/output error',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * `error`, thrown while writing `path`, as the WriteFailedError that ends the run when the
 * machine refused the write; any other error (a bug) is returned as it is.
 */
export function writeFailure(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (error instanceof HubspotSyncError || typeof code !== 'string') return error;
  // SQLite's extended codes (SQLITE_IOERR_WRITE) mean what their primary code does.
  const reason = WRITE_REASONS[code] ?? WRITE_REASONS[code.split('_').slice(0, 2).join('_')];
  return reason === undefined ? error : new WriteFailedError(path, reason);
}
