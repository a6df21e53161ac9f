// Company search bodies stay within HubSpot's limits whatever the domains, and the
// search finds companies by their domain and among their additional domains, exactly.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../../test/emulator/index.js';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { RunTally } from '../../report/tally.js';
import { additionalPass, bodySize, CompanyFinder, MAX_SEARCH_BODY, planAdditionalDomainSearches, planDomainSearches, searchCompaniesByDomain, searchRequestCount, type SearchBody } from './companySearch.js';
import { DailyBudget } from '../requests/dailyBudget.js';
import { Requester } from '../requests/requester.js';

const PROPERTIES = ['domain', 'createdate', 'hs_additional_domains', 'hubspot_sync_domain'];

/** Every body as it may go out: with the longest `after` a page can carry. */
const sizeWithPaging = (body: SearchBody) => bodySize({ ...body, after: '9999' });
const inValues = (body: SearchBody) => body.filterGroups.flatMap((g) => g.filters.flatMap((f) => f.values ?? []));
const tokenValues = (body: SearchBody) => body.filterGroups.flatMap((g) => g.filters.flatMap((f) => (f.value === undefined ? [] : [f.value])));

// Host-like strings up to past the DNS limit, and now and then any text at all (unicode
// included: it is measured in bytes).
const label = fc.stringMatching(/^[a-z0-9-]{1,63}$/);
const host = fc.array(label, { minLength: 2, maxLength: 6 }).map((labels) => labels.join('.'));
const domain = fc.oneof(
  { weight: 16, arbitrary: host },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 400, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ minLength: 2500, maxLength: 3100, unit: 'grapheme-ascii' }) },
);

