import { describe, expect, it } from 'vitest';
import { buildReport, emptyTally, RunTally, type TallyCounts } from './tally.js';

describe('RunTally', () => {
  it('counts every skip reason, also when resuming a checkpoint written before some existed', () => {
    // As an older checkpoint file holds it: three skip reasons only.
    const old = JSON.parse(JSON.stringify({ ...emptyTally(), skipped: { duplicate: 2, filtered: 1, unsupported_type: 3 }, counts: { read: 6, delivered: 0, skipped: 6, deadLettered: 0 } })) as TallyCounts;
    const tally = new RunTally(old);
    tally.read();
    tally.resolve('skipped', 'suppressed');
    tally.read();
    tally.resolve('skipped', 'integration_disabled');
    const report = buildReport(tally, 'completed', false, 0);
    expect(report.skipped).toEqual({ duplicate: 2, filtered: 1, unsupported_type: 3, integration_disabled: 1, consent_denied: 0, suppressed: 1 });
    expect(report.counts).toEqual({ read: 8, delivered: 0, skipped: 8, deadLettered: 0 });
    // The checkpoint carries the same object, so it is saved with every reason too.
    expect(tally.data.skipped).toBe(report.skipped);
  });
});
