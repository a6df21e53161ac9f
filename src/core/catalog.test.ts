import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { defaultCatalog, defaultCatalogDocument } from './defaultCatalog.js';
import type { CatalogDocument, CatalogObject, HubSpotProperty } from './types.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument;
const catalog = Catalog.fromDocument(fixture);

describe('fixtures/catalog.json through Catalog.fromDocument (docs/mapping.md#property-catalog)', () => {
  it('holds every default property plus the custom ones', () => {
    const defaults = defaultCatalogDocument();
    for (const p of defaults.contacts.results) expect(catalog.contact(p.name)?.type).toBe(p.type);
    for (const p of defaults.companies.results) expect(catalog.company(p.name)?.type).toBe(p.type);
  });

  it.each<[CatalogObject, string, string, string | undefined]>([
    ['contact', 'favorite_color', 'string', 'text'],
    ['contact', 'plan_tier', 'enumeration', 'select'],
    ['contact', 'trial_end', 'date', 'date'],
    ['contact', 'last_login', 'datetime', 'date'],
    ['contact', 'seats', 'number', 'number'],
    ['contact', 'is_paying', 'bool', 'booleancheckbox'],
    ['contact', 'interests', 'enumeration', 'checkbox'],
    ['company', 'plan', 'enumeration', 'select'],
    ['company', 'mrr', 'number', 'number'],
  ])('%s property %s is %s/%s', (object, name, type, fieldType) => {
    const property = object === 'contact' ? catalog.contact(name) : catalog.company(name);
    expect(property).toMatchObject({ name, type, fieldType });
  });

  it('keeps the document as read, ready to be saved again', () => {
    expect(catalog.toDocument()).toEqual(fixture);
    expect(Catalog.fromDocument(catalog.toDocument()).toDocument()).toEqual(fixture);
  });
});

describe('Catalog.writable: only writable properties pass', () => {
  it.each<[CatalogObject, string, string | true]>([
    ['contact', 'email', true],
    ['contact', 'favorite_color', true],
    ['contact', 'createdate', 'read-only'],
    ['contact', 'lastmodifieddate', 'read-only'],
    ['contact', 'hs_object_id', 'read-only'],
    ['contact', 'hs_email_domain', 'read-only'],
    ['contact', 'num_associated_deals', 'read-only'],
    ['contact', 'notes_last_updated', 'read-only'],
    ['contact', 'shoe_size', 'not in the catalog'],
    ['contact', 'numberofemployees', 'not in the catalog'],
    ['contact', '__proto__', 'not in the catalog'],
    ['contact', 'constructor', 'not in the catalog'],
    ['contact', 'toString', 'not in the catalog'],
    ['company', 'mrr', true],
    ['company', 'numberofemployees', true],
    ['company', 'numemployees', 'not in the catalog'],
    ['company', 'createdate', 'read-only'],
    ['company', 'hs_lastmodifieddate', 'read-only'],
    ['company', 'hs_object_id', 'read-only'],
  ])('%s %s → %s', (object, name, verdict) => {
    const lookup = catalog.writable(object, name);
    if (verdict === true) expect(lookup).toMatchObject({ ok: true, property: { name } });
    else expect(lookup).toEqual({ ok: false, reason: verdict });
  });

  it('drops a calculated property that is not marked read-only', () => {
    const score: HubSpotProperty = { name: 'score', type: 'number', calculated: true, modificationMetadata: { readOnlyValue: false } };
    const custom = Catalog.fromDocument({ contacts: { results: [score] }, companies: { results: [] } });
    expect(custom.writable('contact', 'score')).toEqual({ ok: false, reason: 'calculated' });
    expect(custom.contact('score')).toBe(score);
  });

  it('keeps the first of a repeated name', () => {
    const custom = Catalog.fromDocument({
      contacts: { results: [{ name: 'x', type: 'number' }, { name: 'x', type: 'string' }] },
      companies: { results: [] },
    });
    expect(custom.contact('x')?.type).toBe('number');
  });
});

