// What a dry run counts for its request plan, from the operations the mapping phase hands on.
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../core/types.js';
import { RequestCounter, type CompanyReader, type PortalBefore } from './requestCounter.js';

const contact = (email: string): Operation => ({ op: 'contact.upsert', email, properties: {} });
const company = (domain: string): Operation => ({ op: 'company.upsert', domain, properties: {} });
const association = (email: string, domain: string): Operation => ({ op: 'association', email, domain });
const event = (eventName: string, uuid: string, properties: string[] = []): Operation => ({
  op: 'event.send', eventName, email: 'a@x.com', uuid, properties: Object.fromEntries(properties.map((p) => [p, '1'])), propertyTypes: {},
});

const EMPTY: PortalBefore = { companyIds: new Map(), eventDefinitions: new Map(), keyProperty: 'hubspot_sync_domain' };

async function count(operations: Operation[], mode: 'folded' | 'streamed', portal: PortalBefore = EMPTY, reader?: CompanyReader) {
  const counter = new RequestCounter(mode, portal);
  for (const operation of operations) counter.note(operation);
  try {
    return await counter.counts(reader);
  } finally {
    counter.close();
  }
}

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe('RequestCounter', () => {
  it('folded: distinct contacts, pairs and domains; only-associated emails; events in batches of 500', async () => {
    const operations = [
      ...times(250, (i) => contact(`c${i % 150}@x.com`)),
      ...times(30, (i) => company(`d${i % 10}.com`)),
      ...times(40, (i) => association(`c${i % 20}@x.com`, `d${i % 10}.com`)),
      association('only@x.com', 'd1.com'),
      ...times(1001, (i) => event('pe1_signed_up', `u${i}`)),
    ];
    const counts = await count(operations, 'folded');
    expect(counts).toEqual({
      contacts: { keys: 150 },
      contactsOnlyAssociated: { keys: 1 },
      // One by their own domain, and an empty portal's listing of additional domains.
      companySearches: { batches: 2 },
      companyCreates: { keys: 10 },
      companyUpdates: { keys: 0 },
      associations: { keys: 21 },
      events: { batches: 3 },
      eventDefinitionCreates: 1,
      eventPropertyCreates: 0,
    });
  });

  it('streamed: the batches the stream fills, a contact sent again once its batch went', async () => {
    const operations = [...times(100, (i) => contact(`c${i}@x.com`)), contact('c0@x.com'), ...times(3, (i) => association(`c${i}@x.com`, 'd.com'))];
    const counts = await count(operations, 'streamed');
    expect(counts.contacts).toEqual({ batches: 2 });
    expect(counts.associations).toEqual({ batches: 1 });
  });

  it('streamed companies: a domain is searched and created in its first batch, updated in later ones', async () => {
    const first = times(100, (i) => company(`d${i}.com`));
    const counts = await count([...first, company('d0.com'), company('new.com')], 'streamed');
    // Each batch's new domains by their own domain; the listing of additional domains once.
    expect(counts.companySearches).toEqual({ batches: 3 });
    expect(counts.companyCreates).toEqual({ batches: 2 });
    expect(counts.companyUpdates).toEqual({ batches: 1 });
  });

  it('a domain the state directory knows is updated without a search; one the portal has (a token) is updated after it', async () => {
    const portal = { ...EMPTY, companyIds: new Map([['known.com', '7']]) };
    const asked: string[][] = [];
    const reader: CompanyReader = {
      find: (domains) => {
        asked.push(domains);
        return Promise.resolve(new Set(['found.com']));
      },
      listedCompanies: () => Promise.resolve(0),
    };
    const counts = await count([company('known.com'), company('found.com'), company('new.com')], 'folded', portal, reader);
    expect(asked).toEqual([['found.com', 'new.com']]);
    expect(counts.companyUpdates).toEqual({ keys: 2 });
    expect(counts.companyCreates).toEqual({ keys: 1 });
    expect(counts.companySearches).toEqual({ batches: 2 });
  });

  it.each([
    { case: 'every domain found by its own: no second pass', found: 250, listed: 10_000, searches: 3 },
    { case: 'no company lists additional domains: one listing request', found: 0, listed: 0, searches: 3 + 1 },
    { case: '450 list some: read 200 a request', found: 0, listed: 450, searches: 3 + 3 },
    { case: '2,000 list some: still read', found: 100, listed: 2_000, searches: 3 + 10 },
    { case: '2,001 list some: five domains a request', found: 100, listed: 2_001, searches: 3 + 30 },
  ])('company searches: $case', async ({ found, listed, searches }) => {
    const domains = times(250, (i) => `d${i}.com`);
    const reader: CompanyReader = { find: (asked) => Promise.resolve(new Set(asked.filter((domain) => domains.indexOf(domain) < found))), listedCompanies: () => Promise.resolve(listed) };
    for (const mode of ['folded', 'streamed'] as const) {
      const counts = await count(domains.map(company), mode, EMPTY, reader);
      // Streamed, nothing is known found: every domain of a batch goes to the second pass.
      const expected = mode === 'streamed' && found > 0 && listed > 2_000 ? 3 + 50 : searches;
      expect(counts.companySearches, mode).toEqual({ batches: expected });
    }
  });

  it('event definitions: what the portal lacks, created as the event batches go (streamed) or before each name\'s batches (folded)', async () => {
    const portal = { ...EMPTY, eventDefinitions: new Map([['pe1_known', new Set(['plan'])]]) };
    const operations = [event('pe1_known', 'a', ['plan', 'seats']), event('pe1_new', 'b', ['x']), ...times(500, (i) => event('pe1_other', `o${i}`)), event('pe1_new', 'c', ['y'])];
    const streamed = await count(operations, 'streamed', portal);
    expect(streamed.eventDefinitionCreates).toBe(2);
    // seats on the known event; y on pe1_new, which its first batch created without it.
    expect(streamed.eventPropertyCreates).toBe(2);
    expect(streamed.events).toEqual({ batches: 2 });
    // Folded, pe1_new's two events go in one batch (key order: name, then uuid): created with x and y.
    const folded = await count(operations, 'folded', portal);
    expect([folded.eventDefinitionCreates, folded.eventPropertyCreates, folded.events]).toEqual([2, 1, { batches: 2 }]);
  });

  it.each([
    { case: 'every name sendable', wide: 0, creates: 3, sends: 5 },
    // 'pe1_b' (sorted between the others) has 60 properties: 50 defined, the rest left out, its events sent.
    { case: 'a name past the 50 properties a definition may hold', wide: 60, creates: 3, sends: 5 },
  ])('folded events: sent in key order, 500 a batch, each name defined once: $case', async ({ wide, creates, sends }) => {
    const operations = [
      ...times(700, (i) => event('pe1_c', `c${i}`, ['plan'])),
      ...times(1200, (i) => event('pe1_b', `b${i}`, i === 0 && wide > 0 ? times(wide, (p) => `p${p}`) : ['plan'])),
      ...times(300, (i) => event('pe1_a', `a${i % 250}`, ['plan'])),
    ];
    const counts = await count(operations, 'folded');
    expect(counts.eventDefinitionCreates).toBe(creates);
    // 250 + 1,200 + 700 distinct events: five batches.
    expect(counts.events).toEqual({ batches: sends });
  });
});
