import type { Catalog } from './catalog.js';
import { cellValue } from './cellValues.js';
import { isEmptyValue, setOwn } from './json.js';
import type { PlanType } from './propertyPlan.js';
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
    /** The traits are CSV cells: a dropped one is handed to the property plan as the value it spells. */
    private readonly cells = false,
  ) {}

  /** Keeps `name` out of the properties (e.g. `email`, which is the upsert's key). */
  reserve(name: string): void {
    this.#reserved = name;
  }

  /** `type`: the property map's type for the name, for the property plan. */
  write(name: string, value: unknown, type?: PlanType): void {
    if (isEmptyValue(value) || name === this.#reserved || Object.hasOwn(this.properties, name) || this.#givenUp?.has(name)) return;
    const lookup = this.catalog.writable(this.object, name);
    if (!lookup.ok) {
      const given = this.cells && typeof value === 'string' ? cellValue(value) : value;
      const warning: MappingWarning = { kind: 'dropped_property', object: this.object, property: name, reason: lookup.reason, value: given };
      if (type !== undefined) warning.type = type;
      this.giveUp(name, warning);
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
