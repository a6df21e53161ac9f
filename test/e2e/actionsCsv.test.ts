// Segment's "AWS S3 (Actions)" CSV end to end: the fixtures hold the calls of
// fixtures/actions/events.ndjson in that dialect, one file per delimiter; the built CLI
// must map them to the same operations and leave HubSpot in the same state as the NDJSON.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

const ACTIONS = join(FIXTURES, 'actions');
const NDJSON = join(ACTIONS, 'events.ndjson');
const CSV_FILES = ['comma.csv', 'pipe.csv', 'tab.txt', 'semicolon.csv', 'colon.txt'];

async function dryRunOperations(input: string): Promise<{ operations: Array<Record<string, unknown> & { line: number }>; report: RunReport }> {
  const dir = await tempDir();
  const report = join(dir, 'report.json');
  const run = await runCli(['replay', input, '--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'state'), '--report', report]);
  expect(run.code, run.stderr).toBe(0);
  const operations = (parseLines(run.stdout) as Array<Record<string, unknown>>).map(({ source, ...op }) => ({ ...op, line: (source as { line: number }).line }) as Record<string, unknown> & { line: number });
  return { operations, report: JSON.parse(await readFile(report, 'utf8')) as RunReport };
}

describe('an Actions CSV export and the same calls in NDJSON', () => {
  it.each(CSV_FILES)('%s maps to the same operations as events.ndjson (its rows one line further down)', async (name) => {
    const ndjson = await dryRunOperations(NDJSON);
    const csv = await dryRunOperations(join(ACTIONS, name));
    expect(ndjson.operations.length).toBeGreaterThan(8);
    expect(csv.operations).toEqual(ndjson.operations.map((op) => ({ ...op, line: op.line + 1 })));
    expect(csv.report.counts).toEqual(ndjson.report.counts);
    expect(csv.report.skipped).toEqual(ndjson.report.skipped);
    // The integrations column is honoured: two calls had HubSpot (or All) off.
    expect(csv.report.skipped.integration_disabled).toBe(2);
  });

  it('a directory of Actions files, gzipped or not, reads every one by its own dialect', async () => {
    const dir = join(await tempDir(), 'exports');
    await mkdir(dir);
    await copyFile(join(ACTIONS, 'pipe.csv'), join(dir, '1-pipe.csv'));
    await writeFile(join(dir, '2-tab.txt.gz'), gzipSync(await readFile(join(ACTIONS, 'tab.txt'))));
    await copyFile(NDJSON, join(dir, '3-events.txt')); // a .txt that is NDJSON
    const all = await dryRunOperations(dir);
    const one = await dryRunOperations(NDJSON);
    expect(all.report.counts.read).toBe(3 * one.report.counts.read);
    expect(all.report.counts.deadLettered).toBe(0);
    // The same messageIds three times: the second and third files are read whole, as duplicates.
    expect(all.report.skipped.duplicate).toBe(2 * one.report.counts.read);
    expect(all.operations.map(({ line: _line, ...op }) => op)).toEqual(one.operations.map(({ line: _line, ...op }) => op));
  });

  describe('replayed live', () => {
    let run: LiveRun | undefined;
    afterEach(async () => {
      await run?.close();
      run = undefined;
    });

    it('leaves the stand-in in the same state', async () => {
      run = await liveRun();
      expect((await run.replay([NDJSON])).code).toBe(0);
      const fromNdjson = run.emulator.snapshot();
      await run.close();
      run = undefined;
      expect(Object.keys(fromNdjson.contacts).sort()).toEqual(['ada@initech.com', 'grace@initech.com', 'margaret@initech.com']);
      expect(fromNdjson.events).toHaveLength(5);
      expect(fromNdjson.associations).toEqual([['ada@initech.com', 'initech.com']]);

      for (const name of ['comma.csv', 'tab.txt']) {
        run = await liveRun();
        const result = await run.replay([join(ACTIONS, name)]);
        expect(result.code, result.stderr).toBe(0);
        expect(run.emulator.snapshot(), name).toEqual(fromNdjson);
        await run.close();
        run = undefined;
      }
    });
  });
});