describe('company search bodies', () => {
  it('are at most 3,000 bytes and name every domain exactly once, for any list of domains', () => {
    fc.assert(
      fc.property(fc.array(domain, { maxLength: 400 }), (domains) => {
        const distinct = [...new Set(domains)];
        for (const [plan, values, maxPerBody] of [
          [planDomainSearches(domains, PROPERTIES), inValues, 100],
          [planAdditionalDomainSearches(domains, PROPERTIES), tokenValues, 5],
        ] as const) {
          for (const body of plan.bodies) {
            expect(sizeWithPaging(body)).toBeLessThanOrEqual(MAX_SEARCH_BODY);
            expect(values(body).length).toBeGreaterThan(0);
            expect(values(body).length).toBeLessThanOrEqual(maxPerBody);
            expect(body.filterGroups.length).toBeLessThanOrEqual(5);
          }
          const searched = plan.bodies.flatMap(values);
          // Each domain exactly once: searched, or set apart as too long for any body.
          expect([...searched, ...plan.unsearchable].sort()).toEqual([...distinct].sort());
          // Set apart only when its JSON (quotes and backslashes escaped) nearly fills a body.
          for (const lone of plan.unsearchable) {
            expect(Buffer.byteLength(JSON.stringify(lone))).toBeGreaterThan(MAX_SEARCH_BODY - 400);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('splits 100 domains of 80 characters by size, not by count', () => {
    const domains = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}-${'x'.repeat(72)}.com`);
    expect(domains.every((d) => d.length === 80)).toBe(true);
    const plan = planDomainSearches(domains, PROPERTIES);
    expect(plan.unsearchable).toEqual([]);
    expect(plan.bodies.length).toBeGreaterThan(2);
    expect(plan.bodies.flatMap(inValues)).toEqual(domains);
    for (const body of plan.bodies) expect(sizeWithPaging(body)).toBeLessThanOrEqual(MAX_SEARCH_BODY);
    // A domain no body can hold is set apart, the others still searched.
    const long = `${'l'.repeat(3000)}.com`;
    const withLong = planDomainSearches(['a.com', long, 'b.com'], PROPERTIES);
    expect(withLong.unsearchable).toEqual([long]);
    expect(withLong.bodies.flatMap(inValues)).toEqual(['a.com', 'b.com']);
    // Measured as JSON: 1,400 quotes are 2,800 bytes in a body.
    const quotes = '"'.repeat(1400);
    expect(planDomainSearches(['a.com', quotes], PROPERTIES).unsearchable).toEqual([quotes]);
    // Short domains still go 100 to a body.
    expect(planDomainSearches(Array.from({ length: 250 }, (_, i) => `c${i}.io`), PROPERTIES).bodies.map((b) => inValues(b).length)).toEqual([100, 100, 50]);
  });
});

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(searchLagMs = 0) {
  const clock = new VirtualClock();
  emulator = await startEmulator({ now: () => clock.now(), searchLagMs });
  const requester = new Requester({ client: new HubSpotClient({ baseUrl: emulator.url, token: emulator.token }), options: { rate: 100, concurrency: 2, maxRetries: 2 }, tally: new RunTally(), budget: new DailyBudget({ kind: 'percent', value: 10 }), clock, random: () => 0.5 });
  return { clock, requester, emulator };
}

describe('searchCompaniesByDomain', () => {
  it("finds a company by its own domain, or by a whole entry of its additional domains, never by a part of one", async () => {
    const { requester, emulator } = await setup();
    const acme = emulator.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const globex = emulator.seedCompany({ domain: 'globex.com', hs_additional_domains: 'globex.io;initech.com' });
    emulator.seedCompany({ domain: 'other.com', hs_additional_domains: 'notumbrella.com;umbrella.com.au' });
    const { found, unsearchable } = await searchCompaniesByDomain(requester, ['acme.com', 'initech.com', 'globex.io', 'umbrella.com', 'nobody.com']);
    expect(unsearchable).toEqual([]);
    expect(Object.fromEntries([...found].map(([d, c]) => [d, [c.id, c.via]]))).toEqual({
      'acme.com': [acme, 'domain'],
      'initech.com': [globex, 'additional'],
      'globex.io': [globex, 'additional'],
    });
  });

  it('makes the requests searchRequestCount and additionalPass plan (the request plan counts them): the listing read once per finder, or five domains a request when too many companies list some', async () => {
    const { requester, emulator } = await setup();
    const domains = Array.from({ length: 130 }, (_, i) => (i % 10 === 9 ? `d${i}-${'long'.repeat(15)}.com` : `d${i}.example.com`));
    for (const domain of domains.slice(0, 40)) emulator.seedCompany({ domain });
    for (let i = 0; i < 3; i++) emulator.seedCompany({ domain: `listing${i}.com`, hs_additional_domains: `else${i}.com` });
    const searches = () => emulator.stats().requests.byEndpoint['POST /crm/objects/2026-03/companies/search'] ?? 0;
    const planned = (count: { byDomain: number; perDomain: number }, listed: number, maxListed?: number) => {
      const pass = additionalPass(listed, maxListed);
      return count.byDomain + (count.perDomain === 0 ? 0 : pass.kind === 'listing' ? pass.pages : count.perDomain);
    };
    const listing = new CompanyFinder(requester);
    expect(await listing.listedCount()).toBe(3);
    let before = searches();
    const { found } = await listing.find(domains, { keyProperty: 'hubspot_sync_domain' });
    expect(found.size).toBe(40);
    const count = searchRequestCount(domains, new Set(found.keys()), 'hubspot_sync_domain');
    expect(searches() - before).toBe(planned(count, 3));
    // The same finder keeps its listing: the first pass only.
    before = searches();
    await listing.find(domains, { keyProperty: 'hubspot_sync_domain' });
    expect(searches() - before).toBe(count.byDomain);

    before = searches();
    const perDomain = await new CompanyFinder(requester, { maxListed: 2 }).find(domains, { keyProperty: 'hubspot_sync_domain' });
    expect([...perDomain.found.keys()].sort()).toEqual([...found.keys()].sort());
    // The listing's first page says it is too long; then five domains a request.
    expect(searches() - before).toBe(planned(count, 3, 2) + 1);
    expect(count.perDomain).toBeGreaterThan(1);

    before = searches();
    const own = await searchCompaniesByDomain(requester, domains, { keyProperty: 'hubspot_sync_domain', ownDomainOnly: true });
    expect([...own.found.keys()].sort()).toEqual([...found.keys()].sort());
    expect(searches() - before).toBe(count.byDomain);
  });

  it('finds the same companies through the listing as domain by domain, a listing of many pages included', async () => {
    const { requester, emulator } = await setup();
    const listed: string[] = [];
    for (let i = 0; i < 450; i++) {
      const extra = [`x${i}.com`, `y${i}.org`];
      listed.push(...extra);
      emulator.seedCompany({ domain: `own${i}.com`, hs_additional_domains: extra.join(';') });
    }
    const duplicate = emulator.seedCompany({ domain: 'later.com', hs_additional_domains: 'x7.com' });
    const domains = [...listed.filter((_, i) => i % 7 === 0), 'own3.com', 'nobody.com'];
    const searches = () => emulator.stats().requests.byEndpoint['POST /crm/objects/2026-03/companies/search'] ?? 0;
    let before = searches();
    const viaListing = await new CompanyFinder(requester).find(domains);
    const listingRequests = searches() - before;
    before = searches();
    const viaSearch = await new CompanyFinder(requester, { maxListed: 100 }).find(domains);
    const searchRequests = searches() - before;
    expect(viaListing.found).toEqual(viaSearch.found);
    expect(viaListing.found.size).toBe(domains.length - 1);
    // x7.com: two companies list it, the older wins.
    expect(viaListing.found.get('x7.com')?.id).not.toBe(duplicate);
    expect(viaListing.found.get('own3.com')?.via).toBe('domain');
    // Two by own domain; then 3 listing pages (451 companies), or the one page that says
    // 'too many' and the 130 unfound domains five a request.
    expect(listingRequests).toBe(2 + 3);
    expect(searchRequests).toBe(2 + 1 + Math.ceil((domains.length - 1) / 5));
  });

  it('prefers the company keyed by the domain, then its own domain, then the oldest; skips ids known to be gone', async () => {
    const { requester, emulator } = await setup();
    await fetch(`${emulator.url}/crm/properties/2026-03/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hubspot_sync_domain', label: 'Domain key', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true }),
    });
    const oldest = emulator.seedCompany({ domain: 'acme.com', name: 'First' });
    const keyed = emulator.seedCompany({ domain: 'acme.com', name: 'Keyed', hubspot_sync_domain: 'acme.com' });
    const first = await searchCompaniesByDomain(requester, ['acme.com'], { keyProperty: 'hubspot_sync_domain' });
    expect(first.found.get('acme.com')).toMatchObject({ id: keyed, via: 'key', key: 'acme.com' });
    const unkeyed = await searchCompaniesByDomain(requester, ['acme.com']);
    expect(unkeyed.found.get('acme.com')).toMatchObject({ id: oldest, via: 'domain' });
    const excluded = await searchCompaniesByDomain(requester, ['acme.com'], { keyProperty: 'hubspot_sync_domain', exclude: new Set([keyed]) });
    expect(excluded.found.get('acme.com')).toMatchObject({ id: oldest, via: 'domain', key: undefined });
  });

  it('searches 100 long domains in legal bodies only (the stand-in refuses a longer body)', async () => {
    const { requester, emulator } = await setup();
    const domains = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}-${'y'.repeat(72)}.com`);
    emulator.seedCompany({ domain: domains[57]! });
    emulator.seedCompany({ domain: 'z.com', hs_additional_domains: domains[99]! });
    const { found } = await searchCompaniesByDomain(requester, domains);
    expect([...found.keys()].sort()).toEqual([domains[57], domains[99]]);
    expect(emulator.stats().requests.byEndpoint['POST /crm/objects/2026-03/companies/search']).toBeGreaterThan(3);
  });
});
