// `replay --dry-run` end to end: the built CLI on the fixtures, as a user runs it.
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { EVENTS_MAPPING_DEAD_LETTERS } from '../support/fixtureFacts.js';

type Line = Record<string, unknown> & { op?: string; source?: { file: string; line: number } };

function fixture(name: string): string {
  return join(FIXTURES, name);
}

async function dryRun(args: string[], options: { stdin?: string | Buffer } = {}) {
  const dir = await tempDir();
  const report = join(dir, 'report.json');
  const deadLetter = join(dir, 'dead.ndjson');
  const stateDir = join(dir, 'state');
  const result = await runCli(
    ['replay', ...args, '--dry-run', '--hub-id', '123', '--report', report, '--dead-letter', deadLetter, '--state-dir', stateDir],
    options,
  );
  return {
    ...result,
    operations: parseLines(result.stdout) as Line[],
    report: existsSync(report) ? (JSON.parse(await readFile(report, 'utf8')) as RunReport) : undefined,
    deadLetters: existsSync(deadLetter) ? (parseLines(await readFile(deadLetter, 'utf8')) as Line[]) : [],
    stateDir,
  };
}

const withoutSource = (lines: Line[]) => lines.map(({ source: _source, ...op }) => op);

describe('replay --dry-run on a mixed export', () => {
  it('writes the mapped operations in input order with their positions, and sends or stores nothing', async () => {
    const run = await dryRun([fixture('events.ndjson'), '--catalog', fixture('catalog.json')]);
    expect(run.code).toBe(0);
    expect(existsSync(run.stateDir)).toBe(false);

    const lines = run.operations.map((op) => op.source!.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(run.operations.every((op) => op.source!.file.endsWith('fixtures/events.ndjson'))).toBe(true);

    // Line 1: special fields, nested traits flattened, unknown ones dropped, the date at UTC midnight.
    expect(run.operations[0]).toEqual({
      op: 'contact.upsert',
      email: 'peter@initech.com',
      properties: expect.objectContaining({ firstname: 'Peter', lastname: 'Gibbons', favorite_color: 'blue', plan_tier: 'pro', city: 'Austin', company: 'Initech', lifecyclestage: 'lead' }),
      source: { file: expect.stringContaining('events.ndjson'), line: 1 },
    });
    // Line 5: a track whose email comes from line 1's identify.
    expect(run.operations.find((op) => op.source!.line === 5)).toMatchObject({
      op: 'event.send', eventName: 'pe123_order_completed', email: 'peter@initech.com', occurredAt: '2026-01-05T09:20:00.000Z',
    });
    // Line 9: a group upserts the company by the website's domain and associates its user.
    expect(run.operations.filter((op) => op.source!.line === 9).map((op) => op.op)).toEqual(['company.upsert', 'association']);
    expect(run.operations.find((op) => op.op === 'association')).toMatchObject({ email: 'peter@initech.com', domain: 'initech.com' });
    // No event.send exposes the internal definition typing.
    expect(run.operations.filter((op) => op.op === 'event.send').every((op) => !('propertyTypes' in op))).toBe(true);
  });

  it('accounts for every record: read = delivered + skipped + deadLettered', async () => {
    const { report } = await dryRun([fixture('events.ndjson')]);
    expect(report).toBeDefined();
    const { read, delivered, skipped, deadLettered } = report!.counts;
    expect(read).toBe(delivered + skipped + deadLettered);
    expect(read).toBe(25); // 26 lines, two blank, one batch line of two calls
    expect(report!.skipped).toEqual({ duplicate: 2, filtered: 0, unsupported_type: 2, integration_disabled: 0, consent_denied: 0, suppressed: 0, delivered: 0 });
    expect(Object.keys(report!)).toEqual(['status', 'dryRun', 'counts', 'skipped', 'deadLetters', 'operations', 'droppedProperties', 'invalidValues', 'truncatedValues', 'withoutTime', 'withoutType', 'requests', 'identities', 'durationMs', 'propertyPlan', 'requestPlan']);
    expect(report!.dryRun).toBe(true);
    expect(report!.droppedProperties.contact).toMatchObject({ favorite_color: 1, stapler_color: 1 });
  });

  it('dead-letters every bad record with its code, line and the raw text or event', async () => {
    const { deadLetters, stderr } = await dryRun([fixture('events.ndjson')]);
    expect(deadLetters.map((d) => [d.code, (d.source as { line: number }).line])).toEqual(EVENTS_MAPPING_DEAD_LETTERS);
    expect(deadLetters[1]).toHaveProperty('raw');
    expect(deadLetters[0]).toHaveProperty('event.traits.name', "Chotchkie's");
    expect(stderr).toContain('dead letters');
  });

  it('replays its own dead-letter file: the wrapped events come back with the same verdicts', async () => {
    const first = await dryRun([fixture('events.ndjson')]);
    const dir = await tempDir();
    const file = join(dir, 'dead-letter.ndjson');
    await writeFile(file, first.deadLetters.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const again = await dryRun([file]);
    expect(again.deadLetters.map((d) => d.code)).toEqual(first.deadLetters.map((d) => d.code));
  });
});

describe('the same events in every format', () => {
  it('NDJSON, gzip, and CSV (dotted and warehouse) map to the same operations', async () => {
    const ndjson = await dryRun([fixture('same-events.ndjson')]);
    const gzip = await dryRun([fixture('same-events.ndjson.gz')]);
    expect(ndjson.operations.length).toBeGreaterThan(5);
    expect(withoutSource(gzip.operations)).toEqual(withoutSource(ndjson.operations));

    // Each CSV file is its own run (--type differs), so the NDJSON side is split the same
    // way: what one run learns from identify calls is the same on both sides.
    const lines = (await readFile(fixture('same-events.ndjson'), 'utf8')).trim().split('\n');
    const dir = await tempDir();
    const csvRuns: Array<[string, string[], string[]]> = [
      ['identify-dotted.csv', [], lines.slice(0, 3)],
      ['warehouse-identifies.csv', ['--type', 'identify'], lines.slice(3, 6)],
      ['warehouse-tracks.csv', ['--type', 'track'], lines.slice(6, 9)],
    ];
    for (const [csv, flags, ndjsonLines] of csvRuns) {
      const part = join(dir, `${csv}.ndjson`);
      await writeFile(part, ndjsonLines.join('\n') + '\n');
      const fromCsv = await dryRun([fixture(csv), ...flags]);
      const fromNdjson = await dryRun([part]);
      expect(fromCsv.report!.counts.read).toBe(3);
      expect(withoutSource(fromCsv.operations), csv).toEqual(withoutSource(fromNdjson.operations));
      expect(fromCsv.deadLetters.map((d) => d.code)).toEqual(fromNdjson.deadLetters.map((d) => d.code));
    }
  });

  it('reads standard input with -', async () => {
    const text = await readFile(fixture('same-events.ndjson'));
    const fromStdin = await dryRun(['-'], { stdin: text });
    const fromFile = await dryRun([fixture('same-events.ndjson')]);
    expect(withoutSource(fromStdin.operations)).toEqual(withoutSource(fromFile.operations));
    expect(fromStdin.operations[0]!.source!.file).toBe('-');
  });
});

describe('the input format of standard input', () => {
  it('--input-format names it, and --format, its earlier spelling, still does', async () => {
    const text = await readFile(fixture('identify-dotted.csv'));
    const fromFile = await dryRun([fixture('identify-dotted.csv')]);
    expect(fromFile.operations.length).toBeGreaterThan(0);
    for (const flag of ['--input-format', '--format']) {
      const fromStdin = await dryRun(['-', flag, 'csv'], { stdin: text });
      expect(fromStdin.code, `${flag}: ${fromStdin.stderr}`).toBe(0);
      expect(withoutSource(fromStdin.operations), flag).toEqual(withoutSource(fromFile.operations));
    }
    // Without either, standard input is NDJSON: the CSV header is no JSON.
    const unnamed = await dryRun(['-'], { stdin: text });
    expect(unnamed.operations).toEqual([]);
  });

  it('the config file takes inputFormat too; a flag beats it, and the two spellings given apart must agree', async () => {
    const text = await readFile(fixture('identify-dotted.csv'));
    const fromFile = await dryRun([fixture('identify-dotted.csv')]);
    const dir = await tempDir();
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ inputFormat: 'csv' }));
    const fromConfig = await dryRun(['-', '--config', config], { stdin: text });
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(withoutSource(fromConfig.operations)).toEqual(withoutSource(fromFile.operations));
    // The command line beats the file, whichever spelling it uses.
    const overridden = await dryRun(['-', '--config', config, '--format', 'ndjson'], { stdin: text });
    expect(overridden.operations).toEqual([]);

    const both = await dryRun(['-', '--input-format', 'csv', '--format', 'ndjson'], { stdin: text });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--input-format csv and --format ndjson disagree');
  });
});

