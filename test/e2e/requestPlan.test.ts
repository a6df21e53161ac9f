// The request plan of a dry run (docs/hubspot.md#the-request-plan), end to end: the built
// CLI's plan of an export next to the requests a live run of the same export then makes
// into the stand-in, which counts them per endpoint.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestPlan } from '../../src/core/requestPlan.js';
import { mixedCalls, writeNdjson } from '../support/corpus.js';
import { runCli, tempDir } from '../support/cli.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

const V = '2026-03';
const UPSERT = `POST /crm/objects/${V}/contacts/batch/upsert`;
const SEARCH = `POST /crm/objects/${V}/companies/search`;
const COMPANY_UPSERT = `POST /crm/objects/${V}/companies/batch/upsert`;
const COMPANY_UPDATE = `POST /crm/objects/${V}/companies/batch/update`;
const ASSOCIATE = `POST /crm/associations/${V}/contact/company/batch/associate/default`;
const SEND = `POST /events/${V}/send/batch`;
const DEFINE = `POST /events/${V}/event-definitions`;
/**
 * The batch endpoints: a live stream may send a partial batch after 200 ms without more
 * (more requests than planned); fewer would need a key updated again while its batch is
 * in flight, and these exports name each contact, pair and event once (seven domains).
 */
const BATCHED = new Set([UPSERT, SEARCH, COMPANY_UPSERT, COMPANY_UPDATE, ASSOCIATE, SEND]);

let run: LiveRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

/** 300 identified users (7 company domains), each with a track; every third in a group: 100 pairs. */
async function export300(): Promise<string> {
  return writeNdjson(await tempDir(), 'export.ndjson', mixedCalls(300, { groupEvery: 3 }));
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const made: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(after)) if (n - (before[endpoint] ?? 0) > 0) made[endpoint] = n - (before[endpoint] ?? 0);
  return made;
}

async function planOf(live: LiveRun, file: string, args: string[]): Promise<RequestPlan> {
  const report = join(await tempDir(), 'report.json');
  const dry = await live.replay([file, '--dry-run', '--out', '/dev/null', '--report', report, ...args]);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stderr).toMatch(/request plan +\d+ requests \(\d+ in the ten-second window\), about \d+ seconds?/);
  return (await live.readReport(report)).requestPlan as RequestPlan;
}

/** The plan, then the live run, of one export; answers both with the requests the live run made. */
async function planThenSend(live: LiveRun, file: string, args: string[]): Promise<{ plan: RequestPlan; made: Record<string, number> }> {
  const plan = await planOf(live, file, args);
  const before = { ...live.emulator.stats().requests.byEndpoint };
  const sent = await live.replay([file, ...args]);
  expect(sent.code, sent.stderr).toBe(0);
  return { plan, made: difference(live.emulator.stats().requests.byEndpoint, before) };
}

function expectPlanned(plan: RequestPlan, made: Record<string, number>): void {
  expect(Object.keys(plan.byEndpoint).sort()).toEqual(Object.keys(made).sort());
  for (const [endpoint, n] of Object.entries(made)) {
    if (BATCHED.has(endpoint)) expect(plan.byEndpoint[endpoint], endpoint).toBeLessThanOrEqual(n);
    else expect(plan.byEndpoint[endpoint], endpoint).toBe(n);
  }
  const total = Object.values(made).reduce((sum, n) => sum + n, 0);
  expect(plan.total).toBeLessThanOrEqual(total);
}

describe('the request plan against the live run', () => {
  it('a streamed run: the plan names every endpoint the live run calls, as often (batches: at most as often)', async () => {
    run = await liveRun({ searchLagMs: 0 });
    const file = await export300();
    // The live run streams (--no-compact), as the plan says it would.
    const { plan, made } = await planThenSend(run, file, ['--no-compact']);
    expectPlanned(plan, made);
    expect(plan.byEndpoint[UPSERT]).toBeGreaterThanOrEqual(3);
    expect(plan.byEndpoint[DEFINE]).toBe(2);
    // Windowed: everything but event sends, searches and association batches.
    expect(plan.windowed).toBe(plan.total - (plan.byEndpoint[SEND] ?? 0) - (plan.byEndpoint[SEARCH] ?? 0) - (plan.byEndpoint[ASSOCIATE] ?? 0));
  });

  it('with a token it reads what exists: after a first run, no definition or company is created again', async () => {
    run = await liveRun({ searchLagMs: 0 });
    const file = await export300();
    await planThenSend(run, file, ['--no-compact']);
    const more = await writeNdjson(await tempDir(), 'more.ndjson', mixedCalls(300, { groupEvery: 3, prefix: 'v' }));
    const { plan, made } = await planThenSend(run, more, ['--no-compact']);
    expectPlanned(plan, made);
    expect(plan.byEndpoint[DEFINE]).toBeUndefined();
    expect(plan.byEndpoint[COMPANY_UPSERT]).toBeUndefined();
    // The state directory holds the seven domains' ids: updated, not searched.
    expect(plan.byEndpoint[SEARCH]).toBeUndefined();
    expect(plan.byEndpoint[COMPANY_UPDATE]).toBeGreaterThanOrEqual(1);
  });
});