describe('Catalog.fromDocument rejects what is not a catalog', () => {
  it.each<[string, unknown, RegExp]>([
    ['null', null, /expected an object/],
    ['an array', [], /expected an object/],
    ['results not a list', { contacts: { results: {} }, companies: { results: [] } }, /contacts\.results must be a list/],
    ['a side without results', { contacts: {}, companies: { results: [] } }, /contacts\.results must be a list/],
    ['an entry that is not an object', { contacts: { results: ['email'] }, companies: { results: [] } }, /contacts\.results\[0\] is not an object/],
    ['an entry without a name', { contacts: { results: [{ type: 'string' }] }, companies: { results: [] } }, /contacts\.results\[0\] has no name/],
    ['an entry without a type', { contacts: { results: [] }, companies: { results: [{ name: 'x' }] } }, /companies\.results\[0\] \(x\) has no type/],
    ['options that are not a list', { contacts: { results: [{ name: 'x', type: 'enumeration', options: 'a;b' }] }, companies: { results: [] } }, /options that are not a list/],
  ])('%s', (_, document, message) => {
    expect(() => Catalog.fromDocument(document as CatalogDocument)).toThrow(message);
  });

  it('reads a catalog of one object type as an empty other side', () => {
    const contactsOnly = Catalog.fromDocument({ contacts: { results: [{ name: 'email', type: 'string' }] } } as unknown as CatalogDocument);
    expect(contactsOnly.writable('company', 'name')).toEqual({ ok: false, reason: 'not in the catalog' });
    expect(contactsOnly.toDocument().companies.results).toEqual([]);
  });
});

describe('defaultCatalog: HubSpot default properties (docs/hubspot.md#default-properties)', () => {
  const defaults = defaultCatalog();
  const optionValues = (property: HubSpotProperty | undefined) => property?.options?.map((option) => option.value);

  it('is one shared instance', () => {
    expect(defaultCatalog()).toBe(defaults);
  });

  it.each([
    'email', 'firstname', 'lastname', 'phone', 'mobilephone', 'company', 'jobtitle', 'address', 'city', 'state', 'zip',
    'country', 'website', 'fax', 'salutation', 'twitterhandle', 'industry', 'annualrevenue', 'date_of_birth', 'message',
  ])('contact %s is a writable string', (name) => {
    expect(defaults.writable('contact', name)).toMatchObject({ ok: true, property: { type: 'string' } });
  });

  it.each(['name', 'domain', 'website', 'phone', 'address', 'city', 'state', 'zip', 'country', 'description', 'hs_additional_domains'])(
    'company %s is a writable string',
    (name) => {
      expect(defaults.writable('company', name)).toMatchObject({ ok: true, property: { type: 'string' } });
    },
  );

  it.each(['numberofemployees', 'annualrevenue'])('company %s is a number', (name) => {
    expect(defaults.company(name)?.type).toBe('number');
  });

  it.each<[CatalogObject, string, string[]]>([
    ['contact', 'lifecyclestage', ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']],
    ['contact', 'hs_lead_status', ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']],
    ['contact', 'numemployees', ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+']],
    ['company', 'lifecyclestage', ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']],
    ['company', 'type', ['PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER']],
  ])('%s %s is an enumeration of %j', (object, name, values) => {
    const property = object === 'contact' ? defaults.contact(name) : defaults.company(name);
    expect(property?.type).toBe('enumeration');
    expect(optionValues(property)).toEqual(values);
  });

  it('has LinkedIn-style company industries', () => {
    expect(optionValues(defaults.company('industry'))).toEqual(
      expect.arrayContaining(['COMPUTER_SOFTWARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'INTERNET', 'FINANCIAL_SERVICES', 'MARKETING_AND_ADVERTISING']),
    );
  });

  it.each<[CatalogObject, string]>([
    ['contact', 'createdate'],
    ['contact', 'lastmodifieddate'],
    ['contact', 'hs_object_id'],
    ['contact', 'hs_email_domain'],
    ['contact', 'num_associated_deals'],
    ['contact', 'notes_last_updated'],
    ['company', 'createdate'],
    ['company', 'hs_lastmodifieddate'],
    ['company', 'hs_object_id'],
  ])('%s %s is read-only', (object, name) => {
    expect(defaults.writable(object, name)).toEqual({ ok: false, reason: 'read-only' });
  });

  it('names employee counts as HubSpot does on each object', () => {
    expect(defaults.contact('numberofemployees')).toBeUndefined();
    expect(defaults.company('numemployees')).toBeUndefined();
  });
});
