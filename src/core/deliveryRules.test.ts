import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { mapDelivered, type DeliveryRules } from './deliveryRules.js';
import { mapEvent } from './mapEvent.js';
import type { SuppressionLookup } from './suppression.js';
import type { CatalogDocument, MapContext, SegmentCall } from './types.js';

const catalog = Catalog.fromDocument(
  JSON.parse(readFileSync(new URL('../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument,
);

function context(known: Record<string, string> = {}, createEventDefinitions = true): MapContext {
  return {
    catalog,
    hubId: 123,
    options: { createEventDefinitions, pagesAsEvents: false, eventMap: {} },
    identities: new Map(Object.entries(known)),
    eventDefinitions: new Map(),
  };
}

function list(emails: string[], ids: string[]): SuppressionLookup {
  return { hasEmail: (email) => emails.includes(email), hasId: (id) => ids.includes(id) };
}

const SUPPRESSED = list(['gone@initech.com'], ['u-gone', 'anon-gone']);
const rules = (overrides: Partial<DeliveryRules> = {}): DeliveryRules => ({ ignoreIntegrations: false, suppression: SUPPRESSED, ...overrides });
const suppressedResult = (ids: string[]) => ({ operations: [], warnings: [], learn: [], skip: 'suppressed', suppressIds: ids });

describe('the order of checks: routing → consent → suppression by id → mapping → suppression by email', () => {
  const gone: SegmentCall = {
    type: 'identify', userId: 'u-gone', traits: { email: 'gone@initech.com' },
    integrations: { HubSpot: false }, context: { consent: { categoryPreferences: { Marketing: false } } },
  };

  it('routing comes first', () => {
    expect(mapDelivered(gone, context(), rules({ consentCategories: ['Marketing'] }))).toMatchObject({ skip: 'integration_disabled', operations: [], learn: [] });
  });

  it('then consent', () => {
    const result = mapDelivered(gone, context(), rules({ ignoreIntegrations: true, consentCategories: ['Marketing'] }));
    expect(result).toMatchObject({ skip: 'consent_denied', operations: [], learn: [] });
    expect(result.suppressIds).toBeUndefined();
  });

  it('then suppression', () => {
    expect(mapDelivered(gone, context(), rules({ ignoreIntegrations: true }))).toEqual(suppressedResult(['u-gone']));
  });

  it('a call that passes every rule maps exactly as mapEvent maps it', () => {
    const call: SegmentCall = { type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: 'ada@initech.com', firstName: 'Ada', shoe: 1 } };
    const ctx = context();
    expect(mapDelivered(call, ctx, rules({ consentCategories: ['Marketing'] }))).toEqual(mapEvent(call, ctx));
    expect(mapDelivered(call, ctx, { ignoreIntegrations: false })).toEqual(mapEvent(call, ctx));
  });

  it('skipped calls teach the identity map nothing', () => {
    const call: SegmentCall = { type: 'identify', userId: 'u1', traits: { email: 'ada@initech.com' }, integrations: { All: false } };
    expect(mapDelivered(call, context(), rules()).learn).toEqual([]);
    expect(mapDelivered(call, context(), rules({ ignoreIntegrations: true })).learn).toEqual([{ id: 'u1', email: 'ada@initech.com' }]);
  });
});

describe('suppression', () => {
  const known = { 'u-known-gone': 'gone@initech.com', 'u-ada': 'ada@initech.com' };

  it.each<[string, SegmentCall, string[]]>([
    ['an identify by a suppressed userId', { type: 'identify', userId: 'u-gone', anonymousId: 'anon-1', traits: { email: 'new@initech.com' } }, ['u-gone', 'anon-1']],
    ['an identify by a suppressed anonymousId', { type: 'identify', anonymousId: 'anon-gone', traits: { email: 'new@initech.com' } }, ['anon-gone']],
    ['an identify with a suppressed email (case and spaces as the mapping normalises them)', { type: 'identify', userId: 'u-9', traits: { email: ' Gone@Initech.COM ' } }, ['u-9']],
    ['an identify whose context.traits carry the suppressed email', { type: 'identify', userId: 'u-9', context: { traits: { email: 'gone@initech.com' } } }, ['u-9']],
    ['an identify whose email the identity map gives', { type: 'identify', userId: 'u-known-gone', traits: { plan: 'pro' } }, ['u-known-gone']],
    ['a track with properties.email suppressed', { type: 'track', event: 'Signed Up', anonymousId: 'anon-2', properties: { email: 'gone@initech.com' } }, ['anon-2']],
    ['a track with context.traits.email suppressed (its contact upsert too)', { type: 'track', event: 'E', userId: 'u-3', context: { traits: { email: 'gone@initech.com', firstName: 'G' } } }, ['u-3']],
    ['a track whose context.traits are the suppressed person\'s, properties.email another\'s', { type: 'track', event: 'Invited', userId: 'u-10', properties: { email: 'ada@initech.com' }, context: { traits: { email: 'Gone@initech.com', firstName: 'G' } } }, ['u-10']],
    ['a track resolved through the identity map', { type: 'track', event: 'E', userId: 'u-known-gone' }, ['u-known-gone']],
    ['a track of a suppressed id without any email (would be MISSING_EMAIL)', { type: 'track', event: 'E', anonymousId: 'anon-gone' }, ['anon-gone']],
    ['a screen of a suppressed id (would be unsupported_type)', { type: 'screen', name: 'Home', userId: 'u-gone' }, ['u-gone']],
    ['a page of a suppressed person by email (would be unsupported_type)', { type: 'page', name: 'Home', userId: 'u-4', context: { traits: { email: 'gone@initech.com' } } }, ['u-4']],
    ['a group whose associated user is suppressed (the company is not upserted either)', { type: 'group', userId: 'u-5', traits: { website: 'initech.com' }, context: { traits: { email: 'gone@initech.com' } } }, ['u-5']],
    ['a group by a suppressed userId', { type: 'group', userId: 'u-gone', traits: { website: 'initech.com' } }, ['u-gone']],
    ['a group without website by a suppressed person (would be INVALID_WEBSITE)', { type: 'group', userId: 'u-known-gone', traits: { name: 'X' } }, ['u-known-gone']],
    ['an alias whose previousId is suppressed', { type: 'alias', previousId: 'anon-gone', userId: 'u-6' }, ['u-6', 'anon-gone']],
    ['an alias whose userId is known as a suppressed email', { type: 'alias', previousId: 'anon-7', userId: 'u-known-gone' }, ['u-known-gone', 'anon-7']],
    ['numeric ids count as their text', { type: 'track', event: 'E', userId: 42 }, ['42']],
  ])('%s', (_name, call, ids) => {
    const suppression = list(['gone@initech.com'], ['u-gone', 'anon-gone', '42']);
    expect(mapDelivered(call, context(known), { ignoreIntegrations: false, suppression })).toEqual(suppressedResult(ids));
  });

  it('a track with an unknown event by a suppressed person is suppressed, not dead-lettered', () => {
    const call: SegmentCall = { type: 'track', event: 'Never Defined', properties: { email: 'gone@initech.com' } };
    expect(mapEvent(call, context({}, false)).deadLetter?.code).toBe('UNKNOWN_EVENT');
    expect(mapDelivered(call, context({}, false), rules())).toEqual(suppressedResult([]));
  });

  it.each<[string, SegmentCall]>([
    ['another person', { type: 'identify', userId: 'u-ada', traits: { email: 'ada@initech.com' } }],
    ['previousId counts only for an alias', { type: 'track', event: 'E', userId: 'u-ada', previousId: 'anon-gone' }],
    ['a group whose company email is the suppressed one, user not suppressed', { type: 'group', userId: 'u-ada', traits: { website: 'initech.com', email: 'gone@initech.com' } }],
    ['a track by another person that names the suppressed email elsewhere', { type: 'track', event: 'Invited', userId: 'u-ada', properties: { invitee: 'gone@initech.com' } }],
    ['an id entry is exact: U-GONE is another id', { type: 'track', event: 'E', userId: 'U-GONE', properties: { email: 'x@initech.com' } }],
    ['an identify upserts by its own traits.email; its context.traits are not written', { type: 'identify', userId: 'u-ada', traits: { email: 'ada@initech.com' }, context: { traits: { email: 'gone@initech.com' } } }],
    ['an invalid email is nobody', { type: 'identify', userId: 'u-8', traits: { email: 'gone at initech' } }],
  ])('not suppressed: %s', (_name, call) => {
    const ctx = context(known);
    expect(mapDelivered(call, ctx, rules())).toEqual(mapEvent(call, ctx));
  });
});
