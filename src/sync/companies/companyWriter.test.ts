// The company writer against the HubSpot stand-in, both on one virtual clock: search
// lag, lost answers and back-off without waiting on wall time. What every test checks in
// the end: one company per domain, whatever HubSpot did.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultEmulatorCatalog, startEmulator, type Emulator, type EmulatorOptions } from '../../../test/emulator/index.js';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import type { DeadLetterVerdict, PropertyValues } from '../../core/types.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { RunTally } from '../../report/tally.js';
import { CompanyMemory } from '../../state/companyMemory.js';
import { DEFAULT_COMPANY_KEY } from './companyKey.js';
import { CompanyWriter, UNCONFIRMED_TIMEOUT_MS } from './companyWriter.js';
import { DailyBudget } from '../requests/dailyBudget.js';
import { PauseError } from '../../errors.js';
import { Requester } from '../requests/requester.js';

const KEY = DEFAULT_COMPANY_KEY;
const UPSERT = 'POST /crm/objects/2026-03/companies/batch/upsert';
const CREATE = 'POST /crm/objects/2026-03/companies/batch/create';
const UPDATE = 'POST /crm/objects/2026-03/companies/batch/update';
const PROPERTY_READ = 'GET /crm/properties/2026-03/companies/{propertyName}';
const PROPERTY_CREATE = 'POST /crm/properties/2026-03/companies';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Portal {
  clock: VirtualClock;
  emulator: Emulator;
  requester: Requester;
  /** The state directory's memory, shared by the runs of one test. */
  ids: Map<string, string>;
  memory: CompanyMemory;
}

async function portal(options: EmulatorOptions = {}, token?: string): Promise<Portal> {
  const clock = new VirtualClock();
  emulator = await startEmulator({ ...options, now: () => clock.now(), rateLimit: { searchPerSecond: 1000, ...options.rateLimit } });
  const client = new HubSpotClient({ baseUrl: emulator.url, token: token ?? emulator.token });
  const requester = new Requester({ client, options: { rate: 100, concurrency: 2, maxRetries: 8, searchPerSecond: 1000 }, tally: new RunTally(), budget: new DailyBudget({ kind: 'percent', value: 10 }), clock, random: () => 0.5 });
  return { clock, emulator, requester, ids: new Map(), memory: new CompanyMemory() };
}

interface Run {
  verdicts: Map<string, DeadLetterVerdict | undefined>;
  fatal?: unknown;
  notices: string[];
}

/** One run of the writer over these companies (domain → properties), to the end. */
async function run(p: Portal, companies: Record<string, PropertyValues>, { keyed = true, maxRetries = 6 } = {}): Promise<Run> {
  const keyProperty = keyed ? KEY : undefined;
  const notices: string[] = [];
  let fatal: unknown;
  const writer = new CompanyWriter(p.requester, p.ids, p.memory, p.clock, { keyProperty, maxRetries, notify: (m) => notices.push(m), lingerMs: 1 }, (error) => (fatal ??= error));
  const pending = Object.entries(companies).map(async ([domain, properties], i) => [domain, await writer.upsert({ op: 'company.upsert', domain, properties }, i)] as const);
  await writer.batches.drain();
  if (fatal) return { verdicts: new Map(), fatal, notices };
  return { verdicts: new Map(await Promise.all(pending)), notices };
}

/** domain → how many companies HubSpot holds for it. */
function perDomain(e: Emulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const company of e.state.companies.values()) {
    const domain = company.properties.domain ?? '(none)';
    counts[domain] = (counts[domain] ?? 0) + 1;
  }
  return counts;
}

const requests = (e: Emulator, endpoint: string): number => e.stats().requests.byEndpoint[endpoint] ?? 0;
const delivered = (r: Run) => [...r.verdicts.values()].every((v) => v === undefined) && r.fatal === undefined;

