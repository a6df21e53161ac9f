// A full disk never hangs a run: whichever write fails (checkpoint, state database,
// dead-letter file, company memory, catalog cache, report), at whichever moment, the run
// sends nothing new, exits 75 with one line naming the path and the cause, and the same
// command, once there is space again, ends exactly where one uninterrupted run ends.
// Writes fail for real where the machine allows it (a 1 MiB tmpfs that fills mid-run,
// /dev/full); everywhere, the test setting HUBSPOT_SYNC_FAIL_WRITE makes a chosen write
// fail as a full disk would (src/state/writeFaults.ts), and HUBSPOT_SYNC_STOP_GRACE_MS
// shrinks the 30 s a stopped run may take, so a run that would wait forever is caught by
// the test's own timeout, not by a clock.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import type { EmulatorSnapshot } from '../emulator/index.js';
import { tempDir } from '../support/cli.js';
import { mixedCalls, type Call } from '../support/corpus.js';
import { liveRun, waitForRequest, type LiveRun } from '../support/emulatorRun.js';

const STACK_TRACE = /\n\s+at .+\(|\n\s+at file:|unexpected error/;
const FAST_STOP = { HUBSPOT_SYNC_STOP_GRACE_MS: '1500' };
/** What the 1 MiB filesystem leaves free for the state directory. */
const ROOM_KIB = 160;
/**
 * HubSpot's times at a quarter (checkpoints every 500 ms, back-offs, search lag), and each
 * request taking this long, one at a time: a run still lasts several checkpoints.
 */
const TIME_SCALE = 0.25;
const LATENCY_MS = 75;

const open: LiveRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map(closeAndRemove));
});

/** Stops the stand-in and removes the run's temporary folder (its state directory's parent). */
async function closeAndRemove(run: LiveRun): Promise<void> {
  await run.close();
  await rm(dirname(run.stateDir), { recursive: true, force: true });
}

/** A stand-in for one concurrent test, closed when it ends. */
async function withRun(test: (run: LiveRun) => Promise<void>): Promise<void> {
  const run = await liveRun({ timeScale: TIME_SCALE, faults: { latencyMs: LATENCY_MS } });
  try {
    await test(run);
  } finally {
    await closeAndRemove(run);
  }
}

/** One request at a time, each taking a while: a run lasts several checkpoints. */
async function slowLive(): Promise<LiveRun> {
  const run = await liveRun({ timeScale: TIME_SCALE, faults: { latencyMs: LATENCY_MS } });
  open.push(run);
  return run;
}

/** Identifies, tracks and groups, with a dead letter every few records (bad emails, a broken line). */
function exportCalls(): string[] {
  const lines: string[] = [];
  mixedCalls(400).forEach((call: Call, i) => {
    lines.push(JSON.stringify(call));
    if (i % 6 === 0) lines.push(JSON.stringify({ type: 'identify', messageId: `bad-${i}`, userId: `bad-${i}`, traits: { email: `not-an-email-${i}`, note: 'x'.repeat(200) } }));
    if (i % 97 === 0) lines.push(`{"type":"track","messageId":"broken-${i}"`);
  });
  return lines;
}

interface Reference {
  snapshot: EmulatorSnapshot;
  report: RunReport;
  deadLetters: string;
  requests: number;
}

let dir: string;
let input: string;
let reference: Reference;

