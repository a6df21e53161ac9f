// Segment's well-known traits and the HubSpot properties they feed (docs/mapping.md#contact-properties).

import { collect, forEachFlat } from './flatten.js';
import { isEmptyValue, isRecord, own } from './json.js';
import { normalizeKey } from './keys.js';
import type { KeyMap } from './propertyMap.js';
import type { JsonRecord } from './json.js';
import type { PropertyWriter } from './propertyWriter.js';

/**
 * Where a special field's value may be: a top-level trait, or a field of an object
 * trait (`address.city`). `scalar` marks a container trait (`address`, `company`)
 * that counts as the value only when it is not an object.
 */
export interface TraitSource {
  readonly key: string;
  readonly field?: string;
  readonly scalar?: boolean;
}

/** A HubSpot property and its sources, the exact HubSpot name first, then the table's order. */
export interface SpecialField {
  readonly property: string;
  readonly sources: readonly TraitSource[];
}

/** Shorthand for a table row: `'city'`, `'address.city'`, or `'address!'` for a container used as a value. */
export function specialField(property: string, ...paths: string[]): SpecialField {
  return {
    property,
    sources: paths.map((path): TraitSource => {
      if (path.endsWith('!')) return { key: path.slice(0, -1), scalar: true };
      const dot = path.indexOf('.');
      return dot === -1 ? { key: path } : { key: path.slice(0, dot), field: path.slice(dot + 1) };
    }),
  };
}

/**
 * A table of special fields, indexed so that a call's traits are read key by key:
 * probing every alias of every field for each call would cost more than the traits
 * themselves, which usually hold a handful of keys.
 */
export class SpecialFieldTable {
  /** Top-level traits the table reads: consumed here, not also mapped as ordinary keys. */
  readonly consumed: ReadonlySet<string>;
  readonly #fields: readonly SpecialField[];
  // Trait key → bit i set for each field i that reads it (tables have < 31 fields).
  readonly #readers = new Map<string, number>();

  constructor(fields: readonly SpecialField[], alsoConsumed: readonly string[] = []) {
    this.#fields = fields;
    fields.forEach((field, index) => {
      for (const source of field.sources) this.#readers.set(source.key, (this.#readers.get(source.key) ?? 0) | (1 << index));
    });
    this.consumed = new Set([...this.#readers.keys(), ...alsoConsumed]);
  }

  /** Every trait the table reads, as written in the tables of docs/mapping.md (`city`, `address.city`). */
  get paths(): string[] {
    const paths = new Set(this.consumed);
    for (const field of this.#fields) for (const source of field.sources) if (source.field !== undefined) paths.add(`${source.key}.${source.field}`);
    return [...paths];
  }

  /** Writes every field `traits` gives, in table order. */
  write(writer: PropertyWriter, traits: JsonRecord): void {
    let given = 0;
    for (const key of Object.keys(traits)) given |= this.#readers.get(key) ?? 0;
    for (let index = 0; given !== 0; index++, given >>>= 1) {
      if ((given & 1) === 0) continue;
      const field = this.#fields[index];
      if (field !== undefined) writer.write(field.property, firstPresent(traits, field.sources));
    }
  }
}

/** The first non-empty value among `sources`; null, "" and absent ones are skipped. */
export function firstPresent(traits: JsonRecord, sources: readonly TraitSource[]): unknown {
  for (const source of sources) {
    let value = own(traits, source.key);
    if (source.field !== undefined) value = isRecord(value) ? own(value, source.field) : undefined;
    else if (source.scalar === true && isRecord(value)) continue;
    if (!isEmptyValue(value)) return value;
  }
  return undefined;
}

/**
 * Every other trait, flattened and named like a key, in input order; with a property map,
 * a top-level trait is looked up as written, else by its name, and a nested one by its
 * flattened name.
 */
export function writeOrdinaryTraits(writer: PropertyWriter, traits: JsonRecord, consumed: ReadonlySet<string>, map?: KeyMap): void {
  if (map === undefined || map.size === 0) {
    forEachFlat(traits, (name, value) => writer.write(name, value), consumed);
    return;
  }
  const write = (key: string | undefined, name: string, value: unknown) => {
    const target = map.lookup(key, name);
    if (target === undefined) writer.write(name, value);
    else if (target.kind === 'rename') writer.write(target.name, value, target.type);
    // A dropped key is left out on purpose: not counted as dropped.
  };
  for (const key of Object.keys(traits)) {
    if (consumed.has(key)) continue;
    const value = traits[key];
    const name = normalizeKey(key);
    if (isRecord(value)) collect(name, value, (leaf, leafValue) => write(undefined, leaf, leafValue));
    else write(key, name, value);
  }
}
