// Exports as real tools write them, end to end: each warehouse's default unload and each
// spreadsheet variant of fixtures/dialects/ (made by scripts/dialects.ts) maps to exactly the
// canonical file's operations or is refused as a whole; delivered, it leaves the stand-in as
// the canonical file does; a run that sends nothing says why.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VARIANTS } from '../../scripts/dialects.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

const DIALECTS = join(FIXTURES, 'dialects');
const CATALOG = join(FIXTURES, 'catalog.json');

async function dryRun(file: string, args: string[]): Promise<{ code: number | null; stderr: string; operations: unknown[] }> {
  const run = await runCli(['replay', '--dry-run', '--hub-id', '123', '--catalog', CATALOG, '--state-dir', join(await tempDir(), 'state'), ...args, file]);
  const operations = (parseLines(run.stdout) as Array<Record<string, unknown>>).map(({ source: _source, ...op }) => op);
  return { code: run.code, stderr: run.stderr, operations };
}

const typeOf = (canonical: string): string => (canonical === 'tracks.csv' ? 'track' : 'identify');

describe('every dialect and spreadsheet variant, dry-run', () => {
  const canonical = new Map<string, unknown[]>();
  const canonicalOf = async (name: string): Promise<unknown[]> => {
    if (!canonical.has(name)) canonical.set(name, (await dryRun(join(DIALECTS, name), ['--type', typeOf(name)])).operations);
    return canonical.get(name) as unknown[];
  };

  it.each(VARIANTS.filter((variant) => variant.refusal === undefined).map((variant) => [variant.file, variant] as const))(
    '%s maps to exactly the canonical operations',
    async (_, variant) => {
      const expected = await canonicalOf(variant.canonical);
      expect(expected.length).toBeGreaterThanOrEqual(40);
      const run = await dryRun(join(DIALECTS, variant.file), ['--type', typeOf(variant.canonical), ...(variant.flags ?? [])]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.operations).toEqual(expected);
    },
  );

  it.each(VARIANTS.filter((variant) => variant.refusal !== undefined).map((variant) => [variant.file, variant] as const))(
    '%s is refused as a whole: exit 2, one line naming the file and the fix, nothing mapped',
    async (_, variant) => {
      const path = join(DIALECTS, variant.file);
      const run = await dryRun(path, ['--type', typeOf(variant.canonical)]);
      expect(run.code).toBe(2);
      expect(run.operations).toEqual([]);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(`hubspot-sync: ${path}: ${variant.refusal}`)]);
    },
  );

  it('tells of a sniffed delimiter before the run', async () => {
    const run = await dryRun(join(DIALECTS, 'excel-semicolon.csv'), ['--type', 'identify']);
    expect(run.stderr).toMatch(/^hubspot-sync: .*excel-semicolon\.csv: reading cells separated by semicolons/);
  });
});

describe('nothing done silently', () => {
  it.each([
    ['an empty file', '', [], /warning +no record was read: the inputs are empty/],
    ['a warehouse table without --type', 'user_id,email\nu1,a@b.co\n', [], /warning +nothing was mapped: .* 1 record\(s\) have no call type: .*--type/],
    ['--events differing in case', 'type,user_id,event,email\ntrack,u1,Signed Up,a@b.co\n', ['--events', 'signed up'], /warning +--events "signed up" matched no track; the run has "Signed Up"/],
  ])('%s ends with one warning saying why, exit 0', async (_, content, args, warning) => {
    const file = join(await tempDir(), 'export.csv');
    await writeFile(file, content);
    const run = await dryRun(file, args);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(warning);
  });
});

describe('delivered to the stand-in', () => {
  let run: LiveRun | undefined;
  afterEach(async () => {
    await run?.close();
    run = undefined;
  });

  async function delivered(identifies: string, tracks: string, flags: string[] = []) {
    run = await liveRun({ searchLagMs: 0 });
    for (const [file, type] of [[identifies, 'identify'], [tracks, 'track']] as const) {
      const result = await run.replay(['--type', type, ...flags, join(DIALECTS, file)]);
      expect(result.code, result.stderr).toBe(0);
    }
    const snapshot = run.emulator.snapshot();
    await run.close();
    run = undefined;
    return snapshot;
  }

  it('leaves HubSpot as the canonical files do, from Snowflake and from Postgres: every event dated as written', async () => {
    const expected = await delivered('identifies.csv', 'tracks.csv');
    expect(expected.events).toHaveLength(60);
    expect(expected.events.every((event) => event.occurredAt.startsWith('2026-03'))).toBe(true);
    expect(await delivered('snowflake-identifies.csv', 'snowflake-tracks.csv')).toEqual(expected);
    expect(await delivered('postgres-identifies.csv', 'postgres-tracks.csv')).toEqual(expected);
  });

  it('dead-letters an event whose time is unreadable as INVALID_TIMESTAMP, and counts one without time', async () => {
    run = await liveRun({ searchLagMs: 0 });
    const dir = await tempDir();
    const file = join(dir, 'tracks.csv');
    await writeFile(file, 'id,user_id,event,timestamp,context_traits_email\nt1,u1,Signed Up,02/03/2026 14:00,a@b.co\nt2,u1,Signed Up,,a@b.co\nt3,u1,Signed Up,2026-03-02 02:16:51.272+00,a@b.co\n');
    const report = join(dir, 'report.json');
    const deadLetters = join(dir, 'dead.ndjson');
    const result = await run.replay(['--type', 'track', '--report', report, '--dead-letter', deadLetters, file]);
    expect(result.code, result.stderr).toBe(0);
    const [letter, ...others] = parseLines(await readFile(deadLetters, 'utf8')) as Array<{ code: string; reason: string; source: { line: number } }>;
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ code: 'INVALID_TIMESTAMP', source: { line: 2 }, reason: expect.stringContaining('timestamp "02/03/2026 14:00"') as unknown });
    const events = run.emulator.snapshot().events;
    // t1 is not sent; t2 is, dated by HubSpot on arrival; t3 as written.
    expect(events).toHaveLength(2);
    expect(events.filter((event) => event.occurredAt === '2026-03-02T02:16:51.272Z')).toHaveLength(1);
    expect(await run.readReport(report)).toMatchObject({ withoutTime: 1, deadLetters: { INVALID_TIMESTAMP: 1 } });
    expect(result.stderr).toMatch(/warning +1 event\(s\) had no time field and were sent without occurredAt/);
  });

  it('refuses a directory holding one zstd file before sending anything from the others', async () => {
    run = await liveRun({ searchLagMs: 0 });
    const dir = join(await tempDir(), 'exports');
    await mkdir(dir);
    await writeFile(join(dir, '1-identifies.csv'), await readFile(join(DIALECTS, 'identifies.csv')));
    await writeFile(join(dir, '2-identifies.csv.zst'), await readFile(join(DIALECTS, 'identifies.csv.zst')));
    const result = await run.replay(['--type', 'identify', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`hubspot-sync: ${join(dir, '2-identifies.csv.zst')}: it is zstd-compressed, which hubspot-sync does not read (only gzip): decompress it first (zstd -d ${join(dir, '2-identifies.csv.zst')}) and pass the result`);
    expect(run.emulator.requests()).toEqual([]);
  });
});
