// The request plan (docs/hubspot.md#the-request-plan): counts of keys and batches to
// requests per endpoint, the windowed share, the time at --rate and the daily share.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_LIMITS, EventDefinitionPlan, planRequests, requestsFor, StreamedBatches, type PlanCounts, type PlannedEndpoint, type PlanSettings } from './requestPlan.js';

/** Endpoint names stand for their labels here; the HubSpot layer's table is tested with the CLI. */
const UNWINDOWED = new Set<PlannedEndpoint>(['eventsSend', 'companiesSearch', 'associateDefault']);
const settings = (over: Partial<PlanSettings> = {}): PlanSettings => ({
  companyKeyed: true,
  rate: 100,
  label: (endpoint) => endpoint,
  windowed: (endpoint) => !UNWINDOWED.has(endpoint),
  ...over,
});

const NOTHING: PlanCounts = {
  contacts: { keys: 0 },
  contactsOnlyAssociated: { keys: 0 },
  companySearches: { batches: 0 },
  companyCreates: { keys: 0 },
  companyUpdates: { keys: 0 },
  associations: { keys: 0 },
  events: { batches: 0 },
  eventDefinitionCreates: 0,
  eventPropertyCreates: 0,
  propertyCreates: { contacts: 0, companies: 0 },
  setup: { catalog: false, eventDefinitionPages: 0, companyKey: 'none' },
};

const counts = (over: Partial<PlanCounts>): PlanCounts => ({ ...NOTHING, ...over });

