// Cron runs against two stand-in portals (a sandbox and a production account, with their
// own hub IDs, tokens and id ranges): a state directory belongs to one portal, what it
// delivered is never sent twice, and a changed file never blocks a night.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli, startCli, tempDir, type CliResult } from '../support/cli.js';
import { mixedCalls, writeNdjson, type Call } from '../support/corpus.js';
import { waitForRequest } from '../support/emulatorRun.js';

const SANDBOX = { portalId: 111_111, token: 'pat-sandbox-1111', idOffset: 0 };
const PRODUCTION = { portalId: 222_222, token: 'pat-production-2222', idOffset: 700_000_000 };

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function portal(which: typeof SANDBOX): Promise<Emulator> {
  const emulator = await startEmulator({ ...which, searchLagMs: 0 });
  open.push(emulator);
  return emulator;
}

function envOf(emulator: Emulator): Record<string, string> {
  return { HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url };
}

function replay(emulator: Emulator, stateDir: string, args: readonly string[]): Promise<CliResult> {
  return runCli(['replay', '--state-dir', stateDir, '--quiet', ...args], { env: envOf(emulator) });
}

async function report(path: string): Promise<RunReport> {
  return JSON.parse(await readFile(path, 'utf8')) as RunReport;
}

async function status(stateDir: string): Promise<{ hubId: number | null; lastRun: { status: string } }> {
  const run = await runCli(['status', '--state-dir', stateDir, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { hubId: number | null; lastRun: { status: string } };
}

/** Requests other than reading the account (which every run makes to learn its portal). */
function writesTo(emulator: Emulator): number {
  return emulator.requests().filter((r) => !r.path.startsWith('/account-info/')).length;
}

describe('a state directory belongs to one portal', () => {
  it('refuses production after the sandbox, sends nothing, and --fresh delivers everything with none of the sandbox ids', async () => {
    const dir = await tempDir();
    const calls = mixedCalls(40);
    const input = await writeNdjson(dir, 'events.ndjson', [...calls, { type: 'identify', messageId: 'bad-1', traits: {} }]);
    const stateDir = join(dir, 'state');
    const sandbox = await portal(SANDBOX);
    const production = await portal(PRODUCTION);

    const first = await replay(sandbox, stateDir, [input]);
    expect(first.code, first.stderr).toBe(0);
    expect((await status(stateDir)).hubId).toBe(SANDBOX.portalId);
    const deadLetters = await readFile(join(stateDir, 'dead-letter.ndjson'), 'utf8');
    expect(deadLetters).toContain('bad-1');

    const refused = await replay(production, stateDir, [input, '--report', join(dir, 'refused.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(String(SANDBOX.portalId));
    expect(refused.stderr).toContain(String(PRODUCTION.portalId));
    expect(refused.stderr).toContain('--state-dir');
    expect(refused.stderr).toContain('--fresh');
    expect(refused.stderr).not.toContain('    at ');
    expect(writesTo(production)).toBe(0);
    expect(Object.keys(production.snapshot().contacts)).toHaveLength(0);
    expect((await status(stateDir)).lastRun.status).toBe('refused');
    expect((await status(stateDir)).hubId).toBe(SANDBOX.portalId);

    // The dry run and diff are refused alike, with the token or with --hub-id alone.
    const dry = await replay(production, stateDir, [input, '--dry-run', '--out', join(dir, 'ops.ndjson')]);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain(String(SANDBOX.portalId));
    const dryOffline = await runCli(['replay', input, '--dry-run', '--hub-id', String(PRODUCTION.portalId), '--state-dir', stateDir, '--out', join(dir, 'ops.ndjson')]);
    expect(dryOffline.code).toBe(2);
    const diff = await runCli(['diff', input, '--state-dir', stateDir], { env: envOf(production) });
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain(String(PRODUCTION.portalId));
    expect(writesTo(production)).toBe(0);
    // A dry run with --fresh reads nothing of the other portal's directory and binds nothing.
    const dryFresh = await replay(production, stateDir, [input, '--dry-run', '--fresh', '--out', join(dir, 'ops.ndjson'), '--report', join(dir, 'dry-fresh.json')]);
    expect(dryFresh.code, dryFresh.stderr).toBe(0);
    expect((await report(join(dir, 'dry-fresh.json'))).skipped.delivered).toBe(0);
    expect((await status(stateDir)).hubId).toBe(SANDBOX.portalId);

    // (The dry runs read the portal too, for their request plan: only the live run's requests are compared below.)
    const sinceFresh = production.requests().length;
    const fresh = await replay(production, stateDir, [input, '--fresh', '--report', join(dir, 'fresh.json')]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain(`now belongs to hub ID ${PRODUCTION.portalId}`);
    expect((await report(join(dir, 'fresh.json'))).counts.read).toBe(calls.length + 1);
    expect((await status(stateDir)).hubId).toBe(PRODUCTION.portalId);
    // Production holds exactly what one run into an empty production portal leaves:
    // no company updated by a sandbox id, no association to one.
    const reference = await portal(PRODUCTION);
    const alone = await replay(reference, join(dir, 'reference-state'), [input]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(production.snapshot()).toEqual(reference.snapshot());
    const refusals = (e: Emulator, since = 0) => e.requests().slice(since).filter((r) => r.status >= 400 && !r.path.startsWith('/account-info/'));
    expect(refusals(production, sinceFresh)).toEqual(refusals(reference));
    // The dead-letter file is kept (and the bad record dead-lettered again after it).
    const after = await readFile(join(stateDir, 'dead-letter.ndjson'), 'utf8');
    expect(after.startsWith(deadLetters)).toBe(true);
  });

  it('adopts a directory written before portals were recorded, with one notice', async () => {
    const dir = await tempDir();
    const input = await writeNdjson(dir, 'events.ndjson', mixedCalls(5));
    const stateDir = join(dir, 'state');
    const sandbox = await portal(SANDBOX);
    const production = await portal(PRODUCTION);
    expect((await replay(sandbox, stateDir, [input])).code).toBe(0);
    await rm(join(stateDir, 'portal.json')); // as an older version left it
    expect((await status(stateDir)).hubId).toBeNull();

    const adopted = await replay(sandbox, stateDir, [input]);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stderr.match(/written before state directories were bound/g)).toHaveLength(1);
    expect((await status(stateDir)).hubId).toBe(SANDBOX.portalId);
    const again = await replay(sandbox, stateDir, [input]);
    expect(again.stderr).not.toContain('written before');
    expect((await replay(production, stateDir, [input])).code).toBe(2);
  });

  it('refuses a --hub-id that is not the token\'s portal, naming both, before sending anything', async () => {
    const dir = await tempDir();
    const input = await writeNdjson(dir, 'events.ndjson', mixedCalls(5));
    const production = await portal(PRODUCTION);
    const run = await replay(production, join(dir, 'state'), [input, '--hub-id', String(SANDBOX.portalId)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${SANDBOX.portalId}`);
    expect(run.stderr).toContain(`${PRODUCTION.portalId}`);
    expect(writesTo(production)).toBe(0);
    expect(existsSync(join(dir, 'state', 'portal.json'))).toBe(false);
  });
});

/** Night 1 replays the first two thirds of the history; night 2 a cumulative re-export of all of it. */
async function twoNights(users: number): Promise<{ dir: string; calls: Call[]; night1: string; night2: string; overlap: number }> {
  const dir = await tempDir();
  const calls = mixedCalls(users);
  const overlap = Math.floor((calls.length * 2) / 3);
  const night1 = await writeNdjson(dir, 'export-night1.ndjson', calls.slice(0, overlap));
  const night2 = await writeNdjson(dir, 'export-night2.ndjson', calls);
  return { dir, calls, night1, night2, overlap };
}

describe('what a state directory delivered is never sent twice', () => {
  it('skips the overlap of two nightly exports as delivered, and sends only what is new', async () => {
    const { dir, calls, night1, night2, overlap } = await twoNights(60);
    const production = await portal(PRODUCTION);
    const stateDir = join(dir, 'state');
    expect((await replay(production, stateDir, [night1])).code).toBe(0);

    // A dry run says what the live night would skip.
    const dry = await replay(production, stateDir, [night2, '--dry-run', '--out', join(dir, 'ops.ndjson'), '--report', join(dir, 'dry.json')]);
    expect(dry.code, dry.stderr).toBe(0);
    expect((await report(join(dir, 'dry.json'))).skipped.delivered).toBe(overlap);
    const diff = await runCli(['diff', night2, '--state-dir', stateDir], { env: envOf(production) });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain(`not compared: ${overlap} records delivered by earlier runs of this state directory`);

    const before = production.stats().requests.total;
    const second = await replay(production, stateDir, [night2, '--report', join(dir, 'night2.json')]);
    expect(second.code, second.stderr).toBe(0);
    const night2Report = await report(join(dir, 'night2.json'));
    expect(night2Report.skipped.delivered).toBe(overlap);
    expect(night2Report.counts.delivered).toBe(calls.length - overlap);

    // Exactly what one run of the whole history leaves.
    const reference = await portal(PRODUCTION);
    expect((await replay(reference, join(dir, 'reference-state'), [night2, '--report', join(dir, 'reference.json')])).code).toBe(0);
    expect(production.snapshot()).toEqual(reference.snapshot());
    expect(production.stats().requests.total - before).toBeLessThan((await report(join(dir, 'reference.json'))).requests.total);

    // --resend ignores the memory for one run; the next run skips again. (Each night's
    // export is a new file: a finished input is not opened again.)
    const night = (n: number) => writeNdjson(dir, `export-night${n}.ndjson`, calls);
    const resent = await replay(production, stateDir, [await night(3), '--resend', '--report', join(dir, 'resend.json')]);
    expect(resent.code).toBe(0);
    expect((await report(join(dir, 'resend.json'))).skipped.delivered).toBe(0);
    expect((await report(join(dir, 'resend.json'))).counts.delivered).toBe(calls.length);
    await replay(production, stateDir, [await night(4), '--report', join(dir, 'after.json')]);
    expect((await report(join(dir, 'after.json'))).skipped.delivered).toBe(calls.length);

    // --fresh forgets it.
    await replay(production, stateDir, [await night(5), '--fresh', '--report', join(dir, 'fresh.json')]);
    expect((await report(join(dir, 'fresh.json'))).skipped.delivered).toBe(0);
  });

  it('remembers only delivered records, and always processes a dead-letter file', async () => {
    const dir = await tempDir();
    const calls = mixedCalls(10);
    const input = await writeNdjson(dir, 'events.ndjson', calls);
    const production = await portal(PRODUCTION);
    const stateDir = join(dir, 'state');
    // Night 1 delivers only the identifies: the tracks and groups are filtered.
    expect((await replay(production, stateDir, [input, '--types', 'identify'])).code).toBe(0);
    const identifies = calls.filter((c) => c.type === 'identify').length;
    const again = await writeNdjson(dir, 'events-again.ndjson', calls); // the next night's export
    const second = await replay(production, stateDir, [again, '--report', join(dir, 'second.json')]);
    expect(second.code, second.stderr).toBe(0);
    const secondReport = await report(join(dir, 'second.json'));
    expect(secondReport.skipped.delivered).toBe(identifies);
    expect(secondReport.counts.delivered).toBe(calls.length - identifies);

    // A dead-letter file wrapping a delivered record sends it again.
    const wrapped = await writeNdjson(dir, 'replayed.ndjson', [{ code: 'HUBSPOT_REJECTED', reason: 'was refused', source: { file: input, line: 1 }, event: calls[0] }]);
    const replayed = await replay(production, stateDir, [wrapped, '--report', join(dir, 'replayed.json')]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect((await report(join(dir, 'replayed.json'))).counts.delivered).toBe(1);
  });

  it('stays exact when the second night is killed and resumed', async () => {
    const { dir, calls, night1, night2, overlap } = await twoNights(400);
    const production = await portal(PRODUCTION);
    const stateDir = join(dir, 'state');
    expect((await replay(production, stateDir, [night1, '--rate', '1000'])).code).toBe(0);

    const since = production.requests().length;
    const { child, done } = startCli(['replay', night2, '--state-dir', stateDir, '--quiet', '--rate', '5', '--concurrency', '1'], { env: envOf(production) });
    await waitForRequest(production, since, (r) => r.path.includes('/batch/'));
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect((await status(stateDir)).lastRun.status).toBe('interrupted');

    const resumed = await replay(production, stateDir, [night2, '--rate', '1000', '--report', join(dir, 'resumed.json')]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedReport = await report(join(dir, 'resumed.json'));
    expect(resumedReport.counts.read).toBe(calls.length);
    expect(resumedReport.skipped.delivered).toBe(overlap);
    expect(resumedReport.counts.delivered).toBe(calls.length - overlap);
    expect((await status(stateDir)).lastRun.status).toBe('completed');

    const reference = await portal(PRODUCTION);
    expect((await replay(reference, join(dir, 'reference-state'), [night2, '--rate', '1000'])).code).toBe(0);
    expect(production.snapshot()).toEqual(reference.snapshot());
  });
});

describe('a changed file never blocks a night', () => {
  it('reads a repaired file again from its start, skipping what it delivered, and goes on with the others', async () => {
    const dir = await tempDir();
    const calls = mixedCalls(30);
    const layout = join(dir, 'exports');
    await mkdir(join(layout, 'day1'), { recursive: true });
    const part = await writeNdjson(join(layout, 'day1'), 'part-000.ndjson', calls.slice(0, 40));
    const production = await portal(PRODUCTION);
    const stateDir = join(dir, 'state');
    expect((await replay(production, stateDir, [layout])).code).toBe(0);

    // Day 1 is repaired (a record added at its start), day 2 arrives.
    const repaired: Call = { type: 'identify', messageId: 'late-1', userId: 'late', traits: { email: 'late@example.com' } };
    await writeNdjson(join(layout, 'day1'), 'part-000.ndjson', [repaired, ...calls.slice(0, 40)]);
    await mkdir(join(layout, 'day2'));
    await writeNdjson(join(layout, 'day2'), 'part-000.ndjson', calls.slice(40));
    const night = await replay(production, stateDir, [layout, '--report', join(dir, 'night2.json')]);
    expect(night.code, night.stderr).toBe(0);
    expect(night.stderr).toContain(`${part} changed since the checkpoint`);
    const nightReport = await report(join(dir, 'night2.json'));
    expect(nightReport.skipped.delivered).toBe(40);
    expect(nightReport.counts.delivered).toBe(1 + calls.length - 40);
    expect(production.snapshot().contacts['late@example.com']).toBeDefined();
  });

  it('continues a file that only grew from its watermark', async () => {
    const dir = await tempDir();
    const calls = mixedCalls(20);
    const input = await writeNdjson(dir, 'growing.ndjson', calls.slice(0, 20));
    const production = await portal(PRODUCTION);
    const stateDir = join(dir, 'state');
    expect((await replay(production, stateDir, [input])).code).toBe(0);
    await appendFile(input, calls.slice(20).map((c) => JSON.stringify(c)).join('\n') + '\n');
    const grown = await replay(production, stateDir, [input, '--report', join(dir, 'grown.json')]);
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.stderr).not.toContain('changed since the checkpoint');
    const grownReport = await report(join(dir, 'grown.json'));
    expect(grownReport.counts.read).toBe(calls.length - 20);
    expect(grownReport.skipped.delivered).toBe(0);
  });
});

describe('--daily-limit over the runs of a UTC day', () => {
  it('is shared by every run of the state directory that day and never exceeded; the next day goes on', async () => {
    const dir = await tempDir();
    const input = await writeNdjson(dir, 'events.ndjson', mixedCalls(300, { groupEvery: 3 }));
    const production = await portal(PRODUCTION);
    const stateDir = join(dir, 'state');
    const first = await replay(production, stateDir, [input, '--daily-limit', '12', '--concurrency', '1']);
    expect(first.code, first.stderr).toBe(75);
    expect(production.stats().requests.total).toBe(12);
    const second = await replay(production, stateDir, [input, '--daily-limit', '12']);
    expect(second.code).toBe(75);
    expect(second.stderr).toContain('earlier runs of this state directory');
    expect(production.stats().requests.total).toBe(12);

    // The next UTC day: the directory's count of the day before no longer applies.
    const daily = JSON.parse(await readFile(join(stateDir, 'daily.json'), 'utf8')) as { day: string; requests: number };
    expect(daily.requests).toBe(12);
    await writeFile(join(stateDir, 'daily.json'), JSON.stringify({ ...daily, day: '2000-01-01' }));
    const nextDay = await replay(production, stateDir, [input, '--daily-limit', '12', '--concurrency', '1']);
    expect([0, 75]).toContain(nextDay.code);
    // Spent again, or done first: a compacted run may need fewer than the day's 12.
    if (nextDay.code === 75) expect(production.stats().requests.total).toBe(24);
    else expect(production.stats().requests.total).toBeLessThanOrEqual(24);
  });
});
