// Errors that end a run, each with its exit code (docs/architecture.md#exit-codes). The CLI has
// one error boundary (src/cli/main.ts) that turns these into a message and a code.

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
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, configuration or input paths: exit 2. */
export class UsageError extends HubspotSyncError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

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
