import { isRecord } from './json.js';
import type { JsonRecord } from './json.js';
import { normalizeKey } from './keys.js';

/** One flattened property: its HubSpot-style name and its (unconverted) value. */
export type FlatEntry = [name: string, value: unknown];

/**
 * Nested objects as flat HubSpot names (docs/mapping.md#keys): depth first, in input order,
 * each key normalised on its own and joined with `_` (`{plan: {tier}}` → `plan_tier`).
 * Arrays are values, never flattened; null values are kept for the caller to drop.
 * `skip` names top-level keys the caller has already consumed (special fields).
 */
export function flattenProperties(source: JsonRecord, skip?: ReadonlySet<string>): FlatEntry[] {
  const entries: FlatEntry[] = [];
  forEachFlat(source, (name, value) => void entries.push([name, value]), skip);
  return entries;
}

/** `flattenProperties` without the list: each entry handed to `visit` as it is found. */
export function forEachFlat(source: JsonRecord, visit: (name: string, value: unknown) => void, skip?: ReadonlySet<string>): void {
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue;
    collect(normalizeKey(key), source[key], visit);
  }
}

/** The leaves under one value already named `name`, flattened as forEachFlat does. */
export function collect(name: string, value: unknown, visit: (name: string, value: unknown) => void): void {
  if (!isRecord(value)) {
    visit(name, value);
    return;
  }
  for (const key of Object.keys(value)) {
    collect(name + '_' + normalizeKey(key), value[key], visit);
  }
}
