// Progress and the closing summary, as a person or a cron job sees them: plain lines off a
// terminal, JSON lines with --log-format json, nothing with --quiet, a spinner on a
// terminal. Data on standard output, everything else on standard error.
//
// The emulator answers slowly (100 ms a request) so a replay of the fixture lasts a couple
// of seconds; HUBSPOT_SYNC_PROGRESS_INTERVAL_MS shortens the 10 s line interval to 100 ms,
// so the run spans many intervals and "at least two lines" never depends on timing luck.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { ESC, hasColour, runInPty, screenLines } from '../support/pty.js';

const EVENTS = join(FIXTURES, 'events.ndjson');
const FAST_LINES = { HUBSPOT_SYNC_PROGRESS_INTERVAL_MS: '100' };

// A run over files reads them twice, first learning, then mapping: the line says which.
// A live run over a file reads it twice (learning, then folding), then sends the fold by keys.
const WORK = String.raw`(?:(?:learning|folding) [\d.]+ (?:B|KiB) of 4\.9 KiB|sending (\d+) of (\d+) keys) \(\d+(?:\.\d)?%\)`;
const PLAIN_LINE = new RegExp(String.raw`^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] progress: (\d+) records · \d+\/s · ${WORK}(?: · ETA \S+)? · (\d+) requests · (\d+) 429s · (\d+) dead letters?$`);
const SPINNER_LINE = new RegExp(String.raw`(\d+) records · \d+\/s · ${WORK} · ETA \S+ · (\d+) requests · \d+ 429s · (\d+) dead letters?$`);

let emulator: Emulator;
let dir: string;

beforeEach(async () => {
  emulator = await startEmulator({ faults: { latencyMs: 100 } });
  dir = await tempDir();
});

afterEach(async () => {
  await emulator.close();
});

function replay(args: readonly string[], env: Record<string, string | undefined> = FAST_LINES) {
  return runCli(['replay', EVENTS, '--state-dir', join(dir, 'state'), ...args], {
    env: { HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url, ...env },
  });
}

const progressLines = (stderr: string) => stderr.split('\n').filter((line) => line.includes('progress'));

