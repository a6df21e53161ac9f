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
