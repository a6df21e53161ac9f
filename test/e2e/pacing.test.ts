// Pacing on HubSpot's real 10-second window: the one end-to-end test that waits out real
// windows (every other scales HubSpot's times down with liveRun's timeScale), in a file of
// its own so that its half minute runs beside the other files.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { liveRun } from '../support/emulatorRun.js';

describe('pacing', () => {
  it("paces itself to HubSpot's real 10-second window, with no rate-limit headers to go by: several windows, no 429, at least 85 % of the limit used", async () => {
    const limit = 10;
    // Jittery latency: a client that counted requests when it sent them would see HubSpot
    // count some of them later, and run into 429s. No headers: the pace is the client's own.
    const run = await liveRun({ rateLimit: { perTenSeconds: limit }, faults: { seed: 5, latencyMs: [0, 400], omitRateLimitHeaders: true } });
    onTestFinished(() => run.close());
    const dir = await tempDir();
    // 2,500 contacts: 25 upsert batches plus the start-up reads, about three windows.
    const calls = Array.from({ length: 2500 }, (_, i) => ({ type: 'identify', messageId: `r${i}`, userId: `r${i}`, traits: { email: `r${i}@example.com`, firstName: `R${i}` } }));
    const input = await writeNdjson(dir, 'many.ndjson', calls);
    const result = await run.replay([input, '--rate', String(limit), '--report', join(dir, 'report.json')]);
    expect(result.code, result.stderr).toBe(0);
    const stats = run.emulator.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.requests.total).toBeGreaterThan(2 * limit);
    expect(stats.maxInTenSeconds).toBeGreaterThanOrEqual(Math.ceil(0.85 * limit));
    expect(stats.maxInTenSeconds).toBeLessThanOrEqual(limit);
    expect(Object.keys(run.emulator.snapshot().contacts)).toHaveLength(2500);
  });
});
