// Every way a run ends is reported, quietly where nothing went wrong: a token revoked
// mid-run, a reader that closes standard output (`| head -1`), HubSpot unreachable, an
// output path that cannot be written, a signal during start-up, and a dead-letter file
// the user moved or replaced between runs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { BIN, cleanEnv, parseLines, runCli, startCli, tempDir } from '../support/cli.js';
import { writeNdjson, type Call } from '../support/corpus.js';
import { testLiveRun, type LiveRun } from '../support/emulatorRun.js';

const live = testLiveRun;

const readReport = async (path: string): Promise<RunReport> => JSON.parse(await readFile(path, 'utf8')) as RunReport;
const identifies = (n: number, prefix = 'u'): Call[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'identify', messageId: `${prefix}-${i}`, traits: { email: `${prefix}${i}@example.com`, firstName: `First ${i}` } }));
const STACK_TRACE = /\n\s+at .+\(|\n\s+at file:/;

/** A 127.0.0.1 port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `command | head -1` through bash: the CLI's own exit status, its standard error, head's line. */
async function pipedToHead(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string; first: string }> {
  const dir = await tempDir();
  const quoted = [BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const script = `"${process.execPath}" ${quoted} 2>"${dir}/stderr" | head -1 > "${dir}/first"; echo "\${PIPESTATUS[0]}" > "${dir}/status"`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: cleanEnv(env), stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return {
    code: Number((await readFile(join(dir, 'status'), 'utf8')).trim()),
    stderr: await readFile(join(dir, 'stderr'), 'utf8'),
    first: (await readFile(join(dir, 'first'), 'utf8')).trim(),
  };
}

let dir: string;
let big: string;
beforeAll(async () => {
  dir = await tempDir();
  big = await writeNdjson(dir, 'big.ndjson', identifies(20_000));
});

describe('a token revoked mid-run', () => {
  it('exits 2 with what to fix, writes the report (failed, counts so far) and the checkpoint; a new token then completes the run', async () => {
    const run = await live();
    const input = await writeNdjson(dir, 'revoked.ndjson', identifies(1500, 'r'));
    const report = join(dir, 'revoked-report.json');
    // Three requests read the portal, five contact batches go through, then HubSpot answers 401.
    run.emulator.setTokens({ revoke: run.emulator.token, afterRequests: 8 });
    // Streamed: the counts so far are each delivered contact (a compacted run counts its
    // folded records once every key is answered, at the end of its sending phase).
    const failed = await run.replay([input, '--report', report, '--concurrency', '1', '--no-compact']);
    expect(failed.code, failed.stderr).toBe(2);
    expect(failed.stderr).toMatch(/HubSpot refused the request \(401 INVALID_AUTHENTICATION\)/);
    expect(failed.stderr).toMatch(/The token is missing, wrong, expired or revoked/);
    expect(failed.stderr).not.toMatch(STACK_TRACE);
    expect(failed.stderr).toMatch(/^Replay failed in /m);

    const first = await readReport(report);
    expect(first.status).toBe('failed');
    expect(first.counts.delivered).toBeGreaterThan(0);
    expect(first.counts.delivered).toBeLessThan(1500);
    expect(first.counts.read).toBe(first.counts.delivered + first.counts.skipped + first.counts.deadLettered);
    // The refused batch is counted as a request; once refused, nothing more is sent.
    expect(first.requests.byEndpoint['POST /crm/objects/2026-03/contacts/batch/upsert']).toBe(6);
    expect(run.emulator.stats().requests.total).toBe(9);
    const checkpoint = JSON.parse(await readFile(join(run.stateDir, 'checkpoint.json'), 'utf8')) as { status: string; tally: { counts: unknown } };
    expect(checkpoint.status).toBe('failed');
    expect(checkpoint.tally.counts).toEqual(first.counts);
    expect(Object.keys(run.emulator.snapshot().contacts)).toHaveLength(first.counts.delivered);

    run.emulator.setTokens({ grant: 'pat-new-token' });
    const resumed = await run.replay([input, '--report', report, '--no-compact'], { env: { HUBSPOT_ACCESS_TOKEN: 'pat-new-token' } });
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = await readReport(report);
    expect(second.status).toBe('completed');
    expect(second.counts).toEqual({ read: 1500, delivered: 1500, skipped: 0, deadLettered: 0 });
    expect(Object.keys(run.emulator.snapshot().contacts)).toHaveLength(1500);
  });
});

describe('standard output closed early (| head -1)', () => {
  it('a dry run ends at once, exit 0, nothing on standard error; its report says it was cut short', async () => {
    const report = join(dir, 'head-report.json');
    const result = await pipedToHead(['replay', big, '--dry-run', '--hub-id', '123456', '--report', report, '--state-dir', join(dir, 'head-state')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.first)).toMatchObject({ op: 'contact.upsert', email: 'u0@example.com', source: { line: 1 } });
    const summary = await readReport(report);
    expect(summary.status).toBe('interrupted');
    // Reading stopped soon after the reader left, long before the end of the input.
    expect(summary.counts.read).toBeLessThan(20_000);
    expect(summary.counts.read).toBe(summary.counts.delivered);
  });

  it.each([['text'], ['json']])('a diff (--format %s) ends quietly with exit 0', async (format) => {
    const run = await live();
    const input = await writeNdjson(dir, `diff-${format}.ndjson`, identifies(3000, `d${format}`));
    const result = await pipedToHead(['diff', input, '--format', format, '--state-dir', join(dir, `diff-state-${format}`)], run.env());
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.first).not.toBe('');
  });
});

describe('HubSpot unreachable', () => {
  let port: number;
  let url: string;
  beforeAll(async () => {
    port = await closedPort();
    url = `http://127.0.0.1:${port}`;
  });
  const env = () => ({ HUBSPOT_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: 'pat-any' });
  const pauseLine = (stderr: string) => stderr.split('\n').filter((l) => l.includes(`127.0.0.1:${port}`));

  it('replay: the documented pause (exit 75), one line naming the host and the cause, the report written', async () => {
    const state = join(dir, 'unreachable-state');
    const report = join(dir, 'unreachable', 'report.json');
    const result = await runCli(['replay', big, '--state-dir', state, '--report', report, '--max-retries', '1'], { env: env() });
    expect(result.code, result.stderr).toBe(75);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    const lines = pauseLine(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`HubSpot at 127\\.0\\.0\\.1:${port} is unavailable .*ECONNREFUSED`));
    expect((await readReport(report)).status).toBe('paused');
    expect(JSON.parse(await readFile(join(state, 'checkpoint.json'), 'utf8'))).toMatchObject({ status: 'paused' });
  });

  it.each<[string, () => string[], number]>([
    ['diff', () => ['diff', big, '--state-dir', join(dir, 'unreachable-diff'), '--max-retries', '1'], 1],
    ['properties pull', () => ['properties', 'pull', '--max-retries', '1'], 1],
    // A dry run is a run: its summary comes first, the pause is its last line.
    ['a dry run reading the portal', () => ['replay', big, '--dry-run', '--state-dir', join(dir, 'unreachable-dry'), '--max-retries', '1'], 8],
  ])('%s: exit 75 and one line naming the host and the cause, no stack trace', async (_name, args, lines) => {
    const result = await runCli(args(), { env: env() });
    expect(result.code, result.stderr).toBe(75);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(pauseLine(result.stderr)).toHaveLength(1);
    expect(pauseLine(result.stderr)[0]).toMatch(/is unavailable .*ECONNREFUSED/);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(lines);
  });
});