describe('planRequests', () => {
  it.each<[string, Partial<PlanCounts>, Partial<PlanSettings>, Record<string, number>]>([
    ['nothing to send: only the account read', {}, {}, {}],
    ['contacts: 100 a request, once each after the fold', { contacts: { keys: 1999 } }, {}, { contactsUpsert: 20 }],
    ['exactly full batches', { contacts: { keys: 200 }, associations: { keys: 100 } }, {}, { contactsUpsert: 2, associateDefault: 1 }],
    ['a streamed run: the batches it fills', { contacts: { batches: 47 } }, {}, { contactsUpsert: 47 }],
    ['contacts only associations name: read, then created by their email alone', { contacts: { keys: 100 }, contactsOnlyAssociated: { keys: 5 } }, {}, { contactsUpsert: 2, contactsRead: 1 }],
    ['keyed companies are created by upsert on the key', { companySearches: { batches: 3 }, companyCreates: { keys: 101 }, companyUpdates: { keys: 1 } }, {}, { companiesSearch: 3, companiesUpsert: 2, companiesUpdate: 1 }],
    ['the safe path creates', { companyCreates: { keys: 5 } }, { companyKeyed: false }, { companiesCreate: 1 }],
    ['events: 500 a request', { events: { keys: 1001 } }, {}, { eventsSend: 3 }],
    ['definitions and their properties: one request each', { eventDefinitionCreates: 13, eventPropertyCreates: 2 }, {}, { eventDefinitionCreate: 13, eventPropertyCreate: 2 }],
    ['the property plan: its batch creates per object', { propertyCreates: { contacts: 1, companies: 1 } }, {}, { contactPropertiesCreate: 1, companyPropertiesCreate: 1 }],
    ['setup: account, catalog, definitions list, the key property read and created',
      { setup: { catalog: true, eventDefinitionPages: 2, companyKey: 'create' } }, {},
      { contactProperties: 1, companyProperties: 1, eventDefinitions: 2, companyProperty: 1, companyPropertyCreate: 1 }],
    ['a key property the state directory knows is not read', { setup: { catalog: false, eventDefinitionPages: 0, companyKey: 'known' } }, {}, {}],
    ['a key property that exists is read once', { setup: { catalog: false, eventDefinitionPages: 0, companyKey: 'read' } }, {}, { companyProperty: 1 }],
  ])('%s', (_, over, settingsOver, expected) => {
    // A live run always reads the account's details first (its hub ID, or that --hub-id is the token's).
    expect(planRequests(counts(over), settings(settingsOver)).byEndpoint).toEqual({ accountDetails: 1, ...expected });
  });

  it.each<[string, Partial<PlanCounts>, Partial<PlanSettings>, { total: number; windowed: number; seconds: number; dailyShare?: number }]>([
    ['event sends, searches and association batches are outside the window', { contacts: { keys: 2000 }, events: { keys: 5000 }, companySearches: { batches: 4 }, associations: { keys: 250 } }, {},
      { total: 1 + 20 + 10 + 4 + 3, windowed: 21, seconds: 3 }],
    ['seconds: windowed / rate × 10, rounded up', { contacts: { keys: 2600 } }, { rate: 100 }, { total: 27, windowed: 27, seconds: 3 }],
    ['thousands of requests', { contacts: { keys: 14_321 * 100 } }, { rate: 100 }, { total: 14_322, windowed: 14_322, seconds: 1433 }],
    ['a slower rate takes longer', { contacts: { keys: 14_321 * 100 } }, { rate: 10 }, { total: 14_322, windowed: 14_322, seconds: 14_322 }],
    ['the daily share only with a daily limit', { contacts: { keys: 2600 } }, { dailyLimit: 250_000 }, { total: 27, windowed: 27, seconds: 3, dailyShare: 27 / 250_000 }],
  ])('%s', (_, over, settingsOver, expected) => {
    const { byEndpoint: _byEndpoint, ...rest } = planRequests(counts(over), settings(settingsOver));
    expect(rest).toEqual(expected);
  });

  it('uses the labels it is given: endpoints with one label are added up', () => {
    const plan = planRequests(counts({ contacts: { keys: 250 }, contactsOnlyAssociated: { keys: 1 } }), settings({ label: (e) => `POST /${e === 'contactsRead' ? 'read' : e === 'contactsUpsert' ? 'contacts' : e}` }));
    expect(plan.byEndpoint).toEqual({ 'POST /accountDetails': 1, 'POST /contacts': 4, 'POST /read': 1 });
  });

  const work = fc.oneof(fc.nat(100_000).map((keys) => ({ keys })), fc.nat(2_000).map((batches) => ({ batches })));
  const anyCounts = fc.record({
    contacts: work,
    contactsOnlyAssociated: work,
    companySearches: work,
    companyCreates: work,
    companyUpdates: work,
    associations: work,
    events: work,
    eventDefinitionCreates: fc.nat(500),
    eventPropertyCreates: fc.nat(500),
    propertyCreates: fc.record({ contacts: fc.nat(2), companies: fc.nat(2) }),
    setup: fc.record({ catalog: fc.boolean(), eventDefinitionPages: fc.nat(5), companyKey: fc.constantFrom('none' as const, 'known' as const, 'read' as const, 'create' as const) }),
  });

  it('adds up: total is the sum per endpoint, windowed the sum of the windowed ones, none of them zero', () => {
    fc.assert(fc.property(anyCounts, fc.boolean(), fc.integer({ min: 1, max: 1000 }), (c, keyed, rate) => {
      const plan = planRequests(c, settings({ companyKeyed: keyed, rate }));
      const values = Object.entries(plan.byEndpoint);
      expect(plan.total).toBe(values.reduce((sum, [, n]) => sum + n, 0));
      expect(plan.windowed).toBe(values.filter(([e]) => !UNWINDOWED.has(e as PlannedEndpoint)).reduce((sum, [, n]) => sum + n, 0));
      expect(values.every(([, n]) => Number.isInteger(n) && n > 0)).toBe(true);
      expect(plan.seconds).toBe(Math.ceil((plan.windowed * 10) / rate));
      expect(plan.dailyShare).toBeUndefined();
    }));
  });

  it('never sends a batch over its limit, and never a request more than the keys need', () => {
    fc.assert(fc.property(fc.nat(1_000_000), fc.constantFrom(...Object.values(BATCH_LIMITS)), (keys, limit) => {
      const requests = requestsFor({ keys }, limit);
      expect(requests * limit).toBeGreaterThanOrEqual(keys);
      expect((requests - 1) * limit).toBeLessThan(Math.max(keys, 1));
    }));
  });

  it('more keys never plan fewer requests', () => {
    fc.assert(fc.property(anyCounts, fc.nat(10_000), (c, more) => {
      const grown = { ...c, contacts: { keys: ('keys' in c.contacts ? c.contacts.keys : 0) + more } };
      const base = { ...c, contacts: { keys: 'keys' in c.contacts ? c.contacts.keys : 0 } };
      expect(planRequests(grown, settings()).total).toBeGreaterThanOrEqual(planRequests(base, settings()).total);
    }));
  });
});

describe('StreamedBatches', () => {
  it.each<[string, string[], number, number]>([
    ['no key, no batch', [], 3, 0],
    ['one key many times merges into one batch', ['a', 'a', 'a'], 3, 1],
    ['a full batch goes; the next key opens another', ['a', 'b', 'c', 'a'], 3, 2],
    ['a key repeated after its batch went is sent again', ['a', 'b', 'c', 'a', 'b', 'c'], 3, 2],
    ['merging keeps a batch open', ['a', 'b', 'a', 'b', 'c'], 3, 1],
  ])('%s', (_, keys, limit, batches) => {
    const stream = new StreamedBatches(limit);
    for (const key of keys) stream.add(key);
    expect(stream.batches).toBe(batches);
  });

  it('tells each batch as it goes, the last at the end', () => {
    const sent: string[][] = [];
    const stream = new StreamedBatches(2, (keys) => sent.push([...keys]));
    for (const key of ['a', 'a', 'b', 'c']) stream.add(key);
    expect(sent).toEqual([['a', 'b']]);
    stream.end();
    stream.end();
    expect(sent).toEqual([['a', 'b'], ['c']]);
  });

  it('makes between distinct/limit and operations/limit batches, each within the limit', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }).map(String), { maxLength: 500 }), fc.integer({ min: 1, max: 20 }), (keys, limit) => {
      const sizes: number[] = [];
      const stream = new StreamedBatches(limit, (batch) => sizes.push(batch.size));
      for (const key of keys) stream.add(key);
      stream.end();
      expect(stream.batches).toBe(sizes.length);
      expect(sizes.every((size) => size >= 1 && size <= limit)).toBe(true);
      expect(stream.batches).toBeGreaterThanOrEqual(Math.ceil(new Set(keys).size / limit));
      expect(stream.batches).toBeLessThanOrEqual(Math.ceil(keys.length / limit) + Math.ceil(new Set(keys).size / limit));
    }));
  });
});

