// Checkpoints, resume, locking and cron behaviour: runs are killed, paused and
// interrupted, then resumed, and must end where one uninterrupted run ends.
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import type { ApiVersion, EmulatorSnapshot } from '../emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';
import { mixedCalls, writeNdjson } from '../support/corpus.js';
import { expectOnlyVersion, liveRun, testLiveRun, waitForAnswered, waitForRequest } from '../support/emulatorRun.js';

const live = testLiveRun;

async function readReport(path: string): Promise<RunReport> {
  return JSON.parse(await readFile(path, 'utf8')) as RunReport;
}

interface Reference {
  snapshot: EmulatorSnapshot;
  report: RunReport;
}

/**
 * An export with repeated messageIds (duplicate detection must survive resumes too), and
 * one uninterrupted run of it, on the default API version: runs on either version must
 * end in the same state. Each scenario below runs on one API version (the two share the
 * reference); the version tests prove what differs between them.
 */
async function exportWithReference(users: number): Promise<{ input: string; reference: Reference }> {
  const dir = await tempDir();
  const calls = mixedCalls(users);
  const input = await writeNdjson(dir, 'export.ndjson', [...calls, ...calls.slice(100, 140)]);
  // At a tenth of HubSpot's times: what a run ends with does not depend on them.
  const run = await liveRun({ timeScale: 0.1 });
  const result = await run.replay([input, '--report', join(dir, 'reference.json')]);
  expect(result.code, result.stderr).toBe(0);
  const reference = { snapshot: run.emulator.snapshot(), report: await readReport(join(dir, 'reference.json')) };
  await run.close();
  expect(reference.report.skipped.duplicate).toBe(40);
  return { input, reference };
}

// A large export, whose runs last long enough to be killed many times, and a small one.
let input: string;
let reference: Reference;
let small: string;
let smallReference: Reference;

beforeAll(async () => {
  ({ input, reference } = await exportWithReference(3000));
  ({ input: small, reference: smallReference } = await exportWithReference(500));
});

/**
 * Where each kill -9 lands, counted in requests the stand-in answered since the run started
 * (its start-up reads included), so the same kills land at the same points on any machine.
 * `afterCheckpoint`: first wait until a checkpoint saved progress past where the run started,
 * so that the next run must resume part-way through the file.
 */
const KILLS: ReadonlyArray<{ answered: number; afterCheckpoint?: boolean }> = [
  { answered: 8 },
  { answered: 2, afterCheckpoint: true },
  { answered: 3 }, // among the start-up reads
  { answered: 2, afterCheckpoint: true },
  { answered: 10 },
];