describe('output paths are checked before any work', () => {
  it.each([
    ['--report in a folder that is a file', (file: string) => ['--report', join(file, 'report.json')], /--report .*report\.json: its folder .* cannot be created \(EEXIST: a file is in the way\)/],
    ['--dead-letter that is a folder', (_file: string, folder: string) => ['--dead-letter', folder], /--dead-letter .* is a folder; give a file name/],
    ['--state-dir under a file', (file: string) => ['--state-dir', join(file, 'state')], /--state-dir .* cannot be created or used \(ENOTDIR: a file is in the way\)/],
  ])('%s: exit 2 naming the path, nothing sent', async (_name, flags, message) => {
    const run = await live();
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const folder = join(dir, 'a-folder');
    await mkdir(folder, { recursive: true });
    const result = await run.replay([big, ...flags(file, folder)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.emulator.stats().requests.total).toBe(0);
  });

  it('--out of a dry run in a folder under a file: exit 2 before reading anything', async () => {
    const file = join(dir, 'another-file');
    await writeFile(file, 'x');
    const result = await runCli(['replay', big, '--dry-run', '--hub-id', '1', '--out', join(file, 'sub', 'ops.ndjson')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out .*ops\.ndjson: its folder .* cannot be created \(ENOTDIR: a file is in the way\)/);
  });

  it('missing folders are created, as the state directory is', async () => {
    const run = await live();
    const input = await writeNdjson(dir, 'small.ndjson', identifies(3, 's'));
    const report = join(dir, 'new', 'reports', 'r.json');
    const deadLetters = join(dir, 'new', 'dead', 'dl.ndjson');
    const result = await run.replay([input, '--report', report, '--dead-letter', deadLetters]);
    expect(result.code, result.stderr).toBe(0);
    expect((await readReport(report)).status).toBe('completed');
    expect(existsSync(deadLetters)).toBe(true);
  });
});

describe('a signal during start-up', () => {
  it('is handled before the first request: exit 130, report and checkpoint saved', async () => {
    // HubSpot cuts every connection, and the run retries: it is still reading the portal.
    let attempts = 0;
    const server = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const state = join(dir, 'signal-state');
    const report = join(dir, 'signal-report.json');
    const { child, done } = startCli(['replay', big, '--state-dir', state, '--report', report, '--max-retries', '8'], {
      env: { HUBSPOT_BASE_URL: `http://127.0.0.1:${port}`, HUBSPOT_ACCESS_TOKEN: 'pat-any' },
    });
    // The signal comes once the run holds its lock and is retrying its first request.
    for (let polls = 0; !(existsSync(join(state, 'lock')) && attempts >= 2); polls++) {
      if (polls >= 600) throw new Error(`The run took no lock or made no second attempt within 30 s of polling (attempts: ${attempts})`);
      await sleep(50);
    }
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/SIGTERM received/);
    expect((await readReport(report)).status).toBe('interrupted');
    expect(JSON.parse(await readFile(join(state, 'checkpoint.json'), 'utf8'))).toMatchObject({ status: 'interrupted' });
  });
});

describe('the dead-letter file changed between runs', () => {
  const input = async (name: string) =>
    writeNdjson(dir, name, [...Array.from({ length: 5 }, (_, i) => ({ type: 'identify', messageId: `bad-${i}`, traits: { firstName: 'no email' } })), ...identifies(400, name.slice(0, 2))]);

  /** A run paused after reading the portal and one batch: dead letters before its watermark. */
  async function pausedRun(name: string): Promise<{ run: LiveRun; path: string; deadLetters: string }> {
    const run = await live();
    const path = await input(name);
    const paused = await run.replay([path, '--daily-limit', '4', '--concurrency', '1']);
    expect(paused.code, paused.stderr).toBe(75);
    const deadLetters = join(run.stateDir, 'dead-letter.ndjson');
    expect(parseLines(await readFile(deadLetters, 'utf8'))).toHaveLength(5);
    return { run, path, deadLetters };
  }

  it('replaced by another file: kept whole (never cut or padded with NUL bytes), appended to, and said so in one line', async () => {
    const { run, path, deadLetters } = await pausedRun('replaced.ndjson');
    await rename(deadLetters, `${deadLetters}.saved`);
    await writeFile(deadLetters, '{"mine":"a line of the user\'s own"}\n');
    const resumed = await run.replay([path]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/the dead-letter file .* is not as the last run left it \(it was replaced by another file\): it is kept as it is and new dead letters are appended to it/);
    const text = await readFile(deadLetters, 'utf8');
    expect(text).not.toContain('\u0000');
    expect(text).toBe('{"mine":"a line of the user\'s own"}\n');
  });

  it('moved away: a new file is started, no NUL bytes; cut short: kept and appended to', async () => {
    const { run, path, deadLetters } = await pausedRun('moved.ndjson');
    await rename(deadLetters, `${deadLetters}.moved`);
    const resumed = await run.replay([path]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/is not as the last run left it \(it is gone \(moved or removed\)\)/);
    expect(existsSync(deadLetters) ? (await readFile(deadLetters, 'utf8')).includes('\u0000') : false).toBe(false);
    expect(existsSync(deadLetters) ? (await stat(deadLetters)).size : 0).toBe(0);

    const second = await pausedRun('short.ndjson');
    const full = await readFile(second.deadLetters, 'utf8');
    await writeFile(second.deadLetters, full.slice(0, 40));
    const again = await second.run.replay([second.path]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/it is shorter \(40 bytes\) than the \d+ the checkpoint counts/);
    expect(await readFile(second.deadLetters, 'utf8')).toBe(full.slice(0, 40));
  });

  it('left as it was (with lines past the checkpoint, as after a crash): cut back, so no dead letter is written twice', async () => {
    const { run, path, deadLetters } = await pausedRun('kept.ndjson');
    await writeFile(deadLetters, '{"code":"MISSING_EMAIL","reason":"written after the checkpoint","source":{"file":"x","line":9}}\n', { flag: 'a' });
    const resumed = await run.replay([path]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/is not as the last run left it/);
    expect(parseLines(await readFile(deadLetters, 'utf8'))).toHaveLength(5);
  });
});
