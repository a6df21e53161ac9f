// The suite's fast-check settings (test/support/fastCheck.ts) are in force in every test
// file: a property cut short by its time limit fails, so a slow shrink ends the test
// instead of hanging the suite, and never passes quietly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('property tests end in bounded time', () => {
  it('every property has a time limit, and being interrupted is a failure', () => {
    expect(fc.readConfigureGlobal()).toMatchObject({ interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true });
  });

  it('a property still running at its limit fails (here with the limit at 50 ms)', () => {
    const result = fc.check(
      fc.property(fc.nat(), () => {
        const until = Date.now() + 5;
        while (Date.now() < until) {
          // a slow property: 10,000 runs would take 50 s
        }
      }),
      { numRuns: 10_000, interruptAfterTimeLimit: 50 },
    );
    expect(result.interrupted).toBe(true);
    expect(result.failed).toBe(true);
    expect(result.numRuns).toBeLessThan(10_000);
  });
});
