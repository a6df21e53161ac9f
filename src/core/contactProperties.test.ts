import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { contactProperties, splitName } from './contactProperties.js';
import type { CatalogDocument, MappingWarning, PropertyValues } from './types.js';

const catalog = Catalog.fromDocument(
  JSON.parse(readFileSync(new URL('../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument,
);

const map = (traits: unknown) => contactProperties(traits, catalog);

describe('contact special fields (docs/mapping.md#contact-properties)', () => {
  it.each<[string, Record<string, unknown>, PropertyValues]>([
    ['email is the key, never a property', { email: 'ada@example.com' }, {}],
    ['firstName', { firstName: 'Ada' }, { firstname: 'Ada' }],
    ['first_name', { first_name: 'Ada' }, { firstname: 'Ada' }],
    ['firstname (exact)', { firstname: 'Ada' }, { firstname: 'Ada' }],
    ['lastName', { lastName: 'Lovelace' }, { lastname: 'Lovelace' }],
    ['last_name', { last_name: 'Lovelace' }, { lastname: 'Lovelace' }],
    ['position', { position: 'CTO' }, { jobtitle: 'CTO' }],
    ['title', { title: 'CTO' }, { jobtitle: 'CTO' }],
    ['jobTitle', { jobTitle: 'CTO' }, { jobtitle: 'CTO' }],
    ['job_title', { job_title: 'CTO' }, { jobtitle: 'CTO' }],
    ['phone', { phone: '+44 20 7946 0000' }, { phone: '+44 20 7946 0000' }],
    ['address as a string', { address: '1 Main St' }, { address: '1 Main St' }],
    ['address.street', { address: { street: '1 Main St' } }, { address: '1 Main St' }],
    ['address.city', { address: { city: 'London' } }, { city: 'London' }],
    ['city', { city: 'London' }, { city: 'London' }],
    ['address.state', { address: { state: 'CA' } }, { state: 'CA' }],
    ['state', { state: 'CA' }, { state: 'CA' }],
    ['address.postalCode', { address: { postalCode: '94107' } }, { zip: '94107' }],
    ['address.postal_code', { address: { postal_code: '94107' } }, { zip: '94107' }],
    ['zip', { zip: '94107' }, { zip: '94107' }],
    ['postalCode', { postalCode: '94107' }, { zip: '94107' }],
    ['numeric zip stringified', { zip: 94107 }, { zip: '94107' }],
    ['address.country', { address: { country: 'UK' } }, { country: 'UK' }],
    ['country', { country: 'UK' }, { country: 'UK' }],
    ['company as a string', { company: 'Initech' }, { company: 'Initech' }],
    ['company.name', { company: { name: 'Initech', id: 'c-42', plan: 'pro' } }, { company: 'Initech' }],
    ['companyName', { companyName: 'Initech' }, { company: 'Initech' }],
    ['company_name', { company_name: 'Initech' }, { company: 'Initech' }],
    ['website', { website: 'https://initech.com' }, { website: 'https://initech.com' }],
    ['lifecycle_stage', { lifecycle_stage: 'lead' }, { lifecyclestage: 'lead' }],
    ['lifecycleStage by label', { lifecycleStage: 'Marketing Qualified Lead' }, { lifecyclestage: 'marketingqualifiedlead' }],
    ['lifecyclestage (exact)', { lifecyclestage: 'customer' }, { lifecyclestage: 'customer' }],
    [
      'the whole address object; other address keys ignored',
      { address: { street: '1 Main St', city: 'London', state: 'LDN', postalCode: 'N1 9GU', country: 'UK', line2: 'Flat 2' } },
      { address: '1 Main St', city: 'London', state: 'LDN', zip: 'N1 9GU', country: 'UK' },
    ],
  ])('%s', (_, traits, properties) => {
    const result = map(traits);
    expect(result.properties).toEqual(properties);
    expect(result.warnings).toEqual([]);
  });
});

describe('alias precedence: the exact HubSpot name, then the table order; null, "" and absent skipped (docs/mapping.md#contact-properties)', () => {
  it.each<[string, Record<string, unknown>, PropertyValues]>([
    ['firstname beats firstName', { firstName: 'Alias', firstname: 'Exact' }, { firstname: 'Exact' }],
    ['firstName beats first_name', { first_name: 'Second', firstName: 'First' }, { firstname: 'First' }],
    ['a null alias is skipped', { firstname: null, firstName: null, first_name: 'Ada' }, { firstname: 'Ada' }],
    ['an empty alias is skipped', { firstname: '', first_name: 'Ada' }, { firstname: 'Ada' }],
    ['jobtitle beats position', { position: 'P', jobtitle: 'J' }, { jobtitle: 'J' }],
    ['position beats title', { title: 'T', position: 'P' }, { jobtitle: 'P' }],
    ['title beats jobTitle', { jobTitle: 'JT', title: 'T' }, { jobtitle: 'T' }],
    ['jobTitle beats job_title', { job_title: 'jt', jobTitle: 'JT' }, { jobtitle: 'JT' }],
    ['address string beats address.street', { address: 'Top' }, { address: 'Top' }],
    ['city beats address.city', { address: { city: 'Nested' }, city: 'Top' }, { city: 'Top' }],
    ['state beats address.state', { address: { state: 'Nested' }, state: 'Top' }, { state: 'Top' }],
    ['zip beats address.postalCode', { address: { postalCode: 'A' }, zip: 'Z' }, { zip: 'Z' }],
    ['address.postalCode beats address.postal_code', { address: { postal_code: 'B', postalCode: 'A' } }, { zip: 'A' }],
    ['address.postal_code beats postalCode', { postalCode: 'P', address: { postal_code: 'B' } }, { zip: 'B' }],
    ['country beats address.country', { address: { country: 'Nested' }, country: 'Top' }, { country: 'Top' }],
    ['company string beats companyName', { companyName: 'Alias', company: 'Exact' }, { company: 'Exact' }],
    ['company.name beats companyName', { companyName: 'Alias', company: { name: 'Nested' } }, { company: 'Nested' }],
    ['a company object without name falls through', { company: { id: 'c-1' }, company_name: 'Last' }, { company: 'Last' }],
    ['companyName beats company_name', { company_name: 'B', companyName: 'A' }, { company: 'A' }],
    ['lifecyclestage beats lifecycle_stage', { lifecycle_stage: 'lead', lifecyclestage: 'customer' }, { lifecyclestage: 'customer' }],
    ['lifecycle_stage beats lifecycleStage', { lifecycleStage: 'lead', lifecycle_stage: 'customer' }, { lifecyclestage: 'customer' }],
    ['special fields beat ordinary keys of the same name', { FirstName: 'Ordinary', firstName: 'Special' }, { firstname: 'Special' }],
    ['an ordinary key fills a name no special field gave', { FirstName: 'Ordinary' }, { firstname: 'Ordinary' }],
  ])('%s', (_, traits, properties) => {
    expect(map(traits).properties).toEqual(properties);
  });
});

describe('name fills firstname/lastname only when neither is given (docs/mapping.md#contact-properties)', () => {
  it.each<[string, Record<string, unknown>, PropertyValues]>([
    ['split at the first space', { name: 'Ada Lovelace' }, { firstname: 'Ada', lastname: 'Lovelace' }],
    ['trimmed; the rest is the last name', { name: '  Ada Lovelace King  ' }, { firstname: 'Ada', lastname: 'Lovelace King' }],
    ['one word is a first name only', { name: 'Cher' }, { firstname: 'Cher' }],
    ['a first name given wins over name', { name: 'Ada Lovelace', firstName: 'Augusta' }, { firstname: 'Augusta' }],
    ['a last name given wins over name', { name: 'Ada Lovelace', last_name: 'Byron' }, { lastname: 'Byron' }],
    ['a null first name is not given', { name: 'Ada Lovelace', firstName: null }, { firstname: 'Ada', lastname: 'Lovelace' }],
    ['a blank name gives nothing', { name: '   ' }, {}],
    ['a null name gives nothing', { name: null }, {}],
  ])('%s', (_, traits, properties) => {
    expect(map(traits).properties).toEqual(properties);
  });

  it.each<[unknown, [string | undefined, string | undefined]]>([
    ['Ada Lovelace', ['Ada', 'Lovelace']],
    ['Ada  Lovelace', ['Ada', 'Lovelace']],
    ['Ada', ['Ada', undefined]],
    ['', [undefined, undefined]],
    [undefined, [undefined, undefined]],
    [{ first: 'Ada' }, [undefined, undefined]],
  ])('splitName(%j) → %j', (name, parts) => {
    expect(splitName(name)).toEqual(parts);
  });
});

describe('other traits: keys normalised, nested objects flattened, values by type (docs/mapping.md#keys)', () => {
  it.each<[string, Record<string, unknown>, PropertyValues]>([
    ['Favorite Color → favorite_color', { 'Favorite Color': 'red' }, { favorite_color: 'red' }],
    ['{plan: {tier}} → plan_tier, option by label', { plan: { tier: 'Pro' } }, { plan_tier: 'pro' }],
    ['plan.tier → plan_tier', { 'plan.tier': 'enterprise' }, { plan_tier: 'enterprise' }],
    ['number: "007" → "7"', { seats: '007' }, { seats: '7' }],
    ['date with a time → the UTC day', { trial_end: '2026-03-05T23:30:00-05:00' }, { trial_end: '2026-03-06' }],
    ['date from epoch ms', { trial_end: 1772685000000 }, { trial_end: '2026-03-05' }],
    ['datetime from epoch seconds', { last_login: 1772685000 }, { last_login: '2026-03-05T04:30:00.000Z' }],
    ['bool from "yes"', { is_paying: 'yes' }, { is_paying: 'true' }],
    ['bool from 0', { is_paying: 0 }, { is_paying: 'false' }],
    ['checkbox array', { interests: ['crm', 'Analytics'] }, { interests: 'crm;analytics' }],
    ['checkbox ;-string', { interests: 'crm;reporting' }, { interests: 'crm;reporting' }],
    ['array to a string property joined with ;', { favorite_color: ['red', 'blue'] }, { favorite_color: 'red;blue' }],
    ['number to a string property', { favorite_color: 7 }, { favorite_color: '7' }],
    ['enumeration of a default property', { hs_lead_status: 'in progress' }, { hs_lead_status: 'IN_PROGRESS' }],
    ['null, "" and empty lists dropped, quietly', { favorite_color: null, seats: '', interests: [], plan_tier: undefined }, {}],
    ['first key wins on a collision', { 'Favorite Color': 'red', favorite_color: 'blue' }, { favorite_color: 'red' }],
    ['a null key does not claim its name', { 'Favorite Color': null, favorite_color: 'blue' }, { favorite_color: 'blue' }],
    ['an Email key never becomes a property', { Email: 'x@y.co' }, {}],
    ['traits that are not an object give nothing', {}, {}],
  ])('%s', (_, traits, properties) => {
    const result = map(traits);
    expect(result.properties).toEqual(properties);
    expect(result.warnings).toEqual([]);
  });

  it('writes special fields first, then other traits in input order', () => {
    const { properties } = map({ seats: 3, favorite_color: 'red', city: 'London', name: 'Ada Lovelace' });
    expect(Object.keys(properties)).toEqual(['firstname', 'lastname', 'city', 'seats', 'favorite_color']);
  });

  it('reads traits that are not an object as none', () => {
    expect(map('ada@example.com')).toEqual({ properties: {}, warnings: [] });
    expect(map(null)).toEqual({ properties: {}, warnings: [] });
  });
});

describe('dropped properties are counted; invalid values drop only that property', () => {
  /** A dropped name carries its value: the property plan types the name from it. */
  const dropped = (property: string, reason: string, value: unknown): MappingWarning => ({ kind: 'dropped_property', object: 'contact', property, reason, value });

  it.each<[string, Record<string, unknown>, PropertyValues, MappingWarning[]]>([
    ['unknown trait', { shoe_size: 42, favorite_color: 'red' }, { favorite_color: 'red' }, [dropped('shoe_size', 'not in the catalog', 42)]],
    ['unknown nested trait, by its flat name', { prefs: { theme: 'dark' } }, {}, [dropped('prefs_theme', 'not in the catalog', 'dark')]],
    ['read-only', { createdate: '2026-01-01' }, {}, [dropped('createdate', 'read-only', '2026-01-01')]],
    ['read-only and calculated', { hs_object_id: 5 }, {}, [dropped('hs_object_id', 'read-only', 5)]],
    [
      'invalid number',
      { seats: 'abc', favorite_color: 'red' },
      { favorite_color: 'red' },
      [{ kind: 'invalid_value', object: 'contact', property: 'seats', reason: '"abc" is not a number' }],
    ],
    ['impossible date', { trial_end: '2026-02-30' }, {}, [expect.objectContaining({ kind: 'invalid_value', property: 'trial_end' }) as MappingWarning]],
    ['free-text date', { trial_end: 'March 5, 2026' }, {}, [expect.objectContaining({ kind: 'invalid_value', property: 'trial_end' }) as MappingWarning]],
    ['unknown option', { plan_tier: 'gold' }, {}, [expect.objectContaining({ kind: 'invalid_value', property: 'plan_tier' }) as MappingWarning]],
    ['one unknown checkbox element', { interests: ['crm', 'golf'] }, {}, [expect.objectContaining({ kind: 'invalid_value', property: 'interests' }) as MappingWarning]],
    ['invalid special field', { lifecycle_stage: 'prospect' }, {}, [expect.objectContaining({ kind: 'invalid_value', property: 'lifecyclestage' }) as MappingWarning]],
    ['a repeated unknown name counts once per call', { 'Shoe Size': 1, shoe_size: 2 }, {}, [dropped('shoe_size', 'not in the catalog', 1)]],
  ])('%s', (_, traits, properties, warnings) => {
    const result = map(traits);
    expect(result.properties).toEqual(properties);
    expect(result.warnings).toEqual(warnings);
  });

  it('drops a special field missing from the catalog under its HubSpot name', () => {
    const bare = Catalog.fromDocument({ contacts: { results: [{ name: 'email', type: 'string' }] }, companies: { results: [] } });
    expect(contactProperties({ jobTitle: 'CTO' }, bare).warnings).toEqual([dropped('jobtitle', 'not in the catalog', 'CTO')]);
  });

  it('appends to the warnings it is given', () => {
    const warnings: MappingWarning[] = [dropped('earlier', 'not in the catalog', 1)];
    contactProperties({ shoe_size: 1 }, catalog, warnings);
    expect(warnings.map((w) => w.property)).toEqual(['earlier', 'shoe_size']);
  });
});

describe('keys are data, never prototype access (docs/mapping.md#keys)', () => {
  it('keeps a __proto__ trait as a key and pollutes nothing', () => {
    const traits = JSON.parse('{"__proto__":{"polluted":"yes"},"favorite_color":"red"}') as unknown;
    const { properties, warnings } = map(traits);
    expect(JSON.stringify(properties)).toBe('{"favorite_color":"red"}');
    expect(warnings).toEqual([{ kind: 'dropped_property', object: 'contact', property: '__proto___polluted', reason: 'not in the catalog', value: 'yes' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps even a catalog property named __proto__ an own key, leaving the prototype alone', () => {
    const strange = Catalog.fromDocument({
      contacts: { results: [{ name: '__proto__', type: 'string', fieldType: 'text' }] },
      companies: { results: [] },
    } as unknown as CatalogDocument);
    const { properties } = contactProperties(JSON.parse('{"__proto__":"x"}'), strange);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(Object.hasOwn(properties, '__proto__')).toBe(true);
    expect(JSON.stringify(properties)).toBe('{"__proto__":"x"}');
  });

  it.each(['{"__proto__":"x"}', '{"constructor":"x"}', '{"toString":"x"}', '{"hasOwnProperty":"x"}'])('%s is an unknown trait', (json) => {
    const { properties, warnings } = map(JSON.parse(json));
    expect(JSON.stringify(properties)).toBe('{}');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: 'dropped_property', reason: 'not in the catalog' });
  });
});
