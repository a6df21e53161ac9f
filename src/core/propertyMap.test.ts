// The property map's rules (docs/mapping.md#the-property-map), table by table.
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { companyProperties } from './companyProperties.js';
import { contactProperties } from './contactProperties.js';
import { eventProperties } from './eventProperties.js';
import { readPropertyMap, type PropertyMap } from './propertyMap.js';
import type { HubSpotProperty, MappingWarning } from './types.js';

const text = (name: string): HubSpotProperty => ({ name, type: 'string', fieldType: 'text' });
const CATALOG = Catalog.fromDocument({
  contacts: { results: ['email', 'firstname', 'favorite_color', 'nickname', 'tier'].map(text) },
  companies: { results: ['name', 'domain', 'website', 'segment'].map(text) },
});

function mapOf(document: unknown): PropertyMap {
  const reading = readPropertyMap(document);
  if (!reading.ok) throw new Error(`${reading.entry}: ${reading.reason}`);
  return reading.map;
}

describe('readPropertyMap refuses', () => {
  it.each([
    ['not an object', [], '(the file)', 'must be a JSON object'],
    ['an unknown section', { deal: {} }, 'deal', 'the sections are'],
    ['a section that is no object', { contact: 'x' }, 'contact', 'must be an object'],
    ['email as a key', { contact: { email: 'work_email' } }, 'contact.email', '`email` identifies'],
    ['Email after the key rules', { contact: { ' Email ': 'x' } }, 'contact. Email ', '`email` identifies'],
    ['email as a target', { company: { owner: 'email' } }, 'company.owner', 'may target `email`'],
    ['email as an object target', { contact: { mail: { name: 'EMAIL' } } }, 'contact.mail', 'may target `email`'],
    ['a special field (alias)', { contact: { firstName: 'given' } }, 'contact.firstName', "special field's source"],
    ['a special field (nested source)', { contact: { 'address.city': 'town' } }, 'contact.address.city', "special field's source"],
    ['a company special field', { company: { employees: 'staff' } }, 'company.employees', "special field's source"],
    ['an event email', { event: { email: 'x' } }, 'event.email', '`email` identifies'],
    ['a number as a target', { contact: { plan: 3 } }, 'contact.plan', 'an entry is'],
    ['an unknown type', { contact: { plan: { name: 'tier', type: 'enumeration' } } }, 'contact.plan', '"type" must be one of'],
    ['a boolean event type', { event: { paid: { name: 'paid', type: 'bool' } } }, 'event.paid', 'no boolean or date type'],
    ['an unknown field', { contact: { plan: { name: 'tier', kind: 'x' } } }, 'contact.plan', 'unknown field kind'],
    ['an empty name', { contact: { plan: ' ' } }, 'contact.plan', 'empty'],
  ])('%s', (_what, document, entry, reason) => {
    const reading = readPropertyMap(document);
    expect(reading.ok).toBe(false);
    if (!reading.ok) {
      expect(reading.entry).toBe(entry);
      expect(reading.reason).toContain(reason);
    }
  });
});

describe('a contact map', () => {
  const map = mapOf({ contact: { 'Favourite Colour': 'favorite_color', favourite_colour: 'nickname', plan_tier: { name: 'tier', type: 'string' }, junk: null, nick: 'firstname' } });
  const mapped = (traits: Record<string, unknown>) => {
    const warnings: MappingWarning[] = [];
    const { properties } = contactProperties(traits, CATALOG, warnings, { map: map.contact });
    return { properties, warnings };
  };

  it.each([
    ['a key as written wins over one matching after the key rules', { 'Favourite Colour': 'red' }, { favorite_color: 'red' }],
    ['a key matching after the key rules', { 'FAVOURITE_COLOUR ': 'red' }, { nickname: 'red' }],
    ['a nested trait by its flattened name', { plan: { tier: 'pro' } }, { tier: 'pro' }],
    ['a dropped key', { junk: 'x' }, {}],
    ['a special field wins over a target colliding with it', { nick: 'Bobby', firstName: 'Robert' }, { firstname: 'Robert' }],
    ['the target when the special field is absent', { nick: 'Bobby' }, { firstname: 'Bobby' }],
    ['two keys onto one name: the first in input order', { favourite_colour: 'blue', 'Favourite Colour': 'red' }, { nickname: 'blue', favorite_color: 'red' }],
  ])('%s', (_what, traits, properties) => {
    expect(mapped(traits).properties).toEqual(properties);
  });

  it('a dropped key is not counted as dropped; a renamed one missing from the catalog is, with its type', () => {
    expect(mapped({ junk: 'x' }).warnings).toEqual([]);
    const typed = mapOf({ contact: { code: { name: 'account_code', type: 'number' } } });
    const warnings: MappingWarning[] = [];
    contactProperties({ code: '0042' }, CATALOG, warnings, { map: typed.contact });
    expect(warnings).toEqual([{ kind: 'dropped_property', object: 'contact', property: 'account_code', reason: 'not in the catalog', value: '0042', type: 'number' }]);
  });

  it('two keys onto one target: the first in input order wins', () => {
    const onto = mapOf({ contact: { a: 'nickname', b: 'nickname' } });
    expect(contactProperties({ b: 'second', a: 'first' }, CATALOG, [], { map: onto.contact }).properties).toEqual({ nickname: 'second' });
  });
});

describe('company and event maps', () => {
  it('renames and drops company traits', () => {
    const map = mapOf({ company: { Tier: 'segment', noise: null } });
    expect(companyProperties({ name: 'Initech', website: 'initech.com', tier: 'gold', noise: 1 }, CATALOG, [], { map: map.company }).properties).toEqual({ name: 'Initech', website: 'initech.com', segment: 'gold' });
  });

  it('renames, drops and types event properties', () => {
    const map = mapOf({ event: { 'Order Total': { name: 'amount', type: 'number' }, debug: null, ref: 'reference' } });
    const warnings: MappingWarning[] = [];
    const result = eventProperties({ 'Order Total': '12.50', debug: true, ref: 'A-1' }, { map: map.event }, warnings);
    expect({ ...result.properties }).toEqual({ amount: '12.50', reference: 'A-1' });
    expect({ ...result.propertyTypes }).toEqual({ amount: 'number' });
    expect(warnings).toEqual([]);
  });
});
