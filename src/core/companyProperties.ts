// Company properties from group traits (docs/mapping.md#company-properties).

import type { Catalog } from './catalog.js';
import { EMPTY_RECORD, isRecord } from './json.js';
import type { JsonRecord } from './json.js';
import { PropertyWriter } from './propertyWriter.js';
import { specialField, SpecialFieldTable, writeOrdinaryTraits } from './specialFields.js';
import type { MappingWarning, PropertyMapping, TraitOptions } from './types.js';

// A group's address object maps like a contact's.
const COMPANY_FIELDS = new SpecialFieldTable(
  [
    specialField('name', 'name'),
    specialField('description', 'description'),
    specialField('address', 'address!', 'address.street'),
    specialField('city', 'city', 'address.city'),
    specialField('state', 'state', 'address.state'),
    specialField('zip', 'zip', 'address.postalCode', 'address.postal_code', 'postalCode'),
    specialField('country', 'country', 'address.country'),
    specialField('numberofemployees', 'numberofemployees', 'employees'),
    specialField('industry', 'industry'),
    specialField('phone', 'phone'),
    // Sent as given; its domain is the upsert's key (the `domain` trait is ignored).
    specialField('website', 'website'),
  ],
  ['domain'],
);

/** The traits a property map may not rename: the special fields' sources and `domain`. */
export const COMPANY_SPECIAL_TRAITS: readonly string[] = COMPANY_FIELDS.paths;

/** The company properties `traits` give, checked against the catalog. Warnings are appended to `warnings`. */
export function companyProperties(traits: unknown, catalog: Catalog, warnings: MappingWarning[] = [], options: TraitOptions = {}): PropertyMapping {
  const source: JsonRecord = isRecord(traits) ? traits : EMPTY_RECORD;
  const writer = new PropertyWriter(catalog, 'company', warnings, options.cells);
  // The domain is the operation's key, never a property taken from traits.
  writer.reserve('domain');
  COMPANY_FIELDS.write(writer, source);
  writeOrdinaryTraits(writer, source, COMPANY_FIELDS.consumed, options.map);
  return { properties: writer.properties, warnings };
}
