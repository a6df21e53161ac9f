// The portal's property catalog (docs/mapping.md#property-catalog): HubSpot rejects a whole batch for one
// unknown or read-only property, so every property is checked here before it is sent.

import { isRecord } from './json.js';
import { optionLookup } from './options.js';
import type { CatalogDocument, CatalogObject, HubSpotProperty } from './types.js';

/** A property that may be written, or why it may not. */
export type PropertyLookup = { ok: true; property: HubSpotProperty } | { ok: false; reason: string };

/** Why a name is dropped when the catalog lacks it (the names a property plan may create). */
export const NOT_IN_CATALOG_REASON = 'not in the catalog';
const NOT_IN_CATALOG: PropertyLookup = { ok: false, reason: NOT_IN_CATALOG_REASON };

/** One catalog entry: the property, and the verdict a writer gets for it. */
interface Entry {
  property: HubSpotProperty;
  writable: PropertyLookup;
}

export class Catalog {
  readonly #contacts: readonly HubSpotProperty[];
  readonly #companies: readonly HubSpotProperty[];
  // Verdicts are built once per property so that a lookup allocates nothing.
  readonly #contactIndex: ReadonlyMap<string, Entry>;
  readonly #companyIndex: ReadonlyMap<string, Entry>;

  private constructor(contacts: readonly HubSpotProperty[], companies: readonly HubSpotProperty[]) {
    this.#contacts = contacts;
    this.#companies = companies;
    this.#contactIndex = indexByName(contacts);
    this.#companyIndex = indexByName(companies);
  }

  /**
   * A catalog from the properties API's shape (`hubspot-sync properties pull`). Throws
   * an Error naming the first malformed entry. A missing side (a pull of one object
   * type) is an empty list: every property of that object will then be dropped.
   */
  static fromDocument(document: CatalogDocument): Catalog {
    const doc: unknown = document;
    if (!isRecord(doc)) throw new Error('catalog: expected an object {"contacts":{"results":[…]},"companies":{"results":[…]}}');
    return new Catalog(readSide(doc, 'contacts'), readSide(doc, 'companies'));
  }

  /** The catalog in the shape it was read from, ready to be saved. */
  toDocument(): CatalogDocument {
    return { contacts: { results: [...this.#contacts] }, companies: { results: [...this.#companies] } };
  }

  contact(name: string): HubSpotProperty | undefined {
    return this.#contactIndex.get(name)?.property;
  }

  company(name: string): HubSpotProperty | undefined {
    return this.#companyIndex.get(name)?.property;
  }

  /** This catalog with `added` properties besides (created ones, or a dry run's plan); a name it has stays as it is. */
  withProperties(added: Readonly<Record<CatalogObject, readonly HubSpotProperty[]>>): Catalog {
    return new Catalog([...this.#contacts, ...added.contact], [...this.#companies, ...added.company]);
  }

  /** The property `name` of `object` if a replay may write it; else not in the catalog, read-only or calculated. */
  writable(object: CatalogObject, name: string): PropertyLookup {
    return (object === 'contact' ? this.#contactIndex : this.#companyIndex).get(name)?.writable ?? NOT_IN_CATALOG;
  }
}

/** Why a replay may not write `property`, if it may not. */
export function readOnlyReason(property: HubSpotProperty): string | undefined {
  if (property.modificationMetadata?.readOnlyValue === true) return 'read-only';
  if (property.calculated === true) return 'calculated';
  return undefined;
}

function indexByName(properties: readonly HubSpotProperty[]): Map<string, Entry> {
  const index = new Map<string, Entry>();
  for (const property of properties) {
    if (index.has(property.name)) continue; // the first of a repeated name wins
    const reason = readOnlyReason(property);
    index.set(property.name, { property, writable: reason === undefined ? { ok: true, property } : { ok: false, reason } });
    if (property.type === 'enumeration') optionLookup(property); // index options now, not on the first value
  }
  return index;
}

function readSide(doc: Readonly<Record<string, unknown>>, side: 'contacts' | 'companies'): HubSpotProperty[] {
  const container = doc[side];
  if (container === undefined) return [];
  if (!isRecord(container) || !Array.isArray(container.results)) {
    throw new Error(`catalog: ${side}.results must be a list of properties`);
  }
  return container.results.map((item: unknown, index) => {
    const where = `catalog: ${side}.results[${index}]`;
    if (!isRecord(item)) throw new Error(`${where} is not an object`);
    if (typeof item.name !== 'string' || item.name === '') throw new Error(`${where} has no name`);
    if (typeof item.type !== 'string') throw new Error(`${where} (${item.name}) has no type`);
    if (item.options !== undefined && !Array.isArray(item.options)) throw new Error(`${where} (${item.name}) has options that are not a list`);
    return item as HubSpotProperty;
  });
}