/** The 300 users' calls, then all of them again under new messageIds: every contact and pair twice. */
const TWICE = [...mixedCalls(300, { groupEvery: 3 }), ...mixedCalls(300, { groupEvery: 3 }).map((call) => ({ ...call, messageId: `again-${String(call.messageId)}` }))];

async function offlinePlan(args: string[], stdin?: string): Promise<RequestPlan> {
  const dir = await tempDir();
  const report = join(dir, 'report.json');
  const dry = await runCli(['replay', ...args, '--dry-run', '--hub-id', '123', '--out', '/dev/null', '--report', report, '--state-dir', join(dir, 'state')], { stdin });
  expect(dry.code, dry.stderr).toBe(0);
  return (JSON.parse(await readFile(report, 'utf8')) as { requestPlan: RequestPlan }).requestPlan;
}

describe('the plan without a token (an empty portal)', () => {
  it('standard input streams: its plan is the streamed one, sending each contact again once its batch went', async () => {
    const file = await writeNdjson(await tempDir(), 'export.ndjson', TWICE);
    const fromStdin = await offlinePlan(['-'], TWICE.map((call) => JSON.stringify(call)).join('\n') + '\n');
    expect(fromStdin).toEqual(await offlinePlan([file, '--no-compact']));
    expect(fromStdin.byEndpoint[UPSERT]).toBe(6);
    expect(fromStdin.byEndpoint[ASSOCIATE]).toBe(2);
    expect((await offlinePlan([file])).byEndpoint[UPSERT]).toBe(3);
  });

  it('a run that reads its inputs twice: every contact, company and pair once, events 500 a request', async () => {
    const dir = await tempDir();
    const file = await writeNdjson(dir, 'export.ndjson', TWICE);
    const report = join(dir, 'report.json');
    const dry = await runCli(['replay', file, '--dry-run', '--hub-id', '123', '--out', '/dev/null', '--report', report, '--state-dir', join(dir, 'state'), '--rate', '10', '--daily-limit', '1000']);
    expect(dry.code, dry.stderr).toBe(0);
    const { requestPlan } = JSON.parse(await readFile(report, 'utf8')) as { requestPlan: RequestPlan };
    expect(requestPlan.byEndpoint).toEqual({
      // The account (a live run checks --hub-id against the token), the catalog, and the
      // unique company key property: read, then created.
      [`GET /account-info/${V}/details`]: 1,
      [`GET /crm/properties/${V}/contacts`]: 1,
      [`GET /crm/properties/${V}/companies`]: 1,
      [`GET /crm/properties/${V}/companies/{propertyName}`]: 1,
      [`POST /crm/properties/${V}/companies`]: 1,
      [`GET /events/${V}/event-definitions`]: 1,
      // Two event names, each defined once.
      [DEFINE]: 2,
      // 300 distinct emails, every one identified twice.
      [UPSERT]: 3,
      // Seven domains: one search by domain, then one reading the (empty) portal's companies
      // that list additional domains; all created.
      [SEARCH]: 2,
      [COMPANY_UPSERT]: 1,
      // 100 distinct pairs.
      [ASSOCIATE]: 1,
      // 600 events.
      [SEND]: 2,
    });
    expect(requestPlan.total).toBe(17);
    // Searches, association batches and event sends are outside the window; at --rate 10, 12 take 12 seconds.
    expect(requestPlan.windowed).toBe(17 - 2 - 1 - 2);
    expect(requestPlan.seconds).toBe(12);
    expect(requestPlan.dailyShare).toBe(12 / 1000);
    expect(dry.stderr).toMatch(/request plan +17 requests \(12 in the ten-second window\), about 12 seconds, 1 % of the daily limit/);
  });
});
