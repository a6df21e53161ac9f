import { describe, expect, it } from 'vitest';
import { testTimings } from './testTimings.js';

describe('testTimings', () => {
  it.each([
    ['unset: HubSpot real times', {}, { backoffMs: 1000, maxBackoffMs: 60_000, rateWindowMs: 10_000, checkpointEveryMs: 2000 }],
    ['a tenth', { HUBSPOT_SYNC_BACKOFF_MS: '100', HUBSPOT_SYNC_RATE_WINDOW_MS: '1000' }, { backoffMs: 100, maxBackoffMs: 6000, rateWindowMs: 1000, checkpointEveryMs: 2000 }],
    ['the window alone', { HUBSPOT_SYNC_RATE_WINDOW_MS: '2500' }, { backoffMs: 1000, maxBackoffMs: 60_000, rateWindowMs: 2500, checkpointEveryMs: 2000 }],
    ['not positive integers: ignored', { HUBSPOT_SYNC_BACKOFF_MS: '0', HUBSPOT_SYNC_RATE_WINDOW_MS: '-5' }, { backoffMs: 1000, maxBackoffMs: 60_000, rateWindowMs: 10_000, checkpointEveryMs: 2000 }],
    ['checkpoints at a tenth', { HUBSPOT_SYNC_CHECKPOINT_INTERVAL_MS: '200' }, { backoffMs: 1000, maxBackoffMs: 60_000, rateWindowMs: 10_000, checkpointEveryMs: 200 }],
    ['not numbers: ignored', { HUBSPOT_SYNC_BACKOFF_MS: 'fast', HUBSPOT_SYNC_RATE_WINDOW_MS: '1.5' }, { backoffMs: 1000, maxBackoffMs: 60_000, rateWindowMs: 10_000, checkpointEveryMs: 2000 }],
  ])('%s', (_name, env, timings) => {
    expect(testTimings(env)).toEqual(timings);
  });
});
