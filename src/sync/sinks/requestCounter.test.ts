// What a dry run counts for its request plan, from the operations the mapping phase hands on.
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../core/types.js';
import { RequestCounter, type PortalBefore } from './requestCounter.js';
import { searchRequestCount } from '../companies/companySearch.js';

const contact = (email: string): Operation => ({ op: 'contact.upsert', email, properties: {} });
const company = (domain: string): Operation => ({ op: 'company.upsert', domain, properties: {} });
const association = (email: string, domain: string): Operation => ({ op: 'association', email, domain });
const event = (eventName: string, uuid: string, properties: string[] = []): Operation => ({
  op: 'event.send', eventName, email: 'a@x.com', uuid, properties: Object.fromEntries(properties.map((p) => [p, '1'])), propertyTypes: {},
});

const EMPTY: PortalBefore = { companyIds: new Map(), eventDefinitions: new Map(), keyProperty: 'hubspot_sync_domain' };

async function count(operations: Operation[], mode: 'folded' | 'streamed', portal: PortalBefore = EMPTY, find?: (domains: string[]) => Promise<ReadonlySet<string>>) {
  const counter = new RequestCounter(mode, portal);
  for (const operation of operations) counter.note(operation);
  try {
    return await counter.counts(find);
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
    const domains = times(10, (i) => `d${i}.com`);
    expect(counts).toEqual({
      contacts: { keys: 150 },
      contactsOnlyAssociated: { keys: 1 },
      companySearches: { batches: searchRequestCount(domains, new Set(), 'hubspot_sync_domain') },
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
    expect(counts.companySearches).toEqual({ batches: searchRequestCount(first.map((op) => (op as { domain: string }).domain), new Set(), 'hubspot_sync_domain') + searchRequestCount(['new.com'], new Set(), 'hubspot_sync_domain') });
    expect(counts.companyCreates).toEqual({ batches: 2 });
    expect(counts.companyUpdates).toEqual({ batches: 1 });
  });

  it('a domain the state directory knows is updated without a search; one the portal has (a token) is updated after it', async () => {
    const portal = { ...EMPTY, companyIds: new Map([['known.com', '7']]) };
    const asked: string[][] = [];
    const counts = await count([company('known.com'), company('found.com'), company('new.com')], 'folded', portal, (domains) => {
      asked.push(domains);
      return Promise.resolve(new Set(['found.com']));
    });
    expect(asked).toEqual([['found.com', 'new.com']]);
    expect(counts.companyUpdates).toEqual({ keys: 2 });
    expect(counts.companyCreates).toEqual({ keys: 1 });
    expect(counts.companySearches).toEqual({ batches: searchRequestCount(['found.com', 'new.com'], new Set(['found.com']), 'hubspot_sync_domain') });
  });

  it('event definitions: what the portal lacks, created as the event batches go', async () => {
    const portal = { ...EMPTY, eventDefinitions: new Map([['pe1_known', new Set(['plan'])]]) };
    const operations = [event('pe1_known', 'a', ['plan', 'seats']), event('pe1_new', 'b', ['x']), ...times(500, (i) => event('pe1_other', `o${i}`)), event('pe1_new', 'c', ['y'])];
    const counts = await count(operations, 'folded', portal);
    expect(counts.eventDefinitionCreates).toBe(2);
    // seats on the known event; y on pe1_new, which its first batch created without it.
    expect(counts.eventPropertyCreates).toBe(2);
    expect(counts.events).toEqual({ batches: 2 });
  });
});
