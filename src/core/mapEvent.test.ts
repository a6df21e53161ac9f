import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { mapEvent } from './mapEvent.js';
import type { CatalogDocument, EventDefinitions, MapContext, MapOptions, MapResult, Operation, SegmentCall } from './types.js';
import { uuidFor } from './uuid.js';

const catalog = Catalog.fromDocument(
  JSON.parse(readFileSync(new URL('../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument,
);

interface ContextOverrides {
  known?: Record<string, string>;
  options?: Partial<MapOptions>;
  eventDefinitions?: EventDefinitions;
}

function context({ known = {}, options = {}, eventDefinitions }: ContextOverrides = {}): MapContext {
  const identities = new Map(Object.entries(known));
  return {
    catalog,
    hubId: 123,
    options: { createEventDefinitions: true, pagesAsEvents: false, eventMap: {}, ...options },
    identities,
    ...(eventDefinitions === undefined ? {} : { eventDefinitions }),
  };
}

const ops = (result: MapResult) => result.operations.map((operation) => operation.op);

describe('identify (docs/mapping.md#identify)', () => {
  it('upserts the contact by its normalised email and teaches userId and anonymousId', () => {
    const result = mapEvent(
      {
        type: 'identify',
        userId: 'u1',
        anonymousId: 'a1',
        traits: { email: ' Ada@Example.COM ', name: 'Ada Lovelace', company: { name: 'Initech' }, plan: { tier: 'pro' }, shoe_size: 38 },
      },
      context(),
    );
    expect(result).toEqual({
      operations: [
        { op: 'contact.upsert', email: 'ada@example.com', properties: { firstname: 'Ada', lastname: 'Lovelace', company: 'Initech', plan_tier: 'pro' } },
      ],
      warnings: [{ kind: 'dropped_property', object: 'contact', property: 'shoe_size', reason: 'not in the catalog', value: 38 }],
      learn: [
        { id: 'u1', email: 'ada@example.com' },
        { id: 'a1', email: 'ada@example.com' },
      ],
    });
  });

  it('sends company.name as the contact property company, never a company record', () => {
    const result = mapEvent({ type: 'identify', traits: { email: 'a@b.co', company: { name: 'Initech', website: 'initech.com' } } }, context());
    expect(ops(result)).toEqual(['contact.upsert']);
    expect(result.operations[0]).toMatchObject({ properties: { company: 'Initech' } });
  });

  it.each<[string, SegmentCall, ContextOverrides, string]>([
    ['traits.email', { type: 'identify', traits: { email: 'T@x.co' }, context: { traits: { email: 'c@x.co' } } }, {}, 't@x.co'],
    ['context.traits.email when traits.email is absent', { type: 'identify', traits: {}, context: { traits: { email: 'C@x.co' } } }, {}, 'c@x.co'],
    ['context.traits.email when traits.email is null', { type: 'identify', traits: { email: null }, context: { traits: { email: 'c@x.co' } } }, {}, 'c@x.co'],
    ['context.traits.email when traits.email is ""', { type: 'identify', traits: { email: '' }, context: { traits: { email: 'c@x.co' } } }, {}, 'c@x.co'],
    ['the identity map by userId', { type: 'identify', userId: 'u1', anonymousId: 'a1' }, { known: { u1: 'u@x.co', a1: 'a@x.co' } }, 'u@x.co'],
    ['the identity map by anonymousId', { type: 'identify', userId: 'u1', anonymousId: 'a1' }, { known: { a1: 'a@x.co' } }, 'a@x.co'],
    ['a numeric userId', { type: 'identify', userId: 42 }, { known: { '42': 'n@x.co' } }, 'n@x.co'],
  ])('finds the email in %s', (_, call, overrides, email) => {
    const result = mapEvent(call, context(overrides));
    expect(result.deadLetter).toBeUndefined();
    expect(result.operations).toEqual([{ op: 'contact.upsert', email, properties: {} }]);
  });

  it('teaches the email it found in the identity map to the other id', () => {
    const result = mapEvent({ type: 'identify', userId: 'u1', anonymousId: 'a1' }, context({ known: { u1: 'u@x.co' } }));
    expect(result.learn).toEqual([
      { id: 'u1', email: 'u@x.co' },
      { id: 'a1', email: 'u@x.co' },
    ]);
  });

  it.each<[string, SegmentCall, ContextOverrides, string, RegExp]>([
    ['no email anywhere', { type: 'identify', userId: 'u1', traits: { name: 'Ada' } }, {}, 'MISSING_EMAIL', /^identify has no email: set traits\.email or context\.traits\.email, or identify this userId earlier in the export$/],
    ['no email and no id', { type: 'identify', traits: {} }, {}, 'MISSING_EMAIL', /give the call a userId identified earlier/],
    ['an invalid traits.email', { type: 'identify', userId: 'u1', traits: { email: 'ada@localhost' } }, {}, 'INVALID_EMAIL', /^traits\.email "ada@localhost" is not a valid email \(no dot in the domain\)/],
    [
      'an invalid traits.email even when context.traits.email is valid',
      { type: 'identify', traits: { email: 'not an email' }, context: { traits: { email: 'ok@x.co' } } },
      {},
      'INVALID_EMAIL',
      /^traits\.email/,
    ],
    [
      'an invalid traits.email even when the identity map knows the user',
      { type: 'identify', userId: 'u1', traits: { email: 'ada@' } },
      { known: { u1: 'u@x.co' } },
      'INVALID_EMAIL',
      /nothing after the @/,
    ],
    ['an invalid context.traits.email', { type: 'identify', context: { traits: { email: 42 } } }, {}, 'INVALID_EMAIL', /^context\.traits\.email 42 is not a valid email \(not a string\)/],
  ])('dead-letters %s', (_, call, overrides, code, reason) => {
    const result = mapEvent(call, context(overrides));
    expect(result.operations).toEqual([]);
    expect(result.learn).toEqual([]);
    expect(result.deadLetter?.code).toBe(code);
    expect(result.deadLetter?.reason).toMatch(reason);
  });
});

describe('track (docs/mapping.md#track)', () => {
  const orderCompleted: SegmentCall = {
    type: 'track',
    event: 'Order Completed',
    userId: 'u1',
    messageId: 'msg-1',
    timestamp: '2026-03-05T23:30:00-05:00',
    properties: { email: 'Ada@Example.com', total: 42.5, items: ['a', 'b'], 'Coupon Code': 'X', when: '2026-03-05T10:00:00Z', _hidden: 1 },
  };

  it('sends the occurrence with its name, contact, time, properties, types and uuid', () => {
    const result = mapEvent(orderCompleted, context());
    expect(result).toEqual({
      operations: [
        {
          op: 'event.send',
          eventName: 'pe123_order_completed',
          email: 'ada@example.com',
          occurredAt: '2026-03-06T04:30:00.000Z',
          properties: { total: '42.5', items: 'a;b', coupon_code: 'X', when: '2026-03-05T10:00:00Z' },
          uuid: '1e7e2cf6-c856-5a4c-92b7-16e1f1d8fca7',
          propertyTypes: { total: 'number', when: 'datetime' },
        },
      ],
      warnings: [{ kind: 'dropped_property', object: 'event', property: '_hidden', reason: 'does not start with a letter' }],
      learn: [],
    });
  });

  it.each<[string, SegmentCall, ContextOverrides, string]>([
    ['properties.email', { type: 'track', event: 'E', properties: { email: 'P@x.co' }, context: { traits: { email: 'c@x.co' } } }, {}, 'p@x.co'],
    ['context.traits.email', { type: 'track', event: 'E', context: { traits: { email: 'C@x.co' } } }, {}, 'c@x.co'],
    ['the identity map by userId', { type: 'track', event: 'E', userId: 'u1', anonymousId: 'a1' }, { known: { u1: 'u@x.co', a1: 'a@x.co' } }, 'u@x.co'],
    ['the identity map by anonymousId', { type: 'track', event: 'E', anonymousId: 'a1' }, { known: { a1: 'a@x.co' } }, 'a@x.co'],
  ])('finds the contact in %s and never teaches the identity map', (_, call, overrides, email) => {
    const result = mapEvent(call, context(overrides));
    expect(result.operations).toEqual([expect.objectContaining({ op: 'event.send', email })]);
    expect(result.learn).toEqual([]);
  });

  it.each<[string, SegmentCall, string, RegExp]>([
    ['no email', { type: 'track', event: 'E', userId: 'u9' }, 'MISSING_EMAIL', /^track has no email: set properties\.email or context\.traits\.email, or identify this userId earlier in the export$/],
    ['an invalid properties.email', { type: 'track', event: 'E', properties: { email: 'x' } }, 'INVALID_EMAIL', /^properties\.email "x" is not a valid email \(no @\)/],
    [
      'an invalid properties.email even when context.traits.email is valid',
      { type: 'track', event: 'E', properties: { email: 'a b@x.co' }, context: { traits: { email: 'ok@x.co', firstName: 'Ada' } } },
      'INVALID_EMAIL',
      /white space/,
    ],
    ['no event name', { type: 'track', properties: { email: 'a@x.co' } }, 'INVALID_RECORD', /track has no event name/],
  ])('dead-letters %s, sending nothing', (_, call, code, reason) => {
    const result = mapEvent(call, context());
    expect(result.operations).toEqual([]);
    expect(result.deadLetter?.code).toBe(code);
    expect(result.deadLetter?.reason).toMatch(reason);
  });

  describe('context.traits → a contact.upsert before the event', () => {
    it('upserts the resolved contact first when a property survives the catalog', () => {
      const call = { type: 'track', timestamp: '2026-03-05T10:00:00Z', event: 'E', userId: 'u1', context: { traits: { email: 'Peter@Initech.com', firstName: 'Peter', shoe_size: 44 } } };
      const result = mapEvent(call, context({ known: { u1: 'someone.else@x.co' } }));
      expect(result.operations[0]).toEqual({ op: 'contact.upsert', email: 'peter@initech.com', properties: { firstname: 'Peter' } });
      expect(ops(result)).toEqual(['contact.upsert', 'event.send']);
      expect(result.warnings).toEqual([{ kind: 'dropped_property', object: 'contact', property: 'shoe_size', reason: 'not in the catalog', value: 44 }]);
    });

    it('targets the email the track resolved (properties.email first)', () => {
      const call = { type: 'track', event: 'E', properties: { email: 'p@x.co' }, context: { traits: { email: 'c@x.co', lastName: 'Gibbons' } } };
      expect(mapEvent(call, context()).operations[0]).toEqual({ op: 'contact.upsert', email: 'p@x.co', properties: { lastname: 'Gibbons' } });
    });

    it.each<[string, Record<string, unknown>]>([
      ['only an email', { email: 'c@x.co' }],
      ['only unknown traits', { email: 'c@x.co', shoe_size: 44 }],
      ['only invalid values', { email: 'c@x.co', seats: 'many' }],
      ['only empty values', { email: 'c@x.co', firstName: '' }],
    ])('sends no upsert when context.traits has %s', (_, traits) => {
      const result = mapEvent({ type: 'track', event: 'E', context: { traits } }, context());
      expect(ops(result)).toEqual(['event.send']);
    });
  });

  describe('occurredAt and uuid', () => {
    it.each<[string, Record<string, unknown>, string | undefined]>([
      ['timestamp', { timestamp: '2026-03-05T10:00:00Z', sentAt: '2026-03-06T00:00:00Z' }, '2026-03-05T10:00:00.000Z'],
      ['originalTimestamp when timestamp is unparseable', { timestamp: 'now', originalTimestamp: '2026-03-05 10:00' }, '2026-03-05T10:00:00.000Z'],
      ['a BigQuery timestamp', { timestamp: '2026-03-05 10:00:00.123000 UTC' }, '2026-03-05T10:00:00.123Z'],
      ['a Snowflake timestamp', { timestamp: '2026-03-05 10:00:00.123 -0100' }, '2026-03-05T11:00:00.123Z'],
      ['receivedAt', { receivedAt: 1772685000000 }, '2026-03-05T04:30:00.000Z'],
      ['sentAt', { sentAt: '2026-03-05' }, '2026-03-05T00:00:00.000Z'],
      ['none', {}, undefined],
    ])('occurredAt from %s', (_, times, occurredAt) => {
      const [send] = mapEvent({ type: 'track', event: 'E', properties: { email: 'a@x.co' }, ...times }, context()).operations;
      if (occurredAt === undefined) expect(send).not.toHaveProperty('occurredAt');
      else expect(send).toMatchObject({ occurredAt });
    });

    it.each<[string, Record<string, unknown>]>([
      ['an unreadable timestamp', { timestamp: 'March 5, 2026' }],
      ['every time field unreadable', { timestamp: 'now', originalTimestamp: '2026-02-30', receivedAt: 'x', sentAt: '2026-03-05 10:00 PST' }],
      ['an unreadable time beside empty ones', { timestamp: '', originalTimestamp: null, sentAt: 'yesterday' }],
    ])('dead-letters %s as INVALID_TIMESTAMP naming each field and value; the context.traits upsert still goes', (_, times) => {
      const call = { type: 'track', event: 'E', properties: { email: 'a@x.co' }, context: { traits: { email: 'a@x.co', firstName: 'Ada' } }, ...times };
      const result = mapEvent(call, context());
      expect(result.deadLetter?.code).toBe('INVALID_TIMESTAMP');
      for (const [field, raw] of Object.entries(times)) {
        if (raw !== '' && raw !== null) expect(result.deadLetter?.reason).toContain(`${field} ${JSON.stringify(raw)}`);
      }
      expect(ops(result)).toEqual(['contact.upsert']);
    });

    it('checks the time after the email and the event name', () => {
      expect(mapEvent({ type: 'track', event: 'E', timestamp: 'now' }, context()).deadLetter?.code).toBe('MISSING_EMAIL');
      expect(mapEvent({ type: 'track', event: 'pe999_x', timestamp: 'now', properties: { email: 'a@x.co' } }, context()).deadLetter?.code).toBe('UNKNOWN_EVENT');
    });

    it('sends an event with no time field at all without occurredAt, with a without_time warning; one with a time has none', () => {
      const without = mapEvent({ type: 'track', event: 'E', properties: { email: 'a@x.co' }, timestamp: '' }, context());
      expect(without.deadLetter).toBeUndefined();
      expect(without.warnings).toEqual([{ kind: 'without_time', object: 'event', property: 'pe123_e', reason: expect.stringContaining('occurredAt') as unknown }]);
      const dated = mapEvent({ type: 'track', event: 'E', properties: { email: 'a@x.co' }, sentAt: '2026-03-02 02:16:51.272+00' }, context());
      expect(dated.warnings).toEqual([]);
      expect(dated.operations[0]).toMatchObject({ occurredAt: '2026-03-02T02:16:51.272Z' });
    });

    it('dead-letters a page with --pages-as-events whose time is unreadable', () => {
      const result = mapEvent({ type: 'page', userId: 'u1', timestamp: '02/03/2026' }, context({ known: { u1: 'u@x.co' }, options: { pagesAsEvents: true } }));
      expect(result.deadLetter).toMatchObject({ code: 'INVALID_TIMESTAMP', reason: expect.stringContaining('timestamp "02/03/2026"') as unknown });
    });

    it('derives the uuid from the call identity and the raw event time without a messageId', () => {
      const call = { type: 'track', event: 'E', anonymousId: 'a1', receivedAt: '1772685000', properties: { email: 'a@x.co', n: 1 } };
      const [send] = mapEvent(call, context()).operations;
      expect(send).toMatchObject({ uuid: uuidFor(call, '1772685000') });
      expect(mapEvent(call, context()).operations[0]).toEqual(send);
    });
  });

  describe('event names', () => {
    it.each<[string, SegmentCall, Record<string, string>, string]>([
      ['normalised and prefixed', { type: 'track', event: 'Signed Up!' }, {}, 'pe123_signed_up'],
      ['a pe name of this portal', { type: 'track', event: 'pe123_signed_up' }, {}, 'pe123_signed_up'],
      ['the event map', { type: 'track', event: 'Signed Up' }, { 'Signed Up': 'pe123_user_registered' }, 'pe123_user_registered'],
    ])('%s', (_, call, eventMap, eventName) => {
      const result = mapEvent({ ...call, properties: { email: 'a@x.co' } }, context({ options: { eventMap } }));
      expect(result.operations).toEqual([expect.objectContaining({ op: 'event.send', eventName })]);
    });

    it('dead-letters an event of another portal as UNKNOWN_EVENT; the context.traits upsert still goes', () => {
      const call = { type: 'track', event: 'pe999_signed_up', properties: { email: 'a@x.co' }, context: { traits: { firstName: 'Ada' } } };
      const result = mapEvent(call, context());
      expect(result.deadLetter).toMatchObject({ code: 'UNKNOWN_EVENT' });
      expect(result.deadLetter?.reason).toMatch(/portal 999/);
      expect(ops(result)).toEqual(['contact.upsert']);
    });
  });

  describe('--no-create-event-definitions', () => {
    const definitions: EventDefinitions = new Map([['pe123_order_completed', new Set(['total', 'currency'])]]);
    const strict = context({ options: { createEventDefinitions: false }, eventDefinitions: definitions });

    it('drops and counts properties the definition lacks', () => {
      const result = mapEvent({ type: 'track', timestamp: '2026-03-05T10:00:00Z', event: 'Order Completed', properties: { email: 'a@x.co', total: 5, coupon: 'X' } }, strict);
      expect(result.operations).toEqual([expect.objectContaining({ eventName: 'pe123_order_completed', properties: { total: '5' }, propertyTypes: { total: 'number' } })]);
      expect(result.warnings).toEqual([{ kind: 'dropped_property', object: 'event', property: 'coupon', reason: 'not in the event definition' }]);
    });

    it('dead-letters an event without definition as UNKNOWN_EVENT', () => {
      const result = mapEvent({ type: 'track', event: 'Refunded', properties: { email: 'a@x.co', total: 5 } }, strict);
      expect(result.operations).toEqual([]);
      expect(result.deadLetter?.code).toBe('UNKNOWN_EVENT');
      expect(result.deadLetter?.reason).toMatch(/^event pe123_refunded has no definition in HubSpot/);
    });

    it('knows no definition when none are given', () => {
      const result = mapEvent({ type: 'track', event: 'Order Completed', properties: { email: 'a@x.co' } }, context({ options: { createEventDefinitions: false } }));
      expect(result.deadLetter?.code).toBe('UNKNOWN_EVENT');
    });

    it('lets everything through when definitions may be created', () => {
      const result = mapEvent({ type: 'track', timestamp: '2026-03-05T10:00:00Z', event: 'Refunded', properties: { email: 'a@x.co', coupon: 'X' } }, context({ eventDefinitions: definitions }));
      expect(result.operations).toEqual([expect.objectContaining({ eventName: 'pe123_refunded', properties: { coupon: 'X' } })]);
      expect(result.warnings).toEqual([]);
    });
  });
});

describe('group (docs/mapping.md#group)', () => {
  it('upserts the company by the website domain, then associates the group user', () => {
    const call = {
      type: 'group',
      userId: 'u1',
      groupId: 'g1',
      traits: { website: 'https://www.initech.com/about', name: 'Initech', employees: 250, industry: 'Technology', domain: 'ignored.com' },
      context: { traits: { email: 'Peter@Initech.com' } },
    };
    expect(mapEvent(call, context())).toEqual({
      operations: [
        { op: 'company.upsert', domain: 'initech.com', properties: { name: 'Initech', numberofemployees: '250', website: 'https://www.initech.com/about' } },
        { op: 'association', email: 'peter@initech.com', domain: 'initech.com' },
      ],
      warnings: [expect.objectContaining({ kind: 'invalid_value', object: 'company', property: 'industry' })],
      learn: [],
    });
  });

  it.each<[string, SegmentCall, ContextOverrides, string]>([
    ['context.traits.email', { type: 'group', userId: 'u1', traits: { website: 'initech.com' }, context: { traits: { email: 'c@x.co' } } }, { known: { u1: 'u@x.co' } }, 'c@x.co'],
    ['the identity map by userId', { type: 'group', userId: 'u1', anonymousId: 'a1', traits: { website: 'initech.com' } }, { known: { u1: 'u@x.co', a1: 'a@x.co' } }, 'u@x.co'],
    ['the identity map by anonymousId', { type: 'group', anonymousId: 'a1', traits: { website: 'initech.com' } }, { known: { a1: 'a@x.co' } }, 'a@x.co'],
  ])('associates the contact from %s', (_, call, overrides, email) => {
    expect(mapEvent(call, context(overrides)).operations[1]).toEqual({ op: 'association', email, domain: 'initech.com' });
  });

  it.each<[string, SegmentCall, RegExp]>([
    ['no traits.website', { type: 'group', userId: 'u1', traits: { name: 'Initech' } }, /^group has no traits\.website: set traits\.website/],
    ['an empty website', { type: 'group', traits: { website: '' } }, /^group has no traits\.website/],
    ['no traits at all', { type: 'group' }, /^group has no traits\.website/],
    ['a website without a dot', { type: 'group', traits: { website: 'initech' } }, /^traits\.website "initech" is not a website \(no dot in the host name/],
    ['a bare host with a path', { type: 'group', traits: { website: 'initech.com/about' } }, /is not a website/],
    ['an ftp URL', { type: 'group', traits: { website: 'ftp://initech.com' } }, /not http or https/],
  ])('dead-letters %s as INVALID_WEBSITE and sends nothing', (_, call, reason) => {
    const result = mapEvent({ context: { traits: { email: 'a@x.co' } }, ...call }, context());
    expect(result.operations).toEqual([]);
    expect(result.deadLetter?.code).toBe('INVALID_WEBSITE');
    expect(result.deadLetter?.reason).toMatch(reason);
  });

  it('still upserts the company when the contact is unknown: CONTACT_NOT_IDENTIFIED', () => {
    const result = mapEvent({ type: 'group', userId: 'u9', traits: { website: 'initech.com', name: 'Initech' } }, context());
    expect(result.operations).toEqual([{ op: 'company.upsert', domain: 'initech.com', properties: { name: 'Initech', website: 'initech.com' } }]);
    expect(result.deadLetter?.code).toBe('CONTACT_NOT_IDENTIFIED');
    expect(result.deadLetter?.reason).toMatch(/^group has no contact to associate with initech\.com: set context\.traits\.email, or identify this userId earlier in the export/);
  });

  it('still upserts the company when context.traits.email is invalid: INVALID_EMAIL', () => {
    const call = { type: 'group', userId: 'u1', traits: { website: 'initech.com' }, context: { traits: { email: 'peter@' } } };
    const result = mapEvent(call, context({ known: { u1: 'u@x.co' } }));
    expect(ops(result)).toEqual(['company.upsert']);
    expect(result.deadLetter?.code).toBe('INVALID_EMAIL');
    expect(result.deadLetter?.reason).toMatch(/^context\.traits\.email "peter@" is not a valid email/);
  });
});

describe('page, screen (docs/mapping.md#page-and-screen)', () => {
  const page: SegmentCall = {
    type: 'page',
    userId: 'u1',
    name: 'Pricing',
    messageId: 'page-1',
    timestamp: '2026-03-05T10:00:00Z',
    properties: { path: '/pricing', url: 'https://initech.com/pricing', title: 'Pricing', referrer: 'https://google.com', search: '?q=1', category: 'Docs', width: 1280 },
  };

  it.each<[string, SegmentCall, Partial<MapOptions>]>([
    ['a page', page, {}],
    ['a screen', { type: 'screen', userId: 'u1', name: 'Home' }, {}],
    ['a screen, even with --pages-as-events', { type: 'screen', userId: 'u1', name: 'Home' }, { pagesAsEvents: true }],
  ])('skips %s as unsupported_type', (_, call, options) => {
    expect(mapEvent(call, context({ known: { u1: 'u@x.co' }, options }))).toEqual({ operations: [], warnings: [], skip: 'unsupported_type', learn: [] });
  });

  it('turns a page into page_viewed with --pages-as-events', () => {
    const result = mapEvent(page, context({ known: { u1: 'u@x.co' }, options: { pagesAsEvents: true } }));
    expect(result).toEqual({
      operations: [
        {
          op: 'event.send',
          eventName: 'pe123_page_viewed',
          email: 'u@x.co',
          occurredAt: '2026-03-05T10:00:00.000Z',
          properties: { name: 'Pricing', path: '/pricing', url: 'https://initech.com/pricing', title: 'Pricing', referrer: 'https://google.com', search: '?q=1' },
          uuid: uuidFor(page, page.timestamp),
          propertyTypes: {},
        },
      ],
      warnings: [],
      learn: [],
    });
  });

  it('takes the page uuid from the page record itself', () => {
    const anonymous = { type: 'page', userId: 'u1', sentAt: '2026-03-05T10:00:00Z', properties: { path: '/' } };
    const [send] = mapEvent(anonymous, context({ known: { u1: 'u@x.co' }, options: { pagesAsEvents: true } })).operations;
    expect(send).toMatchObject({ uuid: uuidFor(anonymous, '2026-03-05T10:00:00Z') });
    expect(send).not.toMatchObject({ uuid: uuidFor({ ...anonymous, type: 'track', event: 'page_viewed' }, '2026-03-05T10:00:00Z') });
  });

  it('reads the contact from the page like a track, and honours the event map', () => {
    const call = { type: 'page', properties: { email: 'Reader@x.co', name: 'From Properties' } };
    const result = mapEvent(call, context({ options: { pagesAsEvents: true, eventMap: { page_viewed: 'pe123_pageview' } } }));
    expect(result.operations).toEqual([
      expect.objectContaining({ eventName: 'pe123_pageview', email: 'reader@x.co', properties: { name: 'From Properties' } }),
    ]);
  });

  it('dead-letters a page without contact as MISSING_EMAIL', () => {
    const result = mapEvent({ type: 'page', anonymousId: 'a1' }, context({ options: { pagesAsEvents: true } }));
    expect(result.deadLetter?.code).toBe('MISSING_EMAIL');
    expect(result.deadLetter?.reason).toMatch(/^page has no email/);
  });
});

describe('alias (docs/mapping.md#alias)', () => {
  it.each<[string, Record<string, string>, { id: string; email: string }[]]>([
    ['copies the previous id email to the new user id', { anon: 'a@x.co' }, [{ id: 'u1', email: 'a@x.co' }]],
    ['copies the user id email to the previous id', { u1: 'u@x.co' }, [{ id: 'anon', email: 'u@x.co' }]],
    ['changes nothing when both are known', { anon: 'a@x.co', u1: 'u@x.co' }, []],
    ['changes nothing when neither is known', {}, []],
  ])('%s', (_, known, learn) => {
    expect(mapEvent({ type: 'alias', previousId: 'anon', userId: 'u1' }, context({ known }))).toEqual({ operations: [], warnings: [], learn });
  });

  it('needs both ids', () => {
    expect(mapEvent({ type: 'alias', userId: 'u1' }, context({ known: { u1: 'u@x.co' } })).learn).toEqual([]);
  });
});

describe('invalid calls', () => {
  it.each<[SegmentCall, RegExp]>([
    [{ type: 'Identify', traits: { email: 'a@x.co' } }, /type "Identify"/],
    [{ type: 'track', properties: { email: 'a@x.co' } }, /no event name/],
    [{ traits: { email: 'a@x.co' } }, /no type/],
  ])('%j is INVALID_RECORD', (call, reason) => {
    const result = mapEvent(call, context());
    expect(result.operations).toEqual([]);
    expect(result.deadLetter?.code).toBe('INVALID_RECORD');
    expect(result.deadLetter?.reason).toMatch(reason);
  });
});

describe('a run: the caller applies learn between calls', () => {
  it('identifies, tracks, aliases and groups one person', () => {
    const identities = new Map<string, string>();
    const run = (call: SegmentCall): MapResult => {
      const result = mapEvent(call, { ...context(), identities });
      for (const fact of result.learn) identities.set(fact.id, fact.email);
      return result;
    };
    expect(run({ type: 'track', event: 'Visited', anonymousId: 'anon-1' }).deadLetter?.code).toBe('MISSING_EMAIL');
    run({ type: 'identify', userId: 'u1', anonymousId: 'anon-1', traits: { email: 'peter@initech.com' } });
    expect(run({ type: 'track', event: 'Visited', anonymousId: 'anon-1' }).operations[0]).toMatchObject({ email: 'peter@initech.com' });
    run({ type: 'alias', previousId: 'u1', userId: 'u1-new' });
    run({ type: 'identify', userId: 'u1', traits: { email: 'peter.gibbons@initech.com' } });
    const group = run({ type: 'group', userId: 'u1-new', traits: { website: 'initech.com' } });
    // The alias copied a snapshot: the later identify of u1 does not follow to u1-new.
    expect(group.operations[1]).toEqual({ op: 'association', email: 'peter@initech.com', domain: 'initech.com' });
    expect(identities.get('u1')).toBe('peter.gibbons@initech.com');
  });
});

describe('operations are plain JSON', () => {
  it('serialise and read back unchanged, with string values only', () => {
    const calls: SegmentCall[] = [
      { type: 'identify', traits: { email: 'a@x.co', seats: 5, is_paying: true, trial_end: 1772685000 } },
      { type: 'track', event: 'E', properties: { email: 'a@x.co', n: 1, flag: false, list: [1, 2] } },
      { type: 'group', traits: { website: 'x.com', mrr: 10 }, context: { traits: { email: 'a@x.co' } } },
    ];
    for (const call of calls) {
      const { operations } = mapEvent(call, context());
      expect(JSON.parse(JSON.stringify(operations))).toEqual(operations);
      for (const operation of operations as Operation[]) {
        if ('properties' in operation) for (const value of Object.values(operation.properties)) expect(typeof value).toBe('string');
      }
    }
  });
});
