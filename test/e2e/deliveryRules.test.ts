// Routing (`integrations`), consent and suppression end to end: the built CLI in a dry
// run with each rule on and off, a live replay into the stand-in with a suppression list,
// and later runs of the same state directory.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import type { EmulatorSnapshot } from '../emulator/state.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

const RULES = join(FIXTURES, 'delivery-rules.ndjson');
const SUPPRESS = join(FIXTURES, 'suppress.txt');
const SUPPRESSED_EMAILS = ['milton@initech.com', 'milton.w@example.com', 'samir@initech.com', 'lawrence@initech.com'];

type Op = { op: string; email?: string; domain?: string; eventName?: string; source: { line: number } };

async function dryRun(args: readonly string[], options: { cwd?: string; stateDir?: string } = {}) {
  const dir = await tempDir();
  const report = join(dir, 'report.json');
  const deadLetter = join(dir, 'dead.ndjson');
  const result = await runCli(
    ['replay', RULES, '--dry-run', '--hub-id', '123', '--state-dir', options.stateDir ?? join(dir, 'state'), '--report', report, '--dead-letter', deadLetter, ...args],
    { cwd: options.cwd },
  );
  expect(result.code, result.stderr).toBe(0);
  const operations = parseLines(result.stdout) as Op[];
  return {
    operations,
    lines: [...new Set(operations.map((op) => op.source.line))],
    report: JSON.parse(await readFile(report, 'utf8')) as RunReport,
    deadLetters: existsSync(deadLetter) ? parseLines(await readFile(deadLetter, 'utf8')) : [],
    stderr: result.stderr,
  };
}

/** Every email the stand-in holds anywhere: contacts, associations, events. */
function emailsIn(state: EmulatorSnapshot): Set<string> {
  return new Set([
    ...Object.keys(state.contacts),
    ...state.associations.map(([email]) => email ?? ''),
    ...state.events.map((event) => event.email ?? ''),
  ]);
}

