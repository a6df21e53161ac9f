// What a replay would change on one HubSpot record: the proposed values against the
// current ones, compared by meaning (HubSpot answers `5.0` for `5`, a datetime without
// milliseconds), so that an unchanged record is reported as unchanged.
import type { HubSpotProperty, PropertyValues } from './types.js';

export type DiffStatus = 'new' | 'changed' | 'unchanged';

export interface PropertyChange {
  from: string | null;
  to: string;
  /** The property does not exist yet: --create-properties would create it. */
  newProperty?: true;
}

export interface RecordDiff {
  status: DiffStatus;
  changes: Record<string, PropertyChange>;
}

function sameValue(property: HubSpotProperty | undefined, current: string, proposed: string): boolean {
  if (current === proposed) return true;
  switch (property?.type) {
    case 'number':
      return current.trim() !== '' && Number(current) === Number(proposed);
    case 'datetime':
    case 'date': {
      const a = Date.parse(current);
      const b = Date.parse(proposed);
      return !Number.isNaN(a) && a === b;
    }
    case 'bool':
      return current.toLowerCase() === proposed.toLowerCase();
    case 'enumeration':
      // A checkbox's order is not meaningful.
      return current.split(';').sort().join(';') === proposed.split(';').sort().join(';');
    default:
      return false;
  }
}

/**
 * `current` undefined: the record does not exist (new). Property lookup gives each
 * property's catalog entry so values are compared by type.
 */
export function diffProperties(
  proposed: PropertyValues,
  current: Readonly<Record<string, string | null | undefined>> | undefined,
  property: (name: string) => HubSpotProperty | undefined,
): RecordDiff {
  const changes: Record<string, PropertyChange> = {};
  for (const [name, to] of Object.entries(proposed)) {
    const from = current?.[name];
    if (from === undefined || from === null || from === '') {
      changes[name] = { from: null, to };
    } else if (!sameValue(property(name), from, to)) {
      changes[name] = { from, to };
    }
  }
  if (!current) return { status: 'new', changes };
  return { status: Object.keys(changes).length > 0 ? 'changed' : 'unchanged', changes };
}