describe('CompanyWriter, keyed by the unique domain property', () => {
  it('creates the key property once and upserts by it: an upsert whose answer was lost lands on the same company', async () => {
    const p = await portal({ searchLagMs: 600_000, faults: { seed: 4, resetRate: 0.6, endpoints: [UPSERT] } });
    const domains = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`c${i}.com`, { name: `C${i}` }]));
    const first = await run(p, domains);
    expect(delivered(first)).toBe(true);
    expect(p.emulator.stats().faults.resets).toBeGreaterThan(0);
    expect(perDomain(p.emulator)).toEqual(Object.fromEntries(Object.keys(domains).map((d) => [d, 1])));
    expect(first.notices).toEqual([expect.stringContaining(`Created the company property ${KEY} (unique values)`)]);
    expect(p.memory.keyProperty).toBe(KEY);
    for (const company of p.emulator.state.companies.values()) expect(company.properties[KEY]).toBe(company.properties.domain);
    expect(requests(p.emulator, CREATE)).toBe(0);

    // The next run knows the key: it neither reads nor creates the property again.
    p.emulator.setFaults({});
    const propertyCalls = requests(p.emulator, PROPERTY_READ) + requests(p.emulator, PROPERTY_CREATE);
    const second = await run(p, { 'c1.com': { name: 'C1 again' }, 'new.com': { name: 'New' } });
    expect(delivered(second)).toBe(true);
    expect(requests(p.emulator, PROPERTY_READ) + requests(p.emulator, PROPERTY_CREATE)).toBe(propertyCalls);
    expect(perDomain(p.emulator)['new.com']).toBe(1);
    expect(p.emulator.state.companies.get(p.ids.get('c1.com')!)?.properties.name).toBe('C1 again');
  });

  it('updates companies search finds, and keys those found by their own domain; one listing the domain among others is used as is', async () => {
    const p = await portal();
    const acme = p.emulator.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const globex = p.emulator.seedCompany({ domain: 'globex.com', hs_additional_domains: 'globex.io;initech.com' });
    const result = await run(p, { 'acme.com': { city: 'Austin' }, 'initech.com': { city: 'Dallas' } });
    expect(delivered(result)).toBe(true);
    expect(requests(p.emulator, UPSERT) + requests(p.emulator, CREATE)).toBe(0);
    expect(p.emulator.state.companies.get(acme)?.properties).toMatchObject({ city: 'Austin', [KEY]: 'acme.com' });
    expect(p.emulator.state.companies.get(globex)?.properties).toMatchObject({ city: 'Dallas', domain: 'globex.com' });
    expect(p.emulator.state.companies.get(globex)?.properties[KEY]).toBeUndefined();
    expect(Object.fromEntries(p.ids)).toEqual({ 'acme.com': acme, 'initech.com': globex });
  });

  it('a cached id whose company was deleted is looked up again, ignoring the deleted one a lagging search still shows', async () => {
    const p = await portal({ searchLagMs: 30_000 });
    await run(p, { 'acme.com': { name: 'Acme' } });
    const old = p.ids.get('acme.com')!;
    p.clock.time += 60_000;
    p.emulator.deleteCompany(old);
    const again = await run(p, { 'acme.com': { name: 'Acme again' } });
    expect(delivered(again)).toBe(true);
    expect(p.ids.get('acme.com')).not.toBe(old);
    expect(p.emulator.snapshot().companies).toEqual([{ domain: 'acme.com', name: 'Acme again', [KEY]: 'acme.com' }]);
  });

  it('reads the additional domains again once a write changed them: a company given a domain in one batch is found by it in the next', async () => {
    const p = await portal();
    const writer = new CompanyWriter(p.requester, p.ids, p.memory, p.clock, { keyProperty: KEY, maxRetries: 6, lingerMs: 1 }, (error) => {
      throw error;
    });
    const first = writer.upsert({ op: 'company.upsert', domain: 'acme.com', properties: { hs_additional_domains: 'acme.io' } }, 0);
    await writer.batches.drain();
    expect(await first).toBeUndefined();
    const second = writer.upsert({ op: 'company.upsert', domain: 'acme.io', properties: { city: 'Austin' } }, 1);
    await writer.batches.drain();
    expect(await second).toBeUndefined();
    expect(p.emulator.state.companies.size).toBe(1);
    expect(p.ids.get('acme.io')).toBe(p.ids.get('acme.com'));
    expect(p.emulator.state.companies.get(p.ids.get('acme.com')!)?.properties).toMatchObject({ domain: 'acme.com', city: 'Austin' });
  });

  it("a cached id merged into another company: the domain is found among the survivor's additional domains and updated there", async () => {
    const p = await portal({ searchLagMs: 30_000 });
    await run(p, { 'acme.com': { name: 'Acme' }, 'acme-corp.com': { name: 'Acme Corp' } });
    const survivor = p.ids.get('acme.com')!;
    p.emulator.mergeCompanies(survivor, p.ids.get('acme-corp.com')!);
    p.clock.time += 60_000;
    const again = await run(p, { 'acme-corp.com': { city: 'Austin' } });
    expect(delivered(again)).toBe(true);
    expect(p.ids.get('acme-corp.com')).toBe(survivor);
    expect(p.emulator.state.companies.size).toBe(1);
    expect(p.emulator.state.companies.get(survivor)?.properties).toMatchObject({ domain: 'acme.com', city: 'Austin', hs_additional_domains: 'acme-corp.com' });
  });

  it('a key property that lost its unique values (an admin) is decided again, not blamed on the records', async () => {
    const p = await portal();
    p.memory.rememberKeyProperty(KEY); // an earlier run's decision; the property is gone since
    const result = await run(p, { 'acme.com': { name: 'Acme' }, 'globex.com': { name: 'Globex' } });
    expect(delivered(result)).toBe(true);
    expect(requests(p.emulator, PROPERTY_CREATE)).toBe(1);
    expect(perDomain(p.emulator)).toEqual({ 'acme.com': 1, 'globex.com': 1 });
  });

  it('never lets a trait of the same name override the key', async () => {
    const p = await portal();
    const result = await run(p, { 'acme.com': { name: 'Acme', [KEY]: 'evil.com' } });
    expect(delivered(result)).toBe(true);
    expect(p.emulator.snapshot().companies).toEqual([{ domain: 'acme.com', name: 'Acme', [KEY]: 'acme.com' }]);
  });

  it('dead-letters a domain too long to search; the others arrive', async () => {
    const p = await portal();
    const long = `${'x'.repeat(3000)}.com`;
    const result = await run(p, { 'acme.com': { name: 'Acme' }, [long]: { name: 'Long' } });
    expect(result.verdicts.get('acme.com')).toBeUndefined();
    expect(result.verdicts.get(long)).toMatchObject({ code: 'INVALID_WEBSITE', reason: expect.stringContaining('HubSpot cannot search for it') });
    expect(perDomain(p.emulator)).toEqual({ 'acme.com': 1 });
  });

  it('narrows a whole-batch 400 (trace ids ignored) down to the one bad company, by halves', async () => {
    const p = await portal({ faults: { wholeBatchErrors: true } });
    const companies = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`c${i}.com`, { numberofemployees: i === 11 ? 'lots' : String(i) }]));
    const result = await run(p, companies);
    expect([...result.verdicts].filter(([, v]) => v !== undefined)).toEqual([['c11.com', { code: 'HUBSPOT_REJECTED', reason: expect.stringContaining('numberofemployees') }]]);
    expect(Object.keys(perDomain(p.emulator))).toHaveLength(15);
    // 16 → 8 → 4 → 2 → 1 on the bad side, and the good halves once each.
    expect(requests(p.emulator, UPSERT)).toBe(9);
  });
});

