// Live delivery end to end: the built CLI replays into the HubSpot stand-in, and the
// tests read what the stand-in stored.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { mixedCalls, writeNdjson } from '../support/corpus.js';
import { EVENTS_MAPPING_DEAD_LETTERS } from '../support/fixtureFacts.js';
import { API_VERSIONS } from '../emulator/index.js';
import { expectOnlyVersion, isPathOf, testLiveRun, type liveRun } from '../support/emulatorRun.js';

async function report(path: string): Promise<RunReport> {
  return JSON.parse(await readFile(path, 'utf8')) as RunReport;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

// Everything that works on one API version works the same on the other: the same state,
// dead letters and report, with every request on the chosen version's paths.
describe.each(API_VERSIONS)('replay into HubSpot, API version %s', (apiVersion) => {
  const live = (options: Parameters<typeof liveRun>[0] = {}) => testLiveRun(options, apiVersion);

  it('delivers a mixed export: exactly the contacts, company, associations and events the mapping predicts', async () => {
    const run = await live();
    const dir = await tempDir();
    const result = await run.replay([join(FIXTURES, 'events.ndjson'), '--report', join(dir, 'report.json')]);
    expect(result.code, result.stderr).toBe(0);

    const state = run.emulator.snapshot();
    expect(state.contacts).toEqual({
      'bill@initech.com': { email: 'bill@initech.com', firstname: 'Bill', lastname: 'Lumbergh', jobtitle: 'Vice President' },
      'joanna@chotchkies.com': { email: 'joanna@chotchkies.com', firstname: 'Joanna' },
      'michael@initech.com': { email: 'michael@initech.com', firstname: 'Michael', lastname: 'Bolton', phone: '+1 512 555 0199' },
      'milton@initech.com': { email: 'milton@initech.com', firstname: 'Milton', lastname: 'Waddams' },
      'nina@initech.com': { email: 'nina@initech.com', firstname: 'Nina', company: 'Initech', lifecyclestage: 'customer' },
      'peter@initech.com': {
        email: 'peter@initech.com', firstname: 'Peter', lastname: 'Gibbons', favorite_color: 'blue', plan_tier: 'pro',
        address: '4120 Freidrich Ln', city: 'Austin', state: 'TX', zip: '78744', country: 'US', company: 'Initech',
        lifecyclestage: 'lead', trial_end: '2026-03-05',
      },
      // samir@initech.com only ever sent a track: the group's association creates the contact by its email alone.
      'samir@initech.com': { email: 'samir@initech.com' },
    });
    // One company for initech.com, though two group calls named it; the later website wins.
    expect(state.companies).toEqual([
      { domain: 'initech.com', name: 'Initech', city: 'Austin', state: 'TX', numberofemployees: '250', website: 'initech.com', hubspot_sync_domain: 'initech.com' },
    ]);
    expect(state.associations).toEqual([['peter@initech.com', 'initech.com'], ['samir@initech.com', 'initech.com']]);
    expect(state.events.map((e) => [e.eventName, e.email])).toEqual([
      ['pe123456_feature_used', 'michael@initech.com'],
      ['pe123456_flair_added', 'joanna@chotchkies.com'],
      ['pe123456_order_completed', 'peter@initech.com'],
      ['pe123456_report_viewed', 'bill@initech.com'],
      ['pe123456_shift_ended', 'joanna@chotchkies.com'],
      ['pe123456_signed_up', 'samir@initech.com'],
    ]);
    expect(state.events.find((e) => e.eventName === 'pe123456_order_completed')).toMatchObject({
      occurredAt: '2026-01-05T09:20:00.000Z',
      properties: { revenue: '49.99', currency: 'USD' },
    });
    expect(state.eventDefinitions.find((d) => d.name === 'signed_up')?.properties).toEqual(['plan', 'referrer']);

    const deadLetters = parseLines(await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8')) as Array<{ code: string; source: { line: number } }>;
    expect(deadLetters.map((d) => [d.code, d.source.line])).toEqual(EVENTS_MAPPING_DEAD_LETTERS);
    const summary = await report(join(dir, 'report.json'));
    expect(summary.status).toBe('completed');
    expect(summary.counts).toEqual({ read: 25, delivered: 15, skipped: 4, deadLettered: 6 });
    expect(summary.requests.rateLimited).toBe(0);
    expect(summary.requests.byEndpoint[`POST /crm/objects/${apiVersion}/contacts/batch/upsert`]).toBeGreaterThan(0);
    // The report names the endpoints by their versioned paths, and the stand-in saw no other.
    expect(Object.keys(summary.requests.byEndpoint).filter((key) => !isPathOf(key.split(' ')[1]!, apiVersion))).toEqual([]);
    expectOnlyVersion(run.emulator, apiVersion);
  });

  it('creates missing event definitions and their missing properties on the fly', async () => {
    const run = await live({ eventDefinitions: [{ name: 'signed_up', label: 'Signed up', propertyDefinitions: [{ name: 'plan', label: 'Plan', type: 'string' }] }] });
    const result = await run.replay([join(FIXTURES, 'events.ndjson')]);
    expect(result.code, result.stderr).toBe(0);
    const state = run.emulator.snapshot();
    expect(state.eventDefinitions.find((d) => d.name === 'signed_up')?.properties).toEqual(['plan', 'referrer']);
    expect(state.events.map((e) => e.eventName)).toContain('pe123456_signed_up');
    // A definition created on the fly types each property from its first raw value.
    const orderCompleted = run.emulator.state.eventDefinitions.get('order_completed');
    expect(orderCompleted?.properties.map((p) => [p.name, p.type])).toEqual([['revenue', 'number'], ['currency', 'string'], ['products', 'string']]);
    const created = run.emulator.requests().filter((r) => r.method === 'POST' && r.path.includes('/event-definitions'));
    expect(created).toContainEqual({ method: 'POST', path: `${apiVersion === '2026-03' ? '/events/2026-03' : '/events/custom/2026-09'}/event-definitions/signed_up/property`, status: 201 });
    expectOnlyVersion(run.emulator, apiVersion);
  });

  it('leaves HubSpot in the same state when the same input is replayed again', async () => {
    const run = await live();
    const input = join(FIXTURES, 'events.ndjson');
    expect((await run.replay([input])).code).toBe(0);
    const once = run.emulator.snapshot();
    await rm(run.stateDir, { recursive: true });
    expect((await run.replay([input])).code).toBe(0);
    expect(run.emulator.snapshot()).toEqual(once);
    expect(once.companies).toHaveLength(1);
  });

  it.each([
    ['one 207 naming them by trace id', false],
    ['a whole-batch 400 (trace ids ignored), narrowed by property and by halves', true],
  ])('dead-letters only the inputs HubSpot rejects inside a batch of 100: %s', async (_how, wholeBatchErrors) => {
    const run = await live({ faults: { wholeBatchErrors } });
    const dir = await tempDir();
    const calls = Array.from({ length: 100 }, (_, i) => ({
      type: 'identify', messageId: `m${i}`, userId: `u${i}`,
      traits: { email: i === 41 ? 'typo@initech.con' : `user${i}@initech.com`, seats: i === 77 ? 'lots' : String(i) },
    }));
    const input = await writeNdjson(dir, 'batch.ndjson', calls);
    // A catalog that calls `seats` a string lets "lots" through the mapping; HubSpot's number property refuses it.
    const catalog = JSON.parse(await readFile(join(FIXTURES, 'catalog.json'), 'utf8')) as { contacts: { results: Array<{ name: string; type: string; fieldType: string }> } };
    for (const p of catalog.contacts.results) if (p.name === 'seats') Object.assign(p, { type: 'string', fieldType: 'text' });
    const catalogFile = join(dir, 'catalog.json');
    await writeFile(catalogFile, JSON.stringify(catalog));

    const result = await run.replay([input, '--catalog', catalogFile, '--report', join(dir, 'report.json')]);
    expect(result.code).toBe(0);
    const contacts = run.emulator.snapshot().contacts;
    expect(Object.keys(contacts)).toHaveLength(98);
    expect(contacts['typo@initech.con']).toBeUndefined();
    expect(contacts['user77@initech.com']).toBeUndefined();
    expect(contacts['user78@initech.com']?.seats).toBe('78');
    const deadLetters = parseLines(await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8')) as Array<{ code: string; reason: string; source: { line: number } }>;
    expect(deadLetters.map((d) => [d.code, d.source.line])).toEqual([['HUBSPOT_REJECTED', 42], ['HUBSPOT_REJECTED', 78]]);
    expect(deadLetters[0]!.reason).toContain('typo@initech.con');
    expect(deadLetters[1]!.reason).toContain('seats');
    const summary = await report(join(dir, 'report.json'));
    expect(summary.counts).toEqual({ read: 100, delivered: 98, skipped: 0, deadLettered: 2 });
    const upserts = run.emulator.requests().filter((r) => r.path.endsWith('/contacts/batch/upsert')).map((r) => r.status);
    expect(summary.requests.byEndpoint[`POST /crm/objects/${apiVersion}/contacts/batch/upsert`]).toBe(upserts.length);
    if (wholeBatchErrors) {
      // 400s: the batch, its halves, down to each bad input.
      expect(upserts.length).toBeGreaterThan(6);
    } else {
      // One request; the rejections came in the body of the answer: a 207 in 2026-03, a 200 from 2026-09.
      expect(upserts).toEqual([apiVersion === '2026-03' ? 207 : 200]);
    }
    expectOnlyVersion(run.emulator, apiVersion);
  });
});

// Faults on one API version each: what differs between the versions is proven above and
// in the version tests. HubSpot's times at a tenth, back-off included: a retry's wait is
// what these runs spend their time on.
const TIME_SCALE = 0.1;

describe('replay through faults', () => {
  it('arrives at the same state through 10 % server errors and 5 % connection resets', async () => {
    const dir = await tempDir();
    const input = await writeNdjson(dir, 'mixed.ndjson', mixedCalls(300));
    const clean = await testLiveRun({ timeScale: TIME_SCALE });
    expect((await clean.replay([input])).code).toBe(0);
    const expected = clean.emulator.snapshot();

    const run = await testLiveRun({ timeScale: TIME_SCALE, faults: { seed: 7, errorRate: 0.1, resetRate: 0.05, wholeBatchShare: 0.5 } }, '2026-09');
    const faulty = await run.replay([input, '--report', join(dir, 'report.json')]);
    expect(faulty.code, faulty.stderr).toBe(0);
    expect(run.emulator.stats().faults.errors + run.emulator.stats().faults.resets).toBeGreaterThan(0);
    expect(run.emulator.snapshot()).toEqual(expected);
    expect((await report(join(dir, 'report.json'))).requests.retried).toBeGreaterThan(0);
    expectOnlyVersion(run.emulator, '2026-09');
  });

  it("arrives at the same state through HubSpot's unpleasant answers: 429 with Retry-After, 423, a proxy's HTML 502/503, a 200 that is not JSON, no rate-limit headers", async () => {
    const dir = await tempDir();
    const input = await writeNdjson(dir, 'mixed.ndjson', mixedCalls(300, { groupEvery: 3 }));
    const clean = await testLiveRun({ timeScale: TIME_SCALE });
    expect((await clean.replay([input])).code).toBe(0);
    const expected = clean.emulator.snapshot();

    const run = await testLiveRun({
      timeScale: TIME_SCALE,
      searchLagMs: 3000,
      // Seed 15 draws every kind within the first 14 requests, whatever their order.
      faults: { seed: 15, rateLimitRate: 0.08, retryAfterSeconds: 1, lockedRate: 0.08, htmlErrorRate: 0.08, badJsonRate: 0.08, omitRateLimitHeaders: true },
    });
    const faulty = await run.replay([input, '--report', join(dir, 'report.json')]);
    expect(faulty.code, faulty.stderr).toBe(0);
    expect(faulty.stderr).not.toMatch(/unexpected error|<html|<!DOCTYPE/i);
    const { faults, rateLimited } = run.emulator.stats();
    expect(faults).toMatchObject({ rateLimited: expect.any(Number), locked: expect.any(Number), html: expect.any(Number), badJson: expect.any(Number) });
    for (const kind of ['rateLimited', 'locked', 'html', 'badJson'] as const) expect(faults[kind], kind).toBeGreaterThan(0);
    // Its own pace, with no headers to go by: the only 429s are the injected ones.
    expect(rateLimited).toBe(faults.rateLimited);
    expect(run.emulator.snapshot()).toEqual(expected);
    const summary = await report(join(dir, 'report.json'));
    expect(summary.counts.deadLettered).toBe(0);
    expect(summary.requests.rateLimited).toBe(faults.rateLimited);
    expect(summary.requests.retried).toBeGreaterThanOrEqual(faults.locked + faults.html + faults.badJson);
    expectOnlyVersion(run.emulator, '2026-03');
  });
});

describe('credentials', () => {
  it('stops at once with exit 2 on a wrong token, says what to fix, and never prints the token', async () => {
    const run = await testLiveRun();
    const token = 'pat-na1-wrong-0000-secret';
    const result = await run.replay([join(FIXTURES, 'events.ndjson')], { env: { HUBSPOT_ACCESS_TOKEN: token } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/token/i);
    expect(result.stderr).toContain('401');
    expect(result.stdout + result.stderr).not.toContain(token);
    expect(Object.keys(run.emulator.snapshot().contacts)).toHaveLength(0);
  });

  it('never writes the token into output, report, dead letters or state', async () => {
    const run = await testLiveRun();
    const dir = await tempDir();
    const result = await run.replay([join(FIXTURES, 'events.ndjson'), '--report', join(dir, 'report.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(run.emulator.token);
    for (const file of [...(await filesUnder(run.stateDir)), join(dir, 'report.json')]) {
      expect((await readFile(file)).includes(run.emulator.token), file).toBe(false);
    }
  });

  it('refuses to send the token over plain http to anything but this machine', async () => {
    const result = await runCli(['replay', join(FIXTURES, 'events.ndjson'), '--base-url', 'http://hubspot.example.com', '--token', 'pat-secret-1'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('clear text');
    expect(result.stderr).not.toContain('pat-secret-1');
  });
});