describe('off a terminal', () => {
  it('writes a plain progress line periodically on standard error, then the summary; standard output stays empty', async () => {
    const run = await replay([]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');

    const lines = progressLines(run.stderr);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const values = lines.map((line) => {
      const match = PLAIN_LINE.exec(line);
      expect(match, line).not.toBeNull();
      const [, records, keysSent, keys, requests, rateLimited, deadLetters] = match!.map(Number);
      return { records: records!, keysSent, keys, requests: requests!, rateLimited: rateLimited!, deadLetters: deadLetters! };
    });
    // The phases in their order (25 records fold between two lines); the sending phase's
    // keys grow, never past all of them.
    const phases = lines.map((line) => /(learning|folding|sending) /.exec(line)?.[1]);
    const order = phases.filter((phase, i) => phase !== phases[i - 1]);
    expect(order).toEqual(['learning', 'folding', 'sending'].filter((phase) => order.includes(phase)));
    expect(order).toContain('sending');
    const sending = values.filter((value) => !Number.isNaN(value.keys!));
    expect(sending.at(-1)!.keys).toBeGreaterThan(0);
    expect(sending.at(-1)!.keysSent).toBeLessThanOrEqual(sending.at(-1)!.keys!);
    for (let i = 1; i < sending.length; i++) expect(sending[i]!.keysSent).toBeGreaterThanOrEqual(sending[i - 1]!.keysSent!);
    // Counts only grow, and never past what the run ends with.
    for (let i = 1; i < values.length; i++) {
      expect(values[i]!.records).toBeGreaterThanOrEqual(values[i - 1]!.records);
      expect(values[i]!.requests).toBeGreaterThanOrEqual(values[i - 1]!.requests);
    }
    const last = values[values.length - 1]!;
    expect(last.records).toBeLessThanOrEqual(25);
    expect(last.requests).toBeGreaterThan(0);
    // (samir@initech.com, named only by a track, is created by the group's association: no CONTACT_NOT_IDENTIFIED.)
    expect(last.deadLetters).toBeLessThanOrEqual(6);
    expect(last.rateLimited).toBe(0);

    // The summary comes after the last progress line.
    const summaryAt = run.stderr.indexOf('Replay completed in');
    expect(summaryAt).toBeGreaterThan(run.stderr.lastIndexOf('progress:'));
    const summary = run.stderr.slice(summaryAt);
    expect(summary).toMatch(/records read\s+25\n/);
    expect(summary).toMatch(/dead letters\s+6 \(/);
    expect(summary).toMatch(/requests\s+\d+ \(retried 0, rate-limited 0\)/);
    expect(run.stderr).not.toContain(ESC);
  });

  it('a dry run writes only the operations on standard output, the summary on standard error', async () => {
    const run = await replay(['--dry-run', '--hub-id', '123456']); // the token's portal: another is refused
    expect(run.code, run.stderr).toBe(0);
    const operations = parseLines(run.stdout) as Array<Record<string, unknown>>;
    expect(operations.length).toBeGreaterThan(10);
    for (const op of operations) expect(Object.keys(op)[0]).toBe('op');
    expect(run.stdout).not.toContain('records');
    expect(run.stderr).toContain('Dry run completed in');
    expect(run.stderr).toMatch(/records read\s+25\n/);
    // With a token it may read the catalog, never write.
    expect(emulator.stats().writes).toBe(0);
  });

  it('--log-format json: JSON progress lines and a JSON summary, every line of standard error JSON', async () => {
    const run = await replay(['--log-format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const lines = parseLines(run.stderr) as Array<Record<string, unknown>>;

    const progress = lines.filter((line) => line.msg === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const line of progress) {
      expect(line).toMatchObject({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      for (const field of ['read', 'perSecond', 'bytesDone', 'bytesTotal', 'requests', 'rateLimited', 'deadLetters']) {
        expect(typeof line[field], field).toBe('number');
      }
      expect(line.bytesTotal).toBe(5046);
    }

    const summary = lines[lines.length - 1]!;
    expect(summary).toMatchObject({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      msg: 'summary',
      status: 'completed',
      dryRun: false,
      counts: { read: 25, delivered: 15, skipped: 4, deadLettered: 6 },
    });
    expect(lines.filter((line) => line.msg === 'summary')).toHaveLength(1);
  });

  it('--quiet: no progress, still the summary', async () => {
    const run = await replay(['--quiet']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(progressLines(run.stderr)).toEqual([]);
    expect(run.stderr).toContain('Replay completed in');
    expect(run.stderr).toMatch(/records read\s+25\n/);
  });

  it('keeps the interval variable out of --help', async () => {
    const help = await runCli(['replay', '--help']);
    expect(help.stdout).not.toContain('HUBSPOT_SYNC_PROGRESS_INTERVAL_MS');
  });
});

describe('on a terminal', () => {
  it('redraws one spinner line: records, rate, bytes of total with percent, ETA, requests, 429s, dead letters', async () => {
    const run = await runInPty(['replay', EVENTS, '--state-dir', join(dir, 'state'), '--token', emulator.token, '--base-url', emulator.url]);
    expect(run.code, run.output).toBe(0);
    const lines = screenLines(run.output);

    // The spinner redraws in place (carriage control, not new lines): many frames.
    const frames = lines.filter((line) => SPINNER_LINE.test(line));
    expect(frames.length, lines.join('\n')).toBeGreaterThanOrEqual(2);
    for (const frame of frames) {
      for (const part of ['records', '/s', ' of ', '%', 'ETA', 'requests', '429s', 'dead letters']) expect(frame).toContain(part);
    }

    // At the end it persists the final counts with a tick, then the summary follows.
    const final = lines.find((line) => line.startsWith('✔'));
    expect(final).toBeDefined();
    const [records, keysSent, keys, requests, deadLetters] = SPINNER_LINE.exec(final!)!.slice(1).map(Number);
    expect([records, requests, deadLetters]).toEqual([25, emulator.stats().requests.total, 6]);
    expect(keysSent).toBe(keys);
    expect(lines.findIndex((line) => line.startsWith('Replay completed in'))).toBeGreaterThan(lines.indexOf(final!));

    // NO_COLOR (set by the test environment) leaves the spinner uncoloured.
    expect(hasColour(run.output)).toBe(false);
  });
});
