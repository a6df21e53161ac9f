// `status` on a gzip input: the watermark counts decompressed bytes, so it is shown as
// such, never as a share of the (compressed) size on disk. And the phase an unfinished run
// that reads its inputs twice was in.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../support/cli.js';
import { mixedCalls, writeNdjson } from '../support/corpus.js';
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
    // Streamed, so the pause leaves the input part-read (a compacted run pauses while sending, its inputs read).
    expect((await run.replay([GZIP, '--daily-limit', '4', '--daily-reserve', '0', '--quiet', '--no-compact'])).code).toBe(75);
    const json = await runCli(['status', '--state-dir', run.stateDir, '--format', 'json']);
    const [gzip] = (JSON.parse(json.stdout) as { inputs: StatusInput[] }).inputs;
    expect(gzip).toMatchObject({ path: GZIP, done: false, gzip: true, percent: null });
    const text = await runCli(['status', '--state-dir', run.stateDir]);
    const line = text.stdout.split('\n').find((l) => l.includes('same-events.ndjson.gz'));
    expect(line).toMatch(/^ {10}\S+same-events\.ndjson\.gz +line \d+, .*decompressed \(826 B gzip\)$/);
    expect(line).not.toContain('%');
  });
});

describe('status of a run that reads its inputs twice', () => {
  it('names the phase an unfinished run was in: killed while learning, paused while mapping', async () => {
    run = await liveRun({ timeScale: 0.1 });
    const dir = await tempDir();
    // Large enough that phase 1 (learning) outlasts a checkpoint or two.
    const input = await writeNdjson(dir, 'big.ndjson', mixedCalls(60_000));
    const { child, done } = run.start([input, '--quiet']);
    const phaseSaved = async () => {
      const text = await readFile(join(run.stateDir, 'checkpoint.json'), 'utf8').catch(() => '{}');
      try {
        return (JSON.parse(text) as { phase?: string }).phase;
      } catch {
        return undefined; // read between a temporary file's write and its rename
      }
    };
    for (let waited = 0; waited < 30_000 && (await phaseSaved()) !== 'learning'; waited += 20) await sleep(20);
    expect(await phaseSaved()).toBe('learning');
    child.kill('SIGKILL');
    await done;
    const killed = JSON.parse((await runCli(['status', '--state-dir', run.stateDir, '--format', 'json'])).stdout) as { lastRun: { status: string; phase?: string } };
    expect(killed.lastRun).toMatchObject({ status: 'interrupted', phase: 'learning' });
    expect((await runCli(['status', '--state-dir', run.stateDir])).stdout).toContain('Last run: interrupted in phase 1 (learning: read again from the start on resume)');

    // Three requests read the portal; the budget stops the run at its first delivery.
    const other = join(dir, 'other-state');
    const paused = await run.replay([join(FIXTURES, 'events.ndjson'), '--state-dir', other, '--daily-limit', '4', '--daily-reserve', '0', '--quiet', '--no-compact']);
    expect(paused.code, paused.stderr).toBe(75);
    const status = JSON.parse((await runCli(['status', '--state-dir', other, '--format', 'json'])).stdout) as { lastRun: { status: string; phase?: string } };
    expect(status.lastRun).toMatchObject({ status: 'paused', phase: 'mapping' });
  });
});