describe('dry run with each rule on and off', () => {
  it('routing: calls whose integrations keep them from HubSpot are skipped unless --ignore-integrations', async () => {
    const on = await dryRun([]);
    // Lines 2 (HubSpot: false), 3 (All: false) and 15 (HubSpot: "false") are not sent; line 4
    // (All: false, but the Actions destination on) is; line 9 is a screen.
    expect(on.lines).toEqual([1, 4, 5, 6, 7, 8, 10, 11, 12, 14, 16]);
    expect(on.report.skipped).toEqual({ duplicate: 0, filtered: 0, unsupported_type: 1, integration_disabled: 3, consent_denied: 0, suppressed: 0, delivered: 0 });
    expect(on.stderr).toContain('skipped       4 (unsupported_type 1, integration_disabled 3)');

    const off = await dryRun(['--ignore-integrations']);
    expect(off.lines).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 14, 15, 16]);
    expect(off.operations.filter((op) => op.op === 'contact.upsert').map((op) => op.email)).toContain('bill@initech.com');
    expect(off.report.skipped.integration_disabled).toBe(0);
  });

  it('consent: with --consent-categories, calls whose preferences deny a category are skipped', async () => {
    const off = await dryRun([]);
    expect(off.lines).toContain(5);
    const on = await dryRun(['--consent-categories', 'Marketing']);
    // Line 5 denies Marketing; 6 and 16 grant it (true, "true"); calls without preferences pass.
    expect(on.lines).toEqual(off.lines.filter((line) => line !== 5));
    expect(on.report.skipped.consent_denied).toBe(1);
    const both = await dryRun(['--consent-categories', 'Marketing,Analytics']);
    expect(both.lines).toEqual(on.lines.filter((line) => line !== 16)); // line 16 has no Analytics preference
    expect(both.report.skipped.consent_denied).toBe(2);
  });

  it('suppression: with --suppress, a suppressed person has no operation at all, by email or by any id', async () => {
    const off = await dryRun([]);
    expect(off.operations.some((op) => SUPPRESSED_EMAILS.includes(op.email ?? ''))).toBe(true);
    const on = await dryRun(['--suppress', SUPPRESS]);
    // 7 Milton (email), 8 his anonymousId learnt from 7 (with a new email), 9 his screen,
    // 10 and 12 Samir (email, listed in capitals), 13 the alias of a listed anonymousId,
    // 14 the identify of the userId that alias tied to it.
    expect(on.lines).toEqual([1, 4, 5, 6, 11, 16]);
    expect(on.operations.filter((op) => SUPPRESSED_EMAILS.includes(op.email ?? ''))).toEqual([]);
    expect(on.report.skipped).toEqual({ duplicate: 0, filtered: 0, unsupported_type: 0, integration_disabled: 3, consent_denied: 0, suppressed: 7, delivered: 0 });
    expect(on.report.counts).toEqual({ read: 16, delivered: 6, skipped: 10, deadLettered: 0 });
    expect(on.deadLetters).toEqual([]);
  });

  it('every rule at once, from the config file', async () => {
    const cwd = await tempDir('hubspot-sync-rules-config-');
    await writeFile(join(cwd, 'hubspot-sync.config.json'), JSON.stringify({ ignoreIntegrations: true, consentCategories: ['Marketing'], suppress: SUPPRESS }));
    const fromFile = await dryRun([], { cwd });
    const fromFlags = await dryRun(['--ignore-integrations', '--consent-categories', 'Marketing', '--suppress', SUPPRESS]);
    expect(fromFile.operations).toEqual(fromFlags.operations);
    expect(fromFile.lines).toEqual([1, 2, 3, 4, 6, 11, 15, 16]);
    expect(fromFile.report.skipped).toMatchObject({ integration_disabled: 0, consent_denied: 1, suppressed: 7 });
  });

  it('exits 2 naming a suppression list that cannot be read, before reading any input', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'deletions.txt');
    const run = await runCli(['replay', RULES, '--dry-run', '--hub-id', '1', '--state-dir', join(dir, 'state'), '--suppress', missing]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Cannot read the suppression list ${missing}`);
    const live = await runCli(['replay', RULES, '--token', 'pat-x', '--base-url', 'http://127.0.0.1:9', '--state-dir', join(dir, 'state'), '--suppress', dir]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain(`Cannot read the suppression list ${dir}`);
    expect(existsSync(join(dir, 'state'))).toBe(false);
    const empty = await runCli(['replay', RULES, '--dry-run', '--hub-id', '1', '--state-dir', join(dir, 'state'), '--consent-categories', ' , ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--consent-categories needs at least one category');
  });

  it('--help shows the new options', async () => {
    const help = await runCli(['replay', '--help']);
    expect(help.stdout).toContain('--ignore-integrations');
    expect(help.stdout).toContain('--consent-categories <list>');
    expect(help.stdout).toContain('--suppress <file>');
    const diffHelp = await runCli(['diff', '--help']);
    expect(diffHelp.stdout).toContain('--suppress <file>');
  });
});

describe('diff applies the same rules', () => {
  let run: LiveRun | undefined;
  afterEach(async () => {
    await run?.close();
    run = undefined;
  });

  it('does not compare what a replay would not send', async () => {
    run = await liveRun();
    const dir = await tempDir();
    const keys = async (args: string[]) => {
      const result = await runCli(['diff', RULES, '--format', 'json', '--state-dir', join(dir, 'state'), ...args], { env: run!.env() });
      expect(result.code, result.stderr).toBe(0);
      return (parseLines(result.stdout) as Array<{ key: string }>).map((line) => line.key).sort();
    };
    expect(await keys([])).toEqual(['initech.com', 'lawrence@initech.com', 'michael@initech.com', 'milton@initech.com', 'peter@initech.com']);
    expect(await keys(['--ignore-integrations'])).toEqual(['bill@initech.com', 'initech.com', 'joanna@chotchkies.com', 'lawrence@initech.com', 'michael@initech.com', 'milton@initech.com', 'peter@initech.com']);
    expect(await keys(['--suppress', SUPPRESS])).toEqual(['initech.com', 'michael@initech.com', 'peter@initech.com']);
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });
});

describe('a live replay with a suppression list', () => {
  let run: LiveRun | undefined;
  afterEach(async () => {
    await run?.close();
    run = undefined;
  });

  it('leaves none of the suppressed people in HubSpot, and later runs of the state directory keep suppressing their ids', async () => {
    run = await liveRun();
    const dir = await tempDir();
    const first = await run.replay([RULES, '--suppress', SUPPRESS, '--report', join(dir, 'first.json')]);
    expect(first.code, first.stderr).toBe(0);
    const state = run.emulator.snapshot();
    expect(Object.keys(state.contacts).sort()).toEqual(['michael@initech.com', 'peter@initech.com']);
    expect([...emailsIn(state)].filter((email) => SUPPRESSED_EMAILS.includes(email))).toEqual([]);
    expect(state.associations).toEqual([['peter@initech.com', 'initech.com']]);
    expect(state.events.map((event) => [event.eventName, event.email]).sort()).toEqual([
      ['pe123456_order_completed', 'peter@initech.com'],
      ['pe123456_report_viewed', 'michael@initech.com'],
      ['pe123456_report_viewed', 'peter@initech.com'],
    ]);
    // Nothing of a suppressed call is kept to be replayed later, not even as a dead letter.
    const deadLetterFile = join(run.stateDir, 'dead-letter.ndjson');
    expect(existsSync(deadLetterFile) ? await readFile(deadLetterFile, 'utf8') : '').toBe('');
    const report = await run.readReport(join(dir, 'first.json'));
    expect(report['skipped']).toMatchObject({ suppressed: 7, integration_disabled: 3 });

    // A later export: the same people come back under ids only, or with new emails.
    const later = await writeNdjson(dir, 'later.ndjson', [
      { type: 'track', messageId: 'l-1', anonymousId: 'anon-milton', event: 'Desk Moved', properties: { email: 'milton.new@example.com' } },
      { type: 'identify', messageId: 'l-2', userId: 'u-lawrence', traits: { email: 'lawrence.new@example.com' } },
      { type: 'track', messageId: 'l-3', userId: 'u-samir', event: 'Logged In', context: { traits: { email: 'samir.new@example.com' } } },
      { type: 'identify', messageId: 'l-4', userId: 'u-tom', traits: { email: 'tom@initech.com', firstName: 'Tom' } },
    ]);
    // A dry run reads the ids the live run learnt, even without the list.
    const dry = await runCli(['replay', later, '--dry-run', '--hub-id', '123456', '--state-dir', run.stateDir]);
    expect(dry.code, dry.stderr).toBe(0);
    expect((parseLines(dry.stdout) as Op[]).map((op) => op.email)).toEqual(['tom@initech.com']);

    // The second live run is given no list: the learnt ids are the state directory's.
    const second = await run.replay([later, '--report', join(dir, 'second.json')]);
    expect(second.code, second.stderr).toBe(0);
    const after = run.emulator.snapshot();
    expect(Object.keys(after.contacts).sort()).toEqual(['michael@initech.com', 'peter@initech.com', 'tom@initech.com']);
    expect(after.events).toEqual(state.events);
    expect((await run.readReport(join(dir, 'second.json')))['skipped']).toMatchObject({ suppressed: 3 });

    // A third run with --fresh starts the checkpoint over, never the suppressions.
    const third = await run.replay([later, '--fresh', '--report', join(dir, 'third.json')]);
    expect(third.code, third.stderr).toBe(0);
    expect(run.emulator.snapshot()).toEqual(after);
    expect((await run.readReport(join(dir, 'third.json')))['skipped']).toMatchObject({ suppressed: 3 });
  });
});