describe('CompanyWriter without a key property (the safe path)', () => {
  it('does not repeat a create whose answer was lost while search lags: it searches again until the company shows', async () => {
    const p = await portal({ searchLagMs: 5000, faults: { resetRate: 1, endpoints: [CREATE] } });
    const result = await run(p, { 'acme.com': { name: 'Acme' }, 'globex.com': { name: 'Globex' } }, { keyed: false });
    expect(delivered(result)).toBe(true);
    expect(requests(p.emulator, CREATE)).toBe(1);
    expect(perDomain(p.emulator)).toEqual({ 'acme.com': 1, 'globex.com': 1 });
    expect(p.clock.slept.filter((ms) => ms >= 1000)).toEqual([1000, 2000, 4000]);
    expect(p.memory.unconfirmedSince('acme.com')).toBeUndefined();
  });

  it('pauses when HubSpot cannot confirm in time; the next run searches first and finds the company', async () => {
    const p = await portal({ searchLagMs: 120_000, faults: { resetRate: 1, endpoints: [CREATE] } });
    const first = await run(p, { 'acme.com': { name: 'Acme' } }, { keyed: false, maxRetries: 3 });
    expect(first.fatal).toBeInstanceOf(PauseError);
    expect((first.fatal as Error).message).toMatch(/1 company \(acme\.com\) may have been created by a request that got no answer/);
    expect(p.memory.unconfirmedSince('acme.com')).toBeDefined();
    p.emulator.setFaults({});
    p.clock.time += 120_000;
    const second = await run(p, { 'acme.com': { city: 'Austin' } }, { keyed: false });
    expect(delivered(second)).toBe(true);
    expect(requests(p.emulator, CREATE)).toBe(1);
    expect(p.emulator.snapshot().companies).toEqual([{ domain: 'acme.com', name: 'Acme', city: 'Austin' }]);
  });

  it('never creates a domain whose unanswered create is younger than an hour; creates it once an hour has passed without a trace', async () => {
    const p = await portal();
    p.memory.markUnconfirmed(['acme.com'], p.clock.now() - 10 * 60_000);
    const waiting = await run(p, { 'acme.com': { name: 'Acme' } }, { keyed: false, maxRetries: 2 });
    expect(waiting.fatal).toBeInstanceOf(PauseError);
    expect(requests(p.emulator, CREATE)).toBe(0);
    p.clock.time += UNCONFIRMED_TIMEOUT_MS;
    const later = await run(p, { 'acme.com': { name: 'Acme' } }, { keyed: false });
    expect(delivered(later)).toBe(true);
    expect(perDomain(p.emulator)).toEqual({ 'acme.com': 1 });
  });

  it('waits for search with the one back-off of every retry: doubling from a second, never more than a minute, then pauses', async () => {
    const p = await portal();
    p.memory.markUnconfirmed(['acme.com'], p.clock.now() - 10 * 60_000);
    const waiting = await run(p, { 'acme.com': { name: 'Acme' } }, { keyed: false, maxRetries: 8 });
    expect(waiting.fatal).toBeInstanceOf(PauseError);
    expect(p.clock.slept.filter((ms) => ms >= 1000)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    expect(requests(p.emulator, CREATE)).toBe(0);
  });

  it('an unconfirmed domain from an earlier unkeyed run is waited for even once the key property exists', async () => {
    const p = await portal({ searchLagMs: 5000 });
    p.emulator.seedCompany({ domain: 'acme.com', name: 'Made by the lost create' });
    p.memory.markUnconfirmed(['acme.com'], p.clock.now());
    const result = await run(p, { 'acme.com': { city: 'Austin' } });
    expect(delivered(result)).toBe(true);
    expect(requests(p.emulator, UPSERT)).toBe(0);
    expect(perDomain(p.emulator)).toEqual({ 'acme.com': 1 });
  });
});

describe('CompanyWriter: when the key property cannot be had', () => {
  const cases: Array<[string, () => Promise<Portal>, RegExp]> = [
    [
      'the token lacks crm.schemas.companies.write',
      () => portal({ tokens: { limited: ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.read'] } }, 'limited'),
      /lacks the scope crm\.schemas\.companies\.write/,
    ],
    [
      "the portal's 10 unique properties are used",
      () => {
        const catalog = defaultEmulatorCatalog();
        for (let i = 0; i < 10; i++) catalog.companies.results.push({ ...catalog.companies.results.find((x) => x.name === 'mrr')!, name: `unique_${i}`, type: 'string', fieldType: 'text', hasUniqueValue: true });
        return portal({ catalog });
      },
      /HubSpot refused to create the unique company property hubspot_sync_domain \(You can have at most 10 unique value properties/,
    ],
    [
      'a property of that name exists without unique values',
      () => {
        const catalog = defaultEmulatorCatalog();
        catalog.companies.results.push({ ...catalog.companies.results.find((x) => x.name === 'name')!, name: KEY, hubspotDefined: false });
        return portal({ catalog });
      },
      /exists but does not require unique values/,
    ],
  ];
  for (const [why, make, notice] of cases) {
    it(`falls back to the safe path, saying why: ${why}`, async () => {
      const p = await make();
      const result = await run(p, { 'acme.com': { name: 'Acme' }, 'globex.com': { name: 'Globex' } });
      expect(delivered(result)).toBe(true);
      expect(result.notices).toEqual([expect.stringMatching(notice)]);
      expect(result.notices[0]).toContain('Companies are found by searching');
      expect(requests(p.emulator, UPSERT)).toBe(0);
      expect(perDomain(p.emulator)).toEqual({ 'acme.com': 1, 'globex.com': 1 });
      expect(p.memory.keyProperty).toBeUndefined();
    });
  }

  it('with --company-key none it asks nothing about properties', async () => {
    const p = await portal();
    const result = await run(p, { 'acme.com': { name: 'Acme' } }, { keyed: false });
    expect(delivered(result)).toBe(true);
    expect(result.notices).toEqual([]);
    expect(requests(p.emulator, PROPERTY_READ) + requests(p.emulator, PROPERTY_CREATE)).toBe(0);
  });
});

describe('CompanyWriter: update answers', () => {
  it('keys a found company unless another one holds the key already (made while search lagged): then it is updated without', async () => {
    const p = await portal({ searchLagMs: 5000 });
    await run(p, { 'seed.com': {} }); // creates the key property
    const older = p.emulator.seedCompany({ domain: 'acme.com', name: 'Older' });
    // Keyed a moment ago by another writer: search cannot see it yet.
    const made = await fetch(`${p.emulator.url}/crm/objects/2026-03/companies/batch/upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ idProperty: KEY, id: 'acme.com', properties: { domain: 'acme.com', name: 'Keyed' } }] }),
    });
    expect(made.status).toBe(200);
    const updates = requests(p.emulator, UPDATE);
    const result = await run(p, { 'acme.com': { city: 'Austin' } });
    expect(delivered(result)).toBe(true);
    expect(p.ids.get('acme.com')).toBe(older);
    expect(requests(p.emulator, UPDATE) - updates).toBe(2); // with the key: 409; without it
    expect(p.emulator.state.companies.get(older)?.properties).toMatchObject({ name: 'Older', city: 'Austin' });
    expect(p.emulator.state.companies.get(older)?.properties[KEY]).toBeUndefined();
  });

  it('an update answered 207 OBJECT_NOT_FOUND for some ids: those are looked up again, the rest are done', async () => {
    const p = await portal();
    await run(p, { 'a.com': { name: 'A' }, 'b.com': { name: 'B' }, 'c.com': { name: 'C' } });
    const gone = p.ids.get('b.com')!;
    p.emulator.deleteCompany(gone);
    const result = await run(p, { 'a.com': { city: 'X' }, 'b.com': { city: 'Y' }, 'c.com': { city: 'Z' } });
    expect(delivered(result)).toBe(true);
    expect(p.ids.get('b.com')).not.toBe(gone);
    expect(p.emulator.snapshot().companies.map((c) => [c.domain, c.city])).toEqual([['a.com', 'X'], ['b.com', 'Y'], ['c.com', 'Z']]);
  });
});
