// Contact properties from identify traits (and a track's context.traits), docs/mapping.md#contact-properties.

import type { Catalog } from './catalog.js';
import { EMPTY_RECORD, isRecord, own, textOf } from './json.js';
import type { JsonRecord } from './json.js';
import { PropertyWriter } from './propertyWriter.js';
import { firstPresent, specialField, SpecialFieldTable, writeOrdinaryTraits } from './specialFields.js';
import type { MappingWarning, PropertyMapping, TraitOptions } from './types.js';

const FIRSTNAME = specialField('firstname', 'firstname', 'firstName', 'first_name');
const LASTNAME = specialField('lastname', 'lastname', 'lastName', 'last_name');

// After firstname/lastname (and the `name` split), in the order of the table in docs/mapping.md#contact-properties.
// The name traits and `email` are read by contactProperties itself.
const CONTACT_FIELDS = new SpecialFieldTable(
  [
    specialField('jobtitle', 'jobtitle', 'position', 'title', 'jobTitle', 'job_title'),
    specialField('phone', 'phone'),
    specialField('address', 'address!', 'address.street'),
    specialField('city', 'city', 'address.city'),
    specialField('state', 'state', 'address.state'),
    specialField('zip', 'zip', 'address.postalCode', 'address.postal_code', 'postalCode'),
    specialField('country', 'country', 'address.country'),
    // A contact property only: Segment's `company` names the contact's employer, no company record.
    specialField('company', 'company!', 'company.name', 'companyName', 'company_name'),
    specialField('website', 'website'),
    specialField('lifecyclestage', 'lifecyclestage', 'lifecycle_stage', 'lifecycleStage'),
  ],
  [...FIRSTNAME.sources, ...LASTNAME.sources].map((source) => source.key).concat('email', 'name'),
);

/** The traits a property map may not rename: the special fields' sources and `email`. */
export const CONTACT_SPECIAL_TRAITS: readonly string[] = CONTACT_FIELDS.paths;

/**
 * The contact properties `traits` give, checked against the catalog. `email` is never
 * among them: it is the upsert's key. Warnings are appended to `warnings`.
 */
export function contactProperties(traits: unknown, catalog: Catalog, warnings: MappingWarning[] = [], options: TraitOptions = {}): PropertyMapping {
  const source: JsonRecord = isRecord(traits) ? traits : EMPTY_RECORD;
  const writer = new PropertyWriter(catalog, 'contact', warnings, options.cells);
  writer.reserve('email');
  const firstname = firstPresent(source, FIRSTNAME.sources);
  const lastname = firstPresent(source, LASTNAME.sources);
  if (firstname === undefined && lastname === undefined) {
    const [first, last] = splitName(own(source, 'name'));
    writer.write('firstname', first);
    writer.write('lastname', last);
  } else {
    writer.write('firstname', firstname);
    writer.write('lastname', lastname);
  }
  CONTACT_FIELDS.write(writer, source);
  writeOrdinaryTraits(writer, source, CONTACT_FIELDS.consumed, options.map);
  return { properties: writer.properties, warnings };
}

/** `name` as [firstname, lastname]: trimmed, split at the first space; one word is a first name. */
export function splitName(name: unknown): [first: string | undefined, last: string | undefined] {
  if (name === null || name === undefined || typeof name === 'object') return [undefined, undefined];
  const text = textOf(name).trim();
  const space = text.indexOf(' ');
  if (space === -1) return [text === '' ? undefined : text, undefined];
  return [text.slice(0, space), text.slice(space + 1).trim() || undefined];
}
