import type { Catalog } from './catalog.js';
import { isEmptyValue, setOwn } from './json.js';
import { convertValue } from './values.js';
import type { CatalogObject, MappingWarning, PropertyValues } from './types.js';

/**
 * Collects the properties of one contact or company: the first value for a name wins,
 * kept or given up on (callers write special fields first, then traits in input order),
 * empty values are skipped without claiming the name, and every name is checked against
 * the catalog and converted to its type. Whatever is given up on becomes a warning.
 */
export class PropertyWriter {
  // A plain object rather than one without a prototype: V8 keeps it in fast mode, and
  // serialising millions of them is ~15% quicker. Names come from the catalog; `setOwn`
  // keeps even a catalog's `__proto__` an ordinary key.
  readonly properties: PropertyValues = {};
  /** The record's key (`email`, `domain`), never a property. */
  #reserved?: string;
  /** Names given up on (dropped, invalid); made on the first, not for every record. */
  #givenUp?: Set<string>;

  constructor(
    private readonly catalog: Catalog,
    private readonly object: CatalogObject,
    readonly warnings: MappingWarning[],
  ) {}

  /** Keeps `name` out of the properties (e.g. `email`, which is the upsert's key). */
  reserve(name: string): void {
    this.#reserved = name;
  }

  write(name: string, value: unknown): void {
    if (isEmptyValue(value) || name === this.#reserved || Object.hasOwn(this.properties, name) || this.#givenUp?.has(name)) return;
    const lookup = this.catalog.writable(this.object, name);
    if (!lookup.ok) {
      this.giveUp(name, { kind: 'dropped_property', object: this.object, property: name, reason: lookup.reason });
      return;
    }
    const converted = convertValue(lookup.property, value);
    if (converted.ok) setOwn(this.properties, name, converted.value);
    else this.giveUp(name, { kind: 'invalid_value', object: this.object, property: name, reason: converted.reason });
  }

  private giveUp(name: string, warning: MappingWarning): void {
    (this.#givenUp ??= new Set()).add(name);
    this.warnings.push(warning);
  }
}
