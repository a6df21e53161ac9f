// A backfill reads the whole export first: on a journeys-shaped export (anonymous
// browsing, sign-up, a second device, a shared device, never identified, deleted people,
// a company named before its user's identify), the dry run and the live run attribute the
// same calls retroactively, suppress the same ones, and associate every group's contact;
// and a live run killed with -9 three times ends exactly as an uninterrupted one, with
// retroactive identities and without.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { journeyCalls, type JourneyCall } from '../../bench/lib/journeys.js';
import type { RunReport } from '../../src/report/tally.js';
import { parseLines, runCli, tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { testLiveRun, type LiveRun, type LiveRunOptions } from '../support/emulatorRun.js';

/** A stand-in without search lag, closed when the test ends. */
const live = (options: LiveRunOptions = {}): Promise<LiveRun> => testLiveRun({ searchLagMs: 0, ...options });

interface Export {
  input: string;
  suppress: string;
  calls: JourneyCall[];
}

async function journeysExport(people: number, seed: number, typos = false): Promise<Export> {
  const dir = await tempDir();
  const { calls, suppressed } = journeyCalls({ people, seed, typos });
  const input = await writeNdjson(dir, 'journeys.ndjson', calls);
  const suppress = join(dir, 'suppress.txt');
  await writeFile(suppress, suppressed.join('\n') + '\n');
  return { input, suppress, calls };
}

type Op = { op: string; email?: string; domain?: string; source: { line: number } };
type DeadLetter = { code: string; source: { line: number } };

async function dryRun(exp: Export, args: readonly string[] = []) {
  const dir = await tempDir();
  const report = join(dir, 'report.json');
  const result = await runCli(['replay', exp.input, '--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'state'), '--suppress', exp.suppress, '--report', report, ...args]);
  expect(result.code, result.stderr).toBe(0);
  return { operations: parseLines(result.stdout) as Op[], report: JSON.parse(await readFile(report, 'utf8')) as RunReport };
}

async function liveReplay(run: LiveRun, exp: Export, args: readonly string[] = []) {
  const dir = await tempDir();
  const result = await run.replay([exp.input, '--suppress', exp.suppress, '--report', join(dir, 'report.json'), ...args]);
  expect(result.code, result.stderr).toBe(0);
  return outcome(run, join(dir, 'report.json'));
}

async function outcome(run: LiveRun, reportPath: string) {
  const deadLetterFile = join(run.stateDir, 'dead-letter.ndjson');
  const deadLetters = existsSync(deadLetterFile) ? (parseLines(await readFile(deadLetterFile, 'utf8')) as DeadLetter[]) : [];
  return {
    snapshot: run.emulator.snapshot(),
    report: JSON.parse(await readFile(reportPath, 'utf8')) as RunReport,
    deadLetters: deadLetters.map((d) => [d.code, d.source.line]),
  };
}

/** The email each event of the dry run goes to, by the line of its call. */
function eventEmails(operations: readonly Op[]): Map<number, string> {
  return new Map(operations.filter((op) => op.op === 'event.send').map((op) => [op.source.line, op.email!]));
}

describe('a journeys-shaped export, read whole first', () => {
  it('is attributed retroactively and suppressed alike by the dry run and the live run; the stream rules alone lose the anonymous history', async () => {
    const exp = await journeysExport(150, 3);
    const retro = await dryRun(exp);
    const streamed = await dryRun(exp, ['--no-retroactive-identities']);
    const { report } = retro;

    // Only the never-identified people's calls lack a contact; the anonymous history of the others reaches it.
    const identified = new Set<string>();
    for (const call of exp.calls) if (call.type === 'identify') identified.add(call.anonymousId as string);
    const neverIdentifiedCalls = exp.calls.filter((call) => call.type === 'track' && call.userId === undefined && !identified.has(call.anonymousId as string)).length;
    expect(report.deadLetters).toEqual({ MISSING_EMAIL: neverIdentifiedCalls });
    expect(report.identities.retroactive).toBeGreaterThan(100);
    expect(streamed.report.identities.retroactive).toBe(0);
    expect(streamed.report.deadLetters.MISSING_EMAIL).toBeGreaterThan(neverIdentifiedCalls + 100);
    // Each retroactive attribution is one record delivered rather than dead-lettered or (a deleted person's) suppressed.
    expect(report.counts.delivered - streamed.report.counts.delivered).toBe(report.identities.retroactive);
    // A deleted person's anonymous calls before the identify that names them are suppressed from the start.
    expect(report.skipped.suppressed).toBeGreaterThan(streamed.report.skipped.suppressed);

    // A shared device: A gets the calls before A's identify and between the two, B those after B's.
    const emails = eventEmails(retro.operations);
    let checkedShared = 0;
    const byDevice = new Map<string, Array<{ line: number; call: JourneyCall }>>();
    exp.calls.forEach((call, i) => {
      const device = call.anonymousId as string | undefined;
      if (device !== undefined) byDevice.set(device, [...(byDevice.get(device) ?? []), { line: i + 1, call }]);
    });
    for (const calls of byDevice.values()) {
      const identifies = calls.filter(({ call }) => call.type === 'identify');
      if (identifies.length !== 2) continue;
      const [a, b] = identifies.map(({ call }) => (call.traits as { email: string }).email);
      const bAt = identifies[1]!.line;
      for (const { line, call } of calls) if (call.type === 'track') expect(emails.get(line)).toBe(line < bAt ? a : b);
      checkedShared++;
    }
    expect(checkedShared).toBeGreaterThan(10);

    // Live: the same counts, the same attributions, every group's contact associated.
    const run = await live();
    const liveOutcome = await liveReplay(run, exp);
    expect(liveOutcome.report.counts).toEqual(report.counts);
    expect(liveOutcome.report.skipped).toEqual(report.skipped);
    expect(liveOutcome.report.deadLetters).toEqual(report.deadLetters);
    expect(liveOutcome.report.identities).toEqual(report.identities);
    const predicted = retro.operations.filter((op) => op.op === 'event.send').map((op) => op.email).sort();
    expect(liveOutcome.snapshot.events.map((event) => event.email).sort()).toEqual(predicted);
    const associations = retro.operations.filter((op) => op.op === 'association').map((op) => [op.email, op.domain]);
    expect(associations.length).toBeGreaterThan(5);
    expect(new Set(liveOutcome.snapshot.associations.map(([email, domain]) => `${email} ${domain}`))).toEqual(new Set(associations.map(([email, domain]) => `${email} ${domain}`)));
  });

  it('standard input streams once, with a notice; the config file turns retroactive identities off as the flag does', async () => {
    const exp = await journeysExport(40, 4);
    const dir = await tempDir();
    const args = ['--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'state'), '--suppress', exp.suppress];
    const piped = await runCli(['replay', '-', ...args, '--report', join(dir, 'piped.json')], { stdin: await readFile(exp.input) });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toContain('standard input can be read only once, so the run streams everything once');
    const streamed = (await dryRun(exp, ['--no-retroactive-identities'])).report;
    const pipedReport = JSON.parse(await readFile(join(dir, 'piped.json'), 'utf8')) as RunReport;
    expect(pipedReport.counts).toEqual(streamed.counts);
    expect(pipedReport.identities.retroactive).toBe(0);

    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ retroactiveIdentities: false }));
    const configured = await runCli(['replay', exp.input, ...args, '--config', config, '--report', join(dir, 'configured.json')]);
    expect(configured.code, configured.stderr).toBe(0);
    expect((JSON.parse(await readFile(join(dir, 'configured.json'), 'utf8')) as RunReport).counts).toEqual(streamed.counts);
    const retro = await runCli(['replay', exp.input, ...args]);
    expect(retro.stderr).toMatch(/retroactive\s+\d+ \(anonymous calls attributed through an identify later in the export\)/);
  });

  it('a group naming a contact whose identify comes later: the dry run predicts the association and the live run makes it', async () => {
    const dir = await tempDir();
    const calls = [
      { type: 'group', messageId: 'g1', anonymousId: 'a1', groupId: 'g', context: { traits: { email: 'later@acme.example.com' } }, traits: { name: 'Acme', website: 'acme.example.com' } },
      { type: 'identify', messageId: 'i1', userId: 'u1', anonymousId: 'a1', traits: { email: 'later@acme.example.com', firstName: 'Late' } },
    ];
    const exp = { input: await writeNdjson(dir, 'group-first.ndjson', calls), suppress: join(dir, 'none.txt'), calls };
    await writeFile(exp.suppress, '');
    const dry = await dryRun(exp);
    expect(dry.operations.filter((op) => op.op === 'association').map((op) => [op.email, op.domain])).toEqual([['later@acme.example.com', 'acme.example.com']]);
    expect(dry.report.counts).toEqual({ read: 2, delivered: 2, skipped: 0, deadLettered: 0 });
    const run = await live();
    const result = await liveReplay(run, exp);
    expect(result.report.counts).toEqual(dry.report.counts);
    expect(result.snapshot.associations).toEqual([['later@acme.example.com', 'acme.example.com']]);
    expect(result.snapshot.contacts['later@acme.example.com']).toEqual({ email: 'later@acme.example.com', firstname: 'Late' });
  });
});

/**
 * The kill point: the stand-in has answered `requests` requests of this run, and, when
 * `checkpointed`, the run has saved a checkpoint of its own while running (its identity
 * facts, learnt past the watermark, are then on disk for the resume to take back).
 */
async function untilProgress(run: LiveRun, since: number, requests: number, checkpointed: boolean, exited: () => boolean): Promise<void> {
  const checkpointFile = join(run.stateDir, 'checkpoint.json');
  const runsBefore = await runsSaved(checkpointFile);
  const saved = async () => !checkpointed || (await runsSaved(checkpointFile, 'running')) > runsBefore;
  for (let waited = 0; waited < 60_000 && !exited(); waited += 20) {
    if (run.emulator.requests().length - since >= requests && (await saved())) return;
    await sleep(20);
  }
}

/** The runs a checkpoint counts (each run saves its own number): 0 before any, or when its status is not `status`. */
async function runsSaved(checkpointFile: string, status?: string): Promise<number> {
  const text = await readFile(checkpointFile, 'utf8').catch(() => undefined);
  try {
    if (text === undefined) return 0;
    const checkpoint = JSON.parse(text) as { runs: number; status: string };
    return status === undefined || checkpoint.status === status ? checkpoint.runs : 0;
  } catch {
    return 0;
  }
}

describe.each([
  { seed: 5, retroactive: true },
  { seed: 6, retroactive: true },
  { seed: 5, retroactive: false },
])('kill -9 three times on a journeys export (seed $seed, retroactive $retroactive)', ({ seed, retroactive }) => {
  it('ends exactly as an uninterrupted run: HubSpot, counts, attributions and dead letters', async () => {
    const exp = await journeysExport(700, seed, true);
    const args = retroactive ? [] : ['--no-retroactive-identities'];
    // At a tenth of HubSpot's times, as the runs it is compared with: the end state does not depend on them.
    const reference = await liveReplay(await live({ timeScale: 0.1 }), exp, args);
    expect(reference.report.deadLetters.HUBSPOT_REJECTED).toBeGreaterThan(0);

    // Faults on, batch upserts answered both ways, one request at a time so that checkpoints
    // land mid-file; at a tenth of HubSpot's times (back-offs, checkpoint interval), so the
    // first kill comes soon after the first checkpoint and the later runs have work left.
    const run = await live({ timeScale: 0.1, faults: { seed, errorRate: 0.05, resetRate: 0.03, latencyMs: [50, 150], wholeBatchShare: 0.5 } });
    let kills = 0;
    // Three kills at points every run reaches: mid-delivery; then twice after a checkpoint
    // of the killed run itself, which flushed the identity map, so facts learnt past the
    // watermark are on disk (the watermark itself may still stand at line 1: a record
    // settles only once its events are sent, and some seeds send the first ones last).
    for (const [requests, checkpointed] of [[15, false], [15, true], [5, true]] as const) {
      const since = run.emulator.requests().length;
      const { child, done } = run.start([exp.input, '--suppress', exp.suppress, '--quiet', '--concurrency', '1', ...args]);
      let exited = false;
      void done.then(() => (exited = true));
      await untilProgress(run, since, requests, checkpointed, () => exited);
      if (exited) break;
      child.kill('SIGKILL');
      if ((await done).signal === 'SIGKILL') kills++;
    }
    expect(kills).toBe(3);
    const dir = await tempDir();
    const last = await run.replay([exp.input, '--suppress', exp.suppress, '--report', join(dir, 'final.json'), ...args]);
    expect(last.code, last.stderr).toBe(0);
    const final = await outcome(run, join(dir, 'final.json'));

    expect(final.snapshot).toEqual(reference.snapshot);
    expect(final.report.counts).toEqual(reference.report.counts);
    expect(final.report.skipped).toEqual(reference.report.skipped);
    expect(final.report.deadLetters).toEqual(reference.report.deadLetters);
    expect(final.report.identities).toEqual(reference.report.identities);
    expect(final.deadLetters).toEqual(reference.deadLetters);
    const statuses = run.emulator.requests().filter((r) => r.path.endsWith('/contacts/batch/upsert')).map((r) => r.status);
    expect(statuses).toContain(400);
  });
});
