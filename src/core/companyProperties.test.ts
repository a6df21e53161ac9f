import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { companyProperties } from './companyProperties.js';
import type { CatalogDocument, MappingWarning, PropertyValues } from './types.js';

const catalog = Catalog.fromDocument(
  JSON.parse(readFileSync(new URL('../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument,
);

const map = (traits: unknown) => companyProperties(traits, catalog);
/** A dropped name carries its value: the property plan types the name from it. */
const dropped = (property: string, reason: string, value: unknown): MappingWarning => ({ kind: 'dropped_property', object: 'company', property, reason, value });

describe('company special fields (docs/mapping.md#company-properties)', () => {
  it.each<[string, Record<string, unknown>, PropertyValues]>([
    ['name', { name: 'Initech' }, { name: 'Initech' }],
    ['description', { description: 'Software' }, { description: 'Software' }],
    ['address as a string', { address: '1 Main St' }, { address: '1 Main St' }],
    ['address.street', { address: { street: '1 Main St' } }, { address: '1 Main St' }],
    ['city', { city: 'Austin' }, { city: 'Austin' }],
    ['address.city', { address: { city: 'Austin' } }, { city: 'Austin' }],
    ['state', { state: 'TX' }, { state: 'TX' }],
    ['address.state', { address: { state: 'TX' } }, { state: 'TX' }],
    ['zip', { zip: '78701' }, { zip: '78701' }],
    ['address.postalCode', { address: { postalCode: '78701' } }, { zip: '78701' }],
    ['address.postal_code', { address: { postal_code: '78701' } }, { zip: '78701' }],
    ['postalCode', { postalCode: '78701' }, { zip: '78701' }],
    ['country', { country: 'US' }, { country: 'US' }],
    ['address.country', { address: { country: 'US' } }, { country: 'US' }],
    ['employees → numberofemployees', { employees: 250 }, { numberofemployees: '250' }],
    ['employees as a string', { employees: '0250' }, { numberofemployees: '250' }],
    ['numberofemployees beats employees', { employees: 20, numberofemployees: 10 }, { numberofemployees: '10' }],
    ['industry by value', { industry: 'COMPUTER_SOFTWARE' }, { industry: 'COMPUTER_SOFTWARE' }],
    ['industry by label', { industry: 'computer software' }, { industry: 'COMPUTER_SOFTWARE' }],
    ['phone', { phone: '+1 512 555 0100' }, { phone: '+1 512 555 0100' }],
    ['website sent as given', { website: 'https://www.initech.com/about' }, { website: 'https://www.initech.com/about' }],
    ['the domain trait is ignored', { domain: 'elsewhere.com', Domain: 'x.com' }, {}],
    [
      'a whole address object; other keys ignored',
      { address: { street: '1 Main St', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US', suite: '200' } },
      { address: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'US' },
    ],
    ['custom enumeration', { plan: 'Pro' }, { plan: 'pro' }],
    ['custom number', { mrr: '1200.50' }, { mrr: '1200.5' }],
    ['nested traits flattened', { Plan: { Name: 'enterprise' } }, {}],
    ['null and "" dropped', { name: null, description: '', mrr: undefined }, {}],
  ])('%s', (_, traits, properties) => {
    expect(map(traits).properties).toEqual(properties);
  });
});

describe('company warnings', () => {
  it.each<[string, Record<string, unknown>, MappingWarning[]]>([
    ['unknown trait', { plan_seats: 5 }, [dropped('plan_seats', 'not in the catalog', 5)]],
    ['nested unknown trait, by its flat name', { Plan: { Name: 'enterprise' } }, [dropped('plan_name', 'not in the catalog', 'enterprise')]],
    ['a company object is an ordinary trait on a group', { company: { name: 'X' } }, [dropped('company_name', 'not in the catalog', 'X')]],
    ['contact-only name', { numemployees: '1-5' }, [dropped('numemployees', 'not in the catalog', '1-5')]],
    ['read-only', { hs_object_id: 1, createdate: '2026-01-01' }, [dropped('hs_object_id', 'read-only', 1), dropped('createdate', 'read-only', '2026-01-01')]],
    ['unknown industry option', { industry: 'Technology' }, [expect.objectContaining({ kind: 'invalid_value', object: 'company', property: 'industry' }) as MappingWarning]],
    ['employees not a number', { employees: '1,000' }, [expect.objectContaining({ kind: 'invalid_value', property: 'numberofemployees' }) as MappingWarning]],
  ])('%s', (_, traits, warnings) => {
    expect(map(traits).warnings).toEqual(warnings);
  });
});
