// A live run over files folds its inputs first (phase 2) and sends each contact and
// company once (phase 3): it ends with HubSpot as a streamed run (--no-compact) leaves it,
// with the same counts and dead letters, in fewer requests; a kill -9 in any phase ends
// as an uninterrupted run; a fold belongs to the mapping options it was made with.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { journeyCalls } from '../../bench/lib/journeys.js';
import type { RunReport } from '../../src/report/tally.js';
import { parseLines, runCli, tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { testLiveRun, type LiveRun, type LiveRunOptions } from '../support/emulatorRun.js';

/** A stand-in without search lag, closed when the test ends. */
const live = (options: LiveRunOptions = {}): Promise<LiveRun> => testLiveRun({ searchLagMs: 0, ...options });

interface Export {
  input: string;
  suppress: string;
}

async function journeysExport(people: number, seed: number): Promise<Export> {
  const dir = await tempDir();
  const { calls, suppressed } = journeyCalls({ people, seed, typos: true });
  const input = await writeNdjson(dir, 'journeys.ndjson', calls);
  const suppress = join(dir, 'suppress.txt');
  await writeFile(suppress, suppressed.join('\n') + '\n');
  return { input, suppress };
}

async function replay(run: LiveRun, exp: Export, args: readonly string[] = []) {
  const dir = await tempDir();
  const report = join(dir, 'report.json');
  const result = await run.replay([exp.input, '--suppress', exp.suppress, '--report', report, '--quiet', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return outcome(run, report);
}

async function outcome(run: LiveRun, reportPath: string) {
  const deadLetterFile = join(run.stateDir, 'dead-letter.ndjson');
  const text = existsSync(deadLetterFile) ? await readFile(deadLetterFile, 'utf8') : '';
  const deadLetters = parseLines(text) as Array<{ code: string; source: { line: number } }>;
  return {
    snapshot: run.emulator.snapshot(),
    report: JSON.parse(await readFile(reportPath, 'utf8')) as RunReport,
    deadLetters: deadLetters.map((d) => [d.code, d.source.line]),
    deadLetterText: text,
  };
}

/** The emails of every contact upsert the stand-in answered, one entry per input sent. */
function upsertedEmails(run: LiveRun): number {
  return run.emulator.requests().filter((r) => r.path.endsWith('/contacts/batch/upsert')).length;
}

describe('a compacted live run', () => {
  it('ends as the streamed run does, in fewer requests, sending each contact and company once', async () => {
    const exp = await journeysExport(400, 11);
    const streamed = await live();
    const reference = await replay(streamed, exp, ['--no-compact']);
    const compacted = await live();
    const folded = await replay(compacted, exp);

    expect(folded.snapshot).toEqual(reference.snapshot);
    expect(folded.report.counts).toEqual(reference.report.counts);
    expect(folded.report.skipped).toEqual(reference.report.skipped);
    expect(folded.report.deadLetters).toEqual(reference.report.deadLetters);
    expect(folded.report.identities).toEqual(reference.report.identities);
    // The same dead letters: the mapping phase's first, then HubSpot's, each in input order.
    expect(new Set(folded.deadLetters.map(String))).toEqual(new Set(reference.deadLetters.map(String)));
    const rejectedLines = folded.deadLetters.filter(([code]) => code === 'HUBSPOT_REJECTED').map(([, line]) => line as number);
    expect(rejectedLines.length).toBeGreaterThan(0);
    expect(rejectedLines).toEqual([...rejectedLines].sort((a, b) => a - b));

    expect(reference.report.compaction).toBeUndefined();
    const compaction = folded.report.compaction!;
    const contacts = Object.keys(folded.snapshot.contacts).length;
    expect(compaction.contactsSent).toBeGreaterThanOrEqual(contacts);
    expect(compaction.contactUpdates).toBeGreaterThan(compaction.contactsSent);
    expect(compaction.companiesSent).toBe(Object.keys(folded.snapshot.companies).length);
    expect(folded.report.requests.total).toBeLessThan(reference.report.requests.total);
    // Full batches: a contact upsert request per 100 contacts, plus the few a refusal costs.
    expect(upsertedEmails(compacted)).toBeLessThan(upsertedEmails(streamed));
  });

  it('is refused (exit 2) by a run with other mapping options while its fold is unfinished, and --fresh forgets the fold', async () => {
    const exp = await journeysExport(1500, 12);
    const run = await live({ timeScale: 0.1 });
    // Paused by the day's budget while sending (exit 75): the fold is unfinished, whatever
    // the machine's speed.
    const paused = await run.replay([exp.input, '--suppress', exp.suppress, '--quiet', '--concurrency', '1', '--daily-limit', '20']);
    expect(paused.code, paused.stderr).toBe(75);
    expect((await readCheckpoint(join(run.stateDir, 'checkpoint.json')))?.phase).toBe('sending');
    const other = await run.replay([exp.input, '--suppress', exp.suppress, '--pages-as-events', '--quiet']);
    expect(other.code).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toContain('--fresh');
    const fresh = await replay(run, exp, ['--pages-as-events', '--fresh']);
    expect(fresh.report.compaction).toBeDefined();
    expect(fresh.report.counts.read).toBeGreaterThan(0);
  });
});

describe('an event whose occurrences carry more properties than a definition holds', () => {
  it('sends every occurrence: the first 50 names the export met are defined, the rest left out and counted, folded as streamed', async () => {
    // 1,200 occurrences of one event (more than two batches of 500), each with `plan` and one
    // of 70 other names: name k at occurrences 17·k to 17·k + 16 (the first name again
    // after the 70th), in an order that is neither the alphabet's nor the fold's (uuids).
    const order = Array.from({ length: 70 }, (_, k) => `f${(k * 37) % 70}`);
    const calls = Array.from({ length: 1_200 }, (_, i) => ({
      type: 'track',
      event: 'Feature Used',
      messageId: `feature-${i}`,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      properties: { email: `user${i % 40}@example.com`, plan: 'pro', [order[Math.floor(i / 17) % 70]!]: i },
    }));
    const dir = await tempDir();
    const exp: Export = { input: await writeNdjson(dir, 'features.ndjson', calls), suppress: join(dir, 'none.txt') };
    await writeFile(exp.suppress, '');
    const reference = await replay(await live(), exp, ['--no-compact']);
    const folded = await replay(await live(), exp);

    const placed = ['plan', ...order.slice(0, 49)];
    for (const run of [reference, folded]) {
      expect(run.report.counts).toMatchObject({ read: 1_200, delivered: 1_200, deadLettered: 0 });
      expect(run.snapshot.events).toHaveLength(1_200);
      const [definition] = run.snapshot.eventDefinitions;
      expect(definition!.properties.filter((name) => !name.startsWith('hs_')).sort()).toEqual([...placed].sort());
      // Each of the 21 names without a place, left out of its 17 occurrences.
      const left = Object.fromEntries(order.slice(49).map((name) => [name, 17]));
      expect(run.report.droppedProperties.event).toEqual(left);
    }
    expect(folded.snapshot).toEqual(reference.snapshot);

    // A dry run says so beforehand, whether it plans the fold (a file) or a stream (standard input).
    const left = reference.report.droppedProperties.event;
    for (const input of [['features.ndjson'], ['-']]) {
      const report = join(dir, `dry-${input[0]}.json`);
      const dry = await runCli(['replay', ...input, '--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'dry-state'), '--report', report, '--out', '/dev/null'], { cwd: dir, ...(input[0] === '-' ? { stdin: await readFile(exp.input, 'utf8') } : {}) });
      expect(dry.code, dry.stderr).toBe(0);
      expect((JSON.parse(await readFile(report, 'utf8')) as RunReport).droppedProperties.event).toEqual(left);
    }

    // Paused by the day's budget before any event was defined, then resumed: the order the
    // fold met the names in was kept with it.
    const resumed = await live();
    const paused = await resumed.replay([exp.input, '--suppress', exp.suppress, '--quiet', '--daily-limit', '4']);
    expect(paused.code, paused.stderr).toBe(75);
    expect((await readCheckpoint(join(resumed.stateDir, 'checkpoint.json')))?.phase).toBe('sending');
    expect(resumed.emulator.snapshot().eventDefinitions).toEqual([]);
    const after = await replay(resumed, exp);
    expect(after.snapshot).toEqual(reference.snapshot);
  });
});

type Phase = 'learning' | 'folding' | 'sending';

/**
 * Starts a run and kills it (-9, or another signal) at a point reached by checkpoints, not
 * by time: once a checkpoint of this run names `phase`, and, when sending, once the
 * stand-in has answered 5 more requests. In folding, at the first such checkpoint: the
 * fold then holds rows not yet committed. (Waiting for a checkpoint that counts folded
 * records too raced the phase's end: a record counts only once a later checkpoint
 * committed its rows, and a fast fold could end before that.)
 */
async function killIn(run: LiveRun, exp: Export, phase: Phase, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') {
  const checkpointFile = join(run.stateDir, 'checkpoint.json');
  const runsBefore = (await readCheckpoint(checkpointFile))?.runs ?? 0;
  const report = join(await tempDir(), 'report.json');
  const { child, done } = run.start([exp.input, '--suppress', exp.suppress, '--quiet', '--concurrency', '1', '--report', report], { env: { HUBSPOT_SYNC_CHECKPOINT_INTERVAL_MS: '5' } });
  let exited = false;
  void done.then(() => (exited = true));
  let since: number | undefined;
  for (let waited = 0; waited < 60_000 && !exited; waited += 5) {
    const checkpoint = await readCheckpoint(checkpointFile);
    if (checkpoint !== undefined && checkpoint.runs > runsBefore && checkpoint.phase === phase) {
      if (phase === 'learning' || phase === 'folding') break;
      if (phase === 'sending') {
        since ??= run.emulator.requests().length;
        if (run.emulator.requests().length - since >= 5) break;
      }
    }
    await sleep(5);
  }
  expect(exited, `the run ended before its kill in ${phase}`).toBe(false);
  child.kill(signal);
  const result = await done;
  if (signal === 'SIGKILL') expect(result.signal).toBe('SIGKILL');
  return { result, report };
}

async function readCheckpoint(file: string): Promise<{ runs: number; phase?: string } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { runs: number; phase?: string };
  } catch {
    return undefined;
  }
}

describe('kill -9 once in each phase', () => {
  it('ends as an uninterrupted compacted run: HubSpot, counts and the dead-letter file', async () => {
    const exp = await journeysExport(5000, 13);
    // At a tenth of HubSpot's times, as the runs it is compared with: the end state does not depend on them.
    const reference = await replay(await live({ timeScale: 0.1 }), exp);
    const run = await live({ timeScale: 0.1 });
    for (const phase of ['learning', 'folding', 'sending'] as const) await killIn(run, exp, phase);
    // Stopped by a signal in the sending phase it resumed in: it says how far it got.
    const stopped = await killIn(run, exp, 'sending', 'SIGTERM');
    expect(stopped.result.code, stopped.result.stderr).toBe(130);
    const { sending } = JSON.parse(await readFile(stopped.report, 'utf8')) as RunReport;
    expect(sending!.keysSent).toBeGreaterThan(0);
    expect(sending!.keysSent).toBeLessThan(sending!.keys);
    expect(stopped.result.stderr).toMatch(new RegExp(`sent so far +${sending!.keysSent.toLocaleString('en-US')} of ${sending!.keys.toLocaleString('en-US')} keys`));
    const final = await replay(run, exp);
    expect(final.report.sending).toBeUndefined();

    expect(final.snapshot).toEqual(reference.snapshot);
    expect(final.report.counts).toEqual(reference.report.counts);
    expect(final.report.skipped).toEqual(reference.report.skipped);
    expect(final.report.deadLetters).toEqual(reference.report.deadLetters);
    expect(final.report.identities).toEqual(reference.report.identities);
    expect(final.report.compaction).toEqual(reference.report.compaction);
    expect(final.deadLetterText).toBe(reference.deadLetterText);
  });
});
