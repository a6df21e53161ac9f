import { isRecord } from './json.js';
import type { JsonRecord } from './json.js';
import { normalizeKey } from './keys.js';

/** One flattened property: its HubSpot-style name and its (unconverted) value. */
export type FlatEntry = [name: string, value: unknown];

/**
 * Nested objects as flat HubSpot names (SPEC 3.2, 3.8): depth first, in input order,
 * each key normalised on its own and joined with `_` (`{plan: {tier}}` → `plan_tier`).
 * Arrays are values, never flattened; null values are kept for the caller to drop.
 * `skip` names top-level keys the caller has already consumed (special fields).
 */
export function flattenProperties(source: JsonRecord, skip?: ReadonlySet<string>): FlatEntry[] {
  const entries: FlatEntry[] = [];
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue;
    collect(normalizeKey(key), source[key], entries);
  }
  return entries;
}

function collect(name: string, value: unknown, entries: FlatEntry[]): void {
  if (!isRecord(value)) {
    entries.push([name, value]);
    return;
  }
  for (const key of Object.keys(value)) {
    collect(name + '_' + normalizeKey(key), value[key], entries);
  }
}
