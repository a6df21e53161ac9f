import type { HubSpotProperty } from './types.js';

/** An enumeration's options indexed for case-insensitive matching. */
export interface OptionLookup {
  /** Options are resolved elsewhere (e.g. `hubspot_owner_id`): any value passes unchecked. */
  readonly external: boolean;
  /** Lowercased option value → option value. */
  readonly byValue: ReadonlyMap<string, string>;
  /** Lowercased option label → option value. */
  readonly byLabel: ReadonlyMap<string, string>;
  /** The option values for a message, shortened when there are many. */
  readonly summary: string;
}

// Keyed by the catalog's property object, so each enumeration is indexed once per
// catalog instead of once per value.
const lookups = new WeakMap<HubSpotProperty, OptionLookup>();

export function optionLookup(property: HubSpotProperty): OptionLookup {
  let lookup = lookups.get(property);
  if (lookup === undefined) {
    lookup = buildLookup(property);
    lookups.set(property, lookup);
  }
  return lookup;
}

/** The option value a Segment value names: values are tried before labels (docs/mapping.md#values). */
export function findOption(lookup: OptionLookup, text: string): string | undefined {
  const key = text.trim().toLowerCase();
  return lookup.byValue.get(key) ?? lookup.byLabel.get(key);
}

function buildLookup(property: HubSpotProperty): OptionLookup {
  const byValue = new Map<string, string>();
  const byLabel = new Map<string, string>();
  const values: string[] = [];
  for (const option of property.options ?? []) {
    if (typeof option.value !== 'string') continue;
    values.push(option.value);
    const value = option.value.toLowerCase();
    if (!byValue.has(value)) byValue.set(value, option.value);
    if (typeof option.label === 'string') {
      const label = option.label.toLowerCase();
      if (!byLabel.has(label)) byLabel.set(label, option.value);
    }
  }
  const summary = values.length > 12 ? values.slice(0, 12).join(', ') + `, … (${values.length} in all)` : values.join(', ');
  return { external: property.externalOptions === true, byValue, byLabel, summary };
}