describe('filters', () => {
  it.each([
    [['--types', 'identify'], (op: Line) => op.op === 'contact.upsert'],
    [['--events', 'Signed Up'], (op: Line) => op.op !== 'event.send' || op.eventName === 'pe123_signed_up'],
    [['--until', '2026-01-05T09:16:00Z'], (op: Line) => op.source!.line <= 6],
  ])('%j keeps only matching records', async (flags, keep) => {
    const run = await dryRun([fixture('events.ndjson'), ...flags]);
    expect(run.code).toBe(0);
    expect(run.operations.length).toBeGreaterThan(0);
    expect(run.operations.every(keep)).toBe(true);
    expect(run.report!.skipped.filtered).toBeGreaterThan(0);
  });
});

describe('exit codes and messages', () => {
  it('exits 4 with --fail-on-dead-letters when records were dead-lettered', async () => {
    expect((await dryRun([fixture('events.ndjson'), '--fail-on-dead-letters'])).code).toBe(4);
    expect((await dryRun([fixture('identify-dotted.csv'), '--fail-on-dead-letters'])).code).toBe(0);
  });

  it('writes to a device such as /dev/null without touching it', async () => {
    const mode = statSync('/dev/null').mode;
    const run = await runCli(['replay', fixture('events.ndjson'), '--dry-run', '--hub-id', '123', '--out', '/dev/null', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(statSync('/dev/null').mode).toBe(mode);
  });

  it('exits 2 naming a missing input', async () => {
    const run = await dryRun([join(FIXTURES, 'no-such-file.ndjson')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no-such-file.ndjson');
  });

  it('exits 2 without a hub ID or a token, saying what to pass', async () => {
    const run = await runCli(['replay', fixture('events.ndjson'), '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--hub-id');
  });

  it('exits 2 on an unknown option', async () => {
    expect((await runCli(['replay', fixture('events.ndjson'), '--dry-run', '--no-such-flag'])).code).toBe(2);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('--help shows every option with its default', async () => {
    const help = await runCli(['replay', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--token', '--hub-id', '--base-url', '--api-version', '--dry-run', '--out', '--catalog', '--state-dir', '--fresh', '--dead-letter', '--report', '--rate', '--concurrency', '--daily-limit', '--daily-reserve', '--max-retries', '--since', '--until', '--types', '--events', '--input-format', '--format', '--type', '--event-map', '--no-create-event-definitions', '--pages-as-events', '--log-format', '--quiet', '--fail-on-dead-letters', '--config']) {
      expect(help.stdout).toContain(flag);
    }
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('requests per rolling 10 seconds (default: 100)');
    expect(text).toContain('(default: ".hubspot-sync")');
    expect(text).toContain('(default: "10%")');
  });
});