beforeAll(async () => {
  dir = await tempDir();
  input = join(dir, 'export.ndjson');
  await writeFile(input, exportCalls().join('\n') + '\n');
  const run = await liveRun({ timeScale: TIME_SCALE, faults: { latencyMs: LATENCY_MS } });
  const result = await run.replay([input, '--concurrency', '1', '--report', join(dir, 'reference.json')]);
  expect(result.code, result.stderr).toBe(0);
  reference = {
    snapshot: run.emulator.snapshot(),
    report: JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as RunReport,
    deadLetters: await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8'),
    requests: run.emulator.requests().length,
  };
  await closeAndRemove(run);
  expect(reference.report.counts.deadLettered).toBeGreaterThan(60);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The same command again, with space: it must end exactly as the uninterrupted run did. */
async function expectExactResume(run: LiveRun, stateDir = run.stateDir, extra: readonly string[] = []): Promise<void> {
  const report = join(dir, `resumed-${Math.random().toString(36).slice(2)}.json`);
  const resumed = await run.replay([input, '--concurrency', '1', '--report', report, ...extra]);
  expect(resumed.code, resumed.stderr).toBe(0);
  const final = JSON.parse(await readFile(report, 'utf8')) as RunReport;
  expect(final.counts).toEqual(reference.report.counts);
  expect(final.skipped).toEqual(reference.report.skipped);
  expect(final.deadLetters).toEqual(reference.report.deadLetters);
  expect(run.emulator.snapshot()).toEqual(reference.snapshot);
  // Every dead letter exactly once, in input order: the file is the uninterrupted run's.
  expect(await readFile(join(stateDir, 'dead-letter.ndjson'), 'utf8')).toEqual(reference.deadLetters);
}

/** Exit 75 and one line naming the path and the cause; no stack trace, no retry. */
function expectWriteFailure(result: { code: number | null; stderr: string }, path: string): void {
  expect(result.code, result.stderr).toBe(75);
  expect(result.stderr).not.toMatch(STACK_TRACE);
  const lines = result.stderr.split('\n').filter((line) => line.includes('for ' + path));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/no (space left on device|answer from the disk in time) for \S+: nothing is lost; free space \(or fix the disk\), then run the same command again to resume\.$/);
  expect(result.stderr).not.toMatch(/will try again/);
  // The failure's own line says what to do; the summary does not add "run again later".
  expect(result.stderr).not.toMatch(/The checkpoint is saved/);
}

describe('a write that fails (HUBSPOT_SYNC_FAIL_WRITE), at several moments of a run', () => {
  // Concurrent: each case has its own stand-in and state directory, and mostly waits on
  // the stand-in's latency.
  it.concurrent.each([
    ['the checkpoint before the first record', 'checkpoint@1', 'checkpoint.json', 'part-way'],
    ['a checkpoint part-way through', 'checkpoint@2', 'checkpoint.json', 'part-way'],
    ['a later checkpoint (part-way or the last)', 'checkpoint@3', 'checkpoint.json', 'any'],
    ['the state database, part-way through', 'state@2', 'state.sqlite', 'part-way'],
    ['the dead-letter file, part-way through', 'dead-letters@2', 'dead-letter.ndjson', 'part-way'],
    ['the company memory', 'companies@1', 'companies.json', 'part-way'],
    ['the catalog cache, at start-up', 'catalog@1', 'catalog.json', 'part-way'],
  ])('%s (%s): exit 75 at once, then the same command resumes exactly', async (_moment, setting, file, when) => {
    await withRun(async (run) => {
      const failed = await run.replay([input, '--concurrency', '1'], { env: { HUBSPOT_SYNC_FAIL_WRITE: setting, ...FAST_STOP } });
      expectWriteFailure(failed, join(run.stateDir, file));
      // It stopped: it did not go on sending what the uninterrupted run sent.
      if (when === 'part-way') expect(run.emulator.requests().length).toBeLessThan(reference.requests);
      expect(existsSync(join(run.stateDir, 'lock'))).toBe(false);
      const checkpoint = JSON.parse(await readFile(join(run.stateDir, 'checkpoint.json'), 'utf8').catch(() => '{"status":"none"}')) as { status: string };
      // The checkpoint left is one written whole before the failure: never one after it.
      expect(['running', 'none']).toContain(checkpoint.status);
      await expectExactResume(run);
    });
  });

  it.concurrent('a checkpoint write the disk never answers, then SIGTERM: the run ends within the grace, exit 75, and resumes exactly', async () => {
    await withRun(async (run) => {
      // The moment that hung: a checkpoint write that does not finish (here the one taken
      // before the first record, so nothing is sent while it waits).
      const { child, done } = run.start([input, '--concurrency', '1'], { env: { HUBSPOT_SYNC_FAIL_WRITE: 'checkpoint@1:hang', ...FAST_STOP } });
      // The portal is read (3 requests), then the checkpoint is written; the pause lets
      // the run reach it (if the signal comes sooner, the run must end all the same).
      await waitForRequest(run.emulator, 2);
      await sleep(300);
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      const ended = await done;
      expectWriteFailure(ended, join(run.stateDir, 'checkpoint.json'));
      expect(run.emulator.requests()).toHaveLength(3);
      await expectExactResume(run);
    });
  });

  it.concurrent('a later checkpoint that never finishes (during start-up, part-way or the last): the run ends by itself within the grace, exit 75', async () => {
    await withRun(async (run) => {
      const failed = await run.replay([input, '--concurrency', '1'], { env: { HUBSPOT_SYNC_FAIL_WRITE: 'checkpoint@2:hang', ...FAST_STOP } });
      expectWriteFailure(failed, join(run.stateDir, 'checkpoint.json'));
      expect(failed.stderr).toMatch(/no answer from the disk in time/);
      await expectExactResume(run);
    });
  });

  it.concurrent('a dead-letter write the disk never answers: the run ends by itself within the grace of its last checkpoint, exit 75', async () => {
    await withRun(async (run) => {
      const failed = await run.replay([input, '--concurrency', '1'], { env: { HUBSPOT_SYNC_FAIL_WRITE: 'dead-letters@2:hang', ...FAST_STOP } });
      // Whichever write comes next fails (the disk stays full), or the last checkpoint, which
      // first makes the dead letters durable, gets no answer in time.
      expect(failed.stderr).toMatch(/(no space left on device for \S+dead-letter\.ndjson|no answer from the disk in time for \S+checkpoint\.json)/);
      expectWriteFailure(failed, run.stateDir);
      await expectExactResume(run);
    });
  });

  it.concurrent('the report: the run completes, the summary is printed, exit 75 names the report; run again, exit 0', async () => {
    await withRun(async (run) => {
      const report = join(dir, 'report-fails.json');
      const failed = await run.replay([input, '--concurrency', '1', '--report', report], { env: { HUBSPOT_SYNC_FAIL_WRITE: 'report@1' } });
      expect(failed.code, failed.stderr).toBe(75);
      expect(failed.stderr).not.toMatch(STACK_TRACE);
      expect(failed.stderr).toMatch(/^Replay completed in /m);
      expect(failed.stderr.trimEnd().split('\n').at(-1)).toBe(`hubspot-sync: no space left on device for ${report}: nothing is lost; free space (or fix the disk), then run the same command again to resume.`);
      expect(run.emulator.snapshot()).toEqual(reference.snapshot);
      const again = await run.replay([input, '--concurrency', '1', '--report', report]);
      expect(again.code, again.stderr).toBe(0);
      expect((JSON.parse(await readFile(report, 'utf8')) as RunReport).status).toBe('completed');
    });
  });

  it.concurrent('a signal while a request never answers: exit 130 within the grace, checkpoint saved whole; the next run completes exactly', async () => {
    await withRun(async (run) => {
      const since = run.emulator.requests().length;
      const { child, done } = run.start([input, '--concurrency', '1'], { env: FAST_STOP });
      await waitForRequest(run.emulator, since + 6);
      // Every answer from now on takes ten minutes. The request log only shows answered
      // requests, so a short pause lets the next one arrive (if the signal comes first,
      // the run still must end at once; the test then proves a little less).
      run.emulator.setFaults({ latencyMs: 600_000 });
      await sleep(300);
      child.kill('SIGTERM');
      const ended = await done;
      expect(ended.code, ended.stderr).toBe(130);
      expect(ended.stderr).not.toMatch(STACK_TRACE);
      const checkpoint = JSON.parse(await readFile(join(run.stateDir, 'checkpoint.json'), 'utf8')) as { status: string };
      expect(checkpoint.status).toBe('interrupted');
      run.emulator.setFaults({ latencyMs: LATENCY_MS });
      await expectExactResume(run);
    });
  });
});

describe('writes that fail for real', () => {
  it('--dead-letter /dev/full: exit 75 naming it, no stack trace, nothing more sent after the failure', async () => {
    const run = await slowLive();
    const failed = await run.replay([input, '--concurrency', '1', '--dead-letter', '/dev/full'], { env: FAST_STOP });
    expectWriteFailure(failed, '/dev/full');
    expect(run.emulator.requests().length).toBeLessThan(reference.requests);
  });

  it('a 1 MiB filesystem that fills mid-run (tmpfs where mounting is allowed; else the state database made to fail): exit 75, then the same command resumes exactly once space is freed', async () => {
    const run = await slowLive();
    const folder = await tempDir();
    const mountPoint = join(folder, 'small');
    await mkdir(mountPoint);
    const mounted = tryMount(mountPoint, 'size=1m');
    try {
      const stateDir = join(mountPoint, 'state');
      // The run's state takes about 110 KiB once started (the catalog cache written beside
      // its temporary copy, the database and its log) and 190 KiB at its end: the filler
      // leaves room for the start, not for the end, so a write fails part-way.
      if (mounted) await writeFile(join(mountPoint, 'filler'), Buffer.alloc(1024 * 1024 - ROOM_KIB * 1024));
      const env = mounted ? FAST_STOP : { HUBSPOT_SYNC_FAIL_WRITE: 'state@2', ...FAST_STOP };
      const args = [input, '--concurrency', '1', '--state-dir', stateDir];
      const failed = await run.replay(args, { env });
      expect(failed.code, failed.stderr).toBe(75);
      expect(failed.stderr).not.toMatch(STACK_TRACE);
      const line = failed.stderr.split('\n').filter((l) => /no space left on device for /.test(l));
      expect(line, failed.stderr).toHaveLength(1);
      expect(line[0]).toContain(stateDir);
      expect(run.emulator.requests().length).toBeLessThan(reference.requests);
      // Part-way: past the start-up requests (account, catalog, definitions), or while
      // folding the export (the fold is what a compacted run writes most).
      if (mounted) expect(run.emulator.requests().length > 3 || line[0]!.includes('fold.sqlite'), failed.stderr).toBe(true);
      if (mounted) await rm(join(mountPoint, 'filler'));
      await expectExactResume(run, stateDir, ['--state-dir', stateDir]);
    } finally {
      if (mounted) execFileSync('umount', [mountPoint]);
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('a state directory that exists but cannot be written', () => {
  it('is a usage error before anything is sent: exit 2, naming the directory and the cause', async () => {
    const run = await slowLive();
    const folder = await tempDir();
    const stateDir = join(folder, 'readonly-state');
    await mkdir(stateDir);
    const undo = makeUnwritable(stateDir);
    try {
      const result = await run.replay([input, '--state-dir', stateDir]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(result.stderr.trim()).toMatch(new RegExp(`^hubspot-sync: --state-dir ${stateDir} exists but cannot be written \\((read-only file system, EROFS|permission denied, EACCES|operation not permitted, EPERM)\\)`));
      expect(run.emulator.requests()).toHaveLength(0);
    } finally {
      undo();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

/** Mounts a tmpfs at `dir` with `options`; false where this machine does not allow mounting. */
function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `dir` unwritable for this process whoever it is: a read-only mount where mounting
 * is allowed (root ignores permission bits), else permission bits (enough for anyone
 * but root), else the immutable attribute. Returns how to undo it.
 */
function makeUnwritable(dir: string): () => void {
  if (tryMount(dir, 'ro,size=64k')) return () => execFileSync('umount', [dir]);
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['0500', dir]);
    return () => execFileSync('chmod', ['0700', dir]);
  }
  execFileSync('chattr', ['+i', dir]);
  return () => execFileSync('chattr', ['-i', dir]);
}