describe('EventDefinitionPlan', () => {
  /** A batch: event name → the property names of its occurrences (one occurrence each). */
  const batch = (entries: Record<string, string[]>) => new Map(Object.entries(entries).map(([name, props]) => [name, { properties: new Map(props.map((p) => [p, 1])), count: 1 }]));
  const existing = (entries: Record<string, string[]>) => new Map(Object.entries(entries).map(([name, props]) => [name, new Set(props)]));
  const props = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it.each<[string, Record<string, string[]>, Array<Record<string, string[]>>, { creates: number; propertyCreates: number; sends: number }]>([
    ['an empty portal: each event created once, with the first batch\'s properties', {}, [{ a: ['x'], b: [] }, { a: ['x'] }], { creates: 2, propertyCreates: 0, sends: 2 }],
    ['a property a later batch brings is added, once', {}, [{ a: ['x'] }, { a: ['x', 'y'] }, { a: ['y'] }], { creates: 1, propertyCreates: 1, sends: 3 }],
    ['an existing definition: only its missing properties', { a: ['x'] }, [{ a: ['x', 'y', 'z'] }], { creates: 0, propertyCreates: 2, sends: 1 }],
    ['everything defined: nothing but the sends', { a: ['x'], b: ['y'] }, [{ a: ['x'], b: ['y'] }], { creates: 0, propertyCreates: 0, sends: 1 }],
    ['a create with more than 50 properties: the first 50 defined, the rest left out, every event sent', {}, [{ a: props(51) }, { a: props(51) }], { creates: 1, propertyCreates: 0, sends: 2 }],
    ['another event of the batch is sent as well', {}, [{ a: props(51), b: ['x'] }], { creates: 2, propertyCreates: 0, sends: 1 }],
    ['additions stop at 50, without a request past them; the events are sent all the same', {}, [{ a: props(50) }, { a: props(2, 'q') }, { a: ['q1'] }], { creates: 1, propertyCreates: 0, sends: 3 }],
    ['an existing definition with room for one: the first name added, the second left out', { a: [...props(49), 'hs_page_url'] }, [{ a: ['q0', 'q1'] }], { creates: 0, propertyCreates: 1, sends: 1 }],
  ])('%s', (_, before, batches, expected) => {
    const plan = new EventDefinitionPlan(existing(before));
    for (const b of batches) plan.batch(batch(b));
    expect({ creates: plan.creates, propertyCreates: plan.propertyCreates, sends: plan.sends }).toEqual(expected);
  });

  it('counts, per name, the occurrences a stream sends without it', () => {
    const plan = new EventDefinitionPlan(existing({}));
    plan.batch(batch({ a: props(52) }));
    plan.batch(batch({ a: ['p51', 'q'] }));
    expect(Object.fromEntries(plan.leftOut)).toEqual({ p50: 1, p51: 2, q: 1 });
  });

  it('a run that folds defines each event once, with the first 50 names in the order its events carried them', () => {
    const plan = new EventDefinitionPlan(existing({}));
    plan.folded(new Map([['a', { properties: new Map(props(60).map((p) => [p, 20])), count: 1_200 }], ['b', { properties: new Map([['x', 300]]), count: 300 }]]));
    expect({ creates: plan.creates, propertyCreates: plan.propertyCreates, sends: plan.sends }).toEqual({ creates: 2, propertyCreates: 0, sends: 3 });
    // The ten names past the first 50, each left out of the 20 occurrences that carry it.
    expect(Object.fromEntries(plan.leftOut)).toEqual(Object.fromEntries(props(60).slice(50).map((p) => [p, 20])));
  });

  it('with --no-create-event-definitions nothing is created and every batch is sent', () => {
    const plan = new EventDefinitionPlan(existing({}), false);
    plan.batch(batch({ a: props(60), b: ['x'] }));
    plan.batch(batch({ a: ['y'] }));
    expect({ creates: plan.creates, propertyCreates: plan.propertyCreates, sends: plan.sends }).toEqual({ creates: 0, propertyCreates: 0, sends: 2 });
  });
});