describe('kill -9 at any moment loses nothing', () => {
  it('ends, after several SIGKILLs and resumes with faults on, exactly where one uninterrupted run ends', async () => {
    const apiVersion: ApiVersion = '2026-09';
    // A tenth of HubSpot's times: the back-offs of the injected faults are what the runs wait on.
    const run = await live({ timeScale: 0.1, faults: { seed: 11, errorRate: 0.05, resetRate: 0.03, latencyMs: [40, 120], wholeBatchShare: 0.5 } }, apiVersion);
    const resumedFrom: number[] = [];
    const checkpointFile = join(run.stateDir, 'checkpoint.json');
    const watermark = async (): Promise<number> => {
      if (!existsSync(checkpointFile)) return 1;
      const checkpoint = JSON.parse(await readFile(checkpointFile, 'utf8')) as { inputs: Record<string, { watermark: { line: number } }> };
      return checkpoint.inputs[input]?.watermark.line ?? 1;
    };
    for (const kill of KILLS) {
      // One request at a time, so the requests counted are the run's steps in order.
      const since = run.emulator.requests().length;
      const from = await watermark();
      // Streamed: what this proves is a resume part-way through the file, from a watermark
      // that moves as records are delivered (compacted runs: test/e2e/compaction.test.ts).
      const { child, done } = run.start([input, '--quiet', '--concurrency', '1', '--no-compact']);
      if (kill.afterCheckpoint) {
        let exited = false;
        void done.then(() => (exited = true));
        for (let polls = 0; !exited && (await watermark()) <= from; polls++) {
          if (polls >= 3000) throw new Error('No checkpoint saved progress within 30 s of polling');
          await sleep(10);
        }
      }
      await waitForAnswered(run.emulator, kill.afterCheckpoint ? run.emulator.requests().length : since, kill.answered, done);
      // Every kill must land inside a run: the export is long enough for all of them.
      expect(child.exitCode, 'the run ended before its kill').toBeNull();
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      resumedFrom.push(await watermark());
      if (kill.afterCheckpoint) expect(resumedFrom.at(-1)).toBeGreaterThan(from);
    }
    // The kills after a checkpoint left the next run a start part-way through the file.
    expect(resumedFrom.some((line) => line > 1)).toBe(true);
    const dir = await tempDir();
    const last = await run.replay([input, '--report', join(dir, 'final.json'), '--no-compact']);
    expect(last.code, last.stderr).toBe(0);

    expect(run.emulator.snapshot()).toEqual(reference.snapshot);
    const final = await readReport(join(dir, 'final.json'));
    expect(final.counts).toEqual(reference.report.counts);
    expect(final.skipped).toEqual(reference.report.skipped);
    expect(final.deadLetters).toEqual(reference.report.deadLetters);
    // The dead-letter file holds each dead letter once, however often the run was killed.
    const deadLetters = (await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8')).trim().split('\n').filter(Boolean);
    expect(deadLetters).toHaveLength(final.counts.deadLettered);
    expectOnlyVersion(run.emulator, apiVersion);
  });
});

describe('signals and pauses', () => {
  it('finishes in-flight requests on SIGTERM, saves the checkpoint and exits 130; the next run completes', async () => {
    const apiVersion: ApiVersion = '2026-09';
    const run = await live({ faults: { latencyMs: 150 } }, apiVersion);
    const { child, done } = run.start([small, '--quiet', '--concurrency', '1']);
    // Mid-delivery: once the first contacts have gone out.
    await waitForRequest(run.emulator, 0, (r) => r.path.endsWith('/contacts/batch/upsert'));
    child.kill('SIGTERM');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('checkpoint');
    const checkpoint = JSON.parse(await readFile(join(run.stateDir, 'checkpoint.json'), 'utf8')) as { status: string };
    expect(checkpoint.status).toBe('interrupted');

    const dir = await tempDir();
    const resumed = await run.replay([small, '--report', join(dir, 'report.json')]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(run.emulator.snapshot()).toEqual(smallReference.snapshot);
    expect((await readReport(join(dir, 'report.json'))).counts).toEqual(smallReference.report.counts);
    expectOnlyVersion(run.emulator, apiVersion);
  });

  it('pauses with exit 75 when the daily budget is spent, and the next runs finish the rest', async () => {
    const apiVersion: ApiVersion = '2026-03';
    const run = await live({ timeScale: 0.1 }, apiVersion);
    const dir = await tempDir();
    const codes: number[] = [];
    // Each run spends part of its budget on start-up reads and on what the last pause left
    // unsettled; the rest must cover the oldest record's needs, a new company's being the
    // most: the key property, a search by domain and by other domains, the upsert.
    for (let i = 0; i < 12; i++) {
      // Each run is the next UTC day's: the limit counts every run of a day (test/e2e/cron.test.ts).
      await rm(join(run.stateDir, 'daily.json'), { force: true });
      const result = await run.replay([small, '--daily-limit', '14', '--quiet', '--report', join(dir, 'report.json')]);
      codes.push(result.code ?? -1);
      if (result.code !== 75) break;
      expect(result.stderr).toContain('daily');
      expect((await readReport(join(dir, 'report.json'))).status).toBe('paused');
    }
    expect(codes[0]).toBe(75);
    expect(codes.at(-1)).toBe(0);
    expect(run.emulator.snapshot()).toEqual(smallReference.snapshot);
    expect((await readReport(join(dir, 'report.json'))).counts).toEqual(smallReference.report.counts);
    expectOnlyVersion(run.emulator, apiVersion);
  });
});

describe('the daily reserve', () => {
  it("pauses when HubSpot's daily remaining falls to the reserve", async () => {
    const run = await live({ rateLimit: { daily: 12 } });
    const result = await run.replay([small, '--daily-reserve', '50%', '--quiet']);
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(/reserve/);
    expect(run.emulator.stats().dailyUsed).toBeLessThanOrEqual(12);
    expect(run.emulator.stats().rateLimitedByPolicy.DAILY ?? 0).toBe(0);
  });
});

describe('the lock', () => {
  it('turns a second run away with exit 3 naming the holder; after kill -9 of the first a new run takes over', async () => {
    const run = await live({ faults: { latencyMs: 300 } });
    const first = run.start([input, '--quiet', '--rate', '10']);
    const lock = join(run.stateDir, 'lock');
    for (let i = 0; i < 100 && !existsSync(lock); i++) await sleep(50);
    expect(existsSync(lock)).toBe(true);

    const second = await run.replay([input, '--quiet']);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(String(first.child.pid));

    first.child.kill('SIGKILL');
    await first.done;
    // The latency only kept the first run holding the lock; the run that takes over need not wait on it.
    run.emulator.setFaults({});
    const third = await run.replay([input, '--quiet']);
    expect(third.code, third.stderr).toBe(0);
    expect(run.emulator.snapshot()).toEqual(reference.snapshot);
  });
});

describe('checkpoint safety', () => {
  it('continues a paused input that grew since the checkpoint (changed ones: test/e2e/cron.test.ts)', async () => {
    const run = await live();
    const dir = await tempDir();
    const copy = await writeNdjson(dir, 'copy.ndjson', mixedCalls(20));
    expect((await run.replay([copy, '--daily-limit', '3', '--quiet'])).code).toBe(75);
    await appendFile(copy, JSON.stringify({ type: 'identify', userId: 'late', traits: { email: 'late@example.com' } }) + '\n');
    const grown = await run.replay([copy, '--quiet']);
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.stderr).not.toContain('changed since the checkpoint');
    expect(run.emulator.snapshot().contacts['late@example.com']).toBeDefined();
  });

  it('skips inputs a completed run finished (the nightly cron case) and reads new ones', async () => {
    const run = await live();
    const dir = await tempDir();
    const day1 = await writeNdjson(dir, 'day1.ndjson', mixedCalls(10, { prefix: 'a' }));
    expect((await run.replay([dir, '--quiet'])).code).toBe(0);
    const upsertsAfterDay1 = run.emulator.stats().requests.byEndpoint['POST /crm/objects/2026-03/contacts/batch/upsert'] ?? 0;
    await writeNdjson(dir, 'day2.ndjson', mixedCalls(10, { prefix: 'b' }));
    const report = join(await tempDir(), 'report.json');
    expect((await run.replay([dir, '--quiet', '--report', report])).code).toBe(0);
    expect((await readReport(report)).counts.read).toBe(21); // day 2 only
    expect(run.emulator.stats().requests.byEndpoint['POST /crm/objects/2026-03/contacts/batch/upsert']).toBe(upsertsAfterDay1 + 1);
    // The state directory knows both inputs as finished: day 1 from the first run, unread since.
    const status = JSON.parse((await runCli(['status', '--state-dir', run.stateDir, '--format', 'json'])).stdout) as { inputs: Array<{ path: string; done: boolean }> };
    expect(status.inputs.map((i) => [i.path, i.done]).sort()).toEqual([[day1, true], [join(dir, 'day2.ndjson'), true]]);
  });

  it('status shows each input, the counts and the last run', async () => {
    const run = await live();
    expect((await run.replay([small, '--daily-limit', '4', '--quiet'])).code).toBe(75);
    const text = await runCli(['status', '--state-dir', run.stateDir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('paused');
    expect(text.stdout).toContain('export.ndjson');
    expect(text.stdout).toMatch(/Records: read \d+/);
    // Paused while sending the fold: the input is read whole, what is left is to send.
    expect(text.stdout).toContain('phase 3 (sending the fold');
    const json = await runCli(['status', '--state-dir', run.stateDir, '--format', 'json']);
    const status = JSON.parse(json.stdout) as { lastRun: { status: string; phase?: string }; inputs: Array<{ path: string; percent: number; done: boolean }> };
    expect(status.lastRun).toMatchObject({ status: 'paused', phase: 'sending' });
    expect(status.inputs[0]!.path).toBe(small);
    expect(status.inputs[0]!.done).toBe(true);
  });
});
