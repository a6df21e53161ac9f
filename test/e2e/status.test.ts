// `status` on a gzip input: the watermark counts decompressed bytes, so it is shown as
// such, never as a share of the (compressed) size on disk.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from '../support/cli.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

const GZIP = join(FIXTURES, 'same-events.ndjson.gz');

interface StatusInput {
  path: string;
  done: boolean;
  gzip: boolean;
  bytes: number;
  size: number;
  percent: number | null;
}

let run: LiveRun;
afterEach(async () => {
  await run.close();
});

describe('status of a gzip input', () => {
  it('a finished one: decompressed bytes read, the gzip size beside them, 100%', async () => {
    run = await liveRun();
    expect((await run.replay([GZIP, join(FIXTURES, 'events.ndjson'), '--quiet'])).code).toBe(0);
    const text = await runCli(['status', '--state-dir', run.stateDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/done +\S+same-events\.ndjson\.gz +line 10, 9 records, 2\.2 KiB decompressed \(826 B gzip\)/);
    expect(text.stdout).toMatch(/done +\S+events\.ndjson +line 27, 25 records, 4\.9 KiB of 4\.9 KiB/);

    const json = await runCli(['status', '--state-dir', run.stateDir, '--format', 'json']);
    const [gzip, plain] = (JSON.parse(json.stdout) as { inputs: StatusInput[] }).inputs;
    expect(gzip).toMatchObject({ path: GZIP, done: true, gzip: true, bytes: 2227, size: 826, percent: 100 });
    expect(plain).toMatchObject({ done: true, gzip: false, bytes: 5046, size: 5046, percent: 100 });
  });

  it('an unfinished one: no percentage', async () => {
    run = await liveRun();
    // Three requests read the portal; the budget stops the run at its first delivery.
    expect((await run.replay([GZIP, '--daily-limit', '4', '--daily-reserve', '0', '--quiet'])).code).toBe(75);
    const json = await runCli(['status', '--state-dir', run.stateDir, '--format', 'json']);
    const [gzip] = (JSON.parse(json.stdout) as { inputs: StatusInput[] }).inputs;
    expect(gzip).toMatchObject({ path: GZIP, done: false, gzip: true, percent: null });
    const text = await runCli(['status', '--state-dir', run.stateDir]);
    const line = text.stdout.split('\n').find((l) => l.includes('same-events.ndjson.gz'));
    expect(line).toMatch(/^ {10}\S+same-events\.ndjson\.gz +line \d+, .*decompressed \(826 B gzip\)$/);
    expect(line).not.toContain('%');
  });
});
