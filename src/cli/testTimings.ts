// Time settings for the test suite, read from the environment and not in --help, like
// HUBSPOT_SYNC_PROGRESS_INTERVAL_MS: a test shrinks the CLI's waits and the stand-in's
// together, so what it proves (a search lag against the back-off, a load against the
// window) holds at a tenth of the time. Unset: HubSpot's real times.
import { DEFAULT_BACKOFF } from '../sync/requests/requester.js';

export interface TestTimings {
  /** The first back-off step of retries and of the safe company path; the longest is 60 of them. */
  backoffMs: number;
  maxBackoffMs: number;
  /** HubSpot's rolling rate window (10 s); search's second is a tenth of it. */
  rateWindowMs: number;
  /** The least time between two periodic checkpoints of a live run (2 s). */
  checkpointEveryMs: number;
}

export const HUBSPOT_RATE_WINDOW_MS = 10_000;
export const CHECKPOINT_EVERY_MS = 2000;

export function testTimings(env: NodeJS.ProcessEnv = process.env): TestTimings {
  const backoffMs = positiveInteger(env.HUBSPOT_SYNC_BACKOFF_MS) ?? DEFAULT_BACKOFF.firstMs;
  return {
    backoffMs,
    maxBackoffMs: (DEFAULT_BACKOFF.maxMs / DEFAULT_BACKOFF.firstMs) * backoffMs,
    rateWindowMs: positiveInteger(env.HUBSPOT_SYNC_RATE_WINDOW_MS) ?? HUBSPOT_RATE_WINDOW_MS,
    checkpointEveryMs: positiveInteger(env.HUBSPOT_SYNC_CHECKPOINT_INTERVAL_MS) ?? CHECKPOINT_EVERY_MS,
  };
}

function positiveInteger(text: string | undefined): number | undefined {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
