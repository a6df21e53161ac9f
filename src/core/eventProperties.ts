// Custom behavioral event properties from a track's properties (docs/mapping.md#events), within
// HubSpot's limits on an occurrence (docs/hubspot.md#custom-events).

import { forEachFlat } from './flatten.js';
import { cellValue } from './cellValues.js';
import { isIsoDateTime } from './instant.js';
import { EMPTY_RECORD, isEmptyValue, isRecord, joinList, textOf, withoutNul } from './json.js';
import type { KeyMap } from './propertyMap.js';
import type { EventPropertyMapping, EventPropertyType, MappingWarning, PropertyValues } from './types.js';

/** Properties per occurrence. */
export const EVENT_PROPERTY_LIMIT = 50;
/** Characters (UTF-16 code units) of a property name. */
export const EVENT_PROPERTY_NAME_LIMIT = 50;
/**
 * Characters (UTF-16 code units) of a value. HubSpot allows 1,024 for url/referrer/link
 * properties; 256 for all keeps one rule that every event property accepts.
 */
export const EVENT_VALUE_LIMIT = 256;

const STARTS_WITH_LETTER = /^[a-z]/;

export interface EventPropertyOptions {
  /** The event definition's properties, when no definition may be created or extended. */
  defined?: ReadonlySet<string>;
  /** The properties are CSV cells: each counts as the value it spells (cellValue). */
  cells?: boolean;
  /** The property map's `event` section: names renamed, dropped or typed. */
  map?: KeyMap;
}

/**
 * Flattened, named like keys, `email` removed (it identifies the contact), names not
 * starting with a letter dropped, undefined ones dropped when `defined` is given, the
 * first 50 kept, values as strings cut to 256 characters. Warnings are appended to
 * `warnings`. `propertyTypes` types each property from its raw value, listing only those
 * that are not strings.
 */
export function eventProperties(
  properties: unknown,
  options: EventPropertyOptions = {},
  warnings: MappingWarning[] = [],
): EventPropertyMapping {
  // Dictionaries (no prototype): a track's property names come in any order and number,
  // and plain objects would make V8 build a new hidden class for almost every track of
  // a mature workspace's export (measured: ~10% of a dry run's CPU on the trait-heavy
  // corpus, no difference on the standard one). Every name kept starts with a letter, so
  // none is `__proto__`.
  const values = Object.create(null) as PropertyValues;
  const propertyTypes = Object.create(null) as Record<string, EventPropertyType>;
  // The first value of a name wins, kept or dropped. Kept names are in `values`; dropped
  // ones are rare, so their set is made only when needed.
  let dropped: Set<string> | undefined;
  const defined = options.defined;
  const cells = options.cells === true;
  let kept = 0;
  const map = options.map !== undefined && options.map.size > 0 ? options.map : undefined;
  forEachFlat(isRecord(properties) ? properties : EMPTY_RECORD, (flatName, raw) => {
    let name = flatName;
    let forced: EventPropertyType | undefined;
    if (map !== undefined) {
      const target = map.lookup(undefined, flatName);
      // A dropped name is left out on purpose: not counted as dropped.
      if (target?.kind === 'drop') return;
      if (target?.kind === 'rename') {
        name = target.name;
        forced = target.type as EventPropertyType | undefined;
      }
    }
    const value = cells && typeof raw === 'string' ? cellValue(raw) : raw;
    if (isEmptyValue(value) || name === 'email' || Object.hasOwn(values, name) || dropped?.has(name)) return;
    const reason = dropReason(name, defined, kept);
    if (reason !== undefined) {
      (dropped ??= new Set()).add(name);
      warnings.push({ kind: 'dropped_property', object: 'event', property: name, reason });
      return;
    }
    const text = eventValue(name, value, warnings);
    if (text === undefined) {
      (dropped ??= new Set()).add(name);
      return;
    }
    kept++;
    values[name] = text;
    const type = forced ?? eventPropertyType(value);
    if (type !== 'string') propertyTypes[name] = type;
  });
  return { properties: values, propertyTypes, warnings };
}

/** How an event definition would type a property from its raw value (HubSpot events have no bool type). */
export function eventPropertyType(value: unknown): EventPropertyType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string' && isIsoDateTime(value)) return 'datetime';
  return 'string';
}

/** Why `name` cannot be sent, in the order the rules apply; undefined when it can. */
function dropReason(name: string, defined: ReadonlySet<string> | undefined, kept: number): string | undefined {
  if (!STARTS_WITH_LETTER.test(name)) return 'does not start with a letter';
  if (name.length > EVENT_PROPERTY_NAME_LIMIT) return `name longer than ${EVENT_PROPERTY_NAME_LIMIT} characters`;
  if (defined !== undefined && !defined.has(name)) return 'not in the event definition';
  if (kept === EVENT_PROPERTY_LIMIT) return `beyond the first ${EVENT_PROPERTY_LIMIT} properties`;
  return undefined;
}

/** The value as sent, cut to size; undefined (with a warning) when it cannot be sent. */
function eventValue(name: string, value: unknown, warnings: MappingWarning[]): string | undefined {
  const text = withoutNul(Array.isArray(value) ? joinList(value) : textOf(value));
  if (text.length <= EVENT_VALUE_LIMIT && text !== '') return text;
  // A number cut short would be another number (1.5e300 has 301 digits in plain decimals).
  const invalid = text === '' ? 'a text of NUL characters only' : typeof value === 'number' ? `a number of ${text.length} digits, more than the ${EVENT_VALUE_LIMIT} characters of an event value` : undefined;
  if (invalid !== undefined) {
    warnings.push({ kind: 'invalid_value', object: 'event', property: name, reason: invalid });
    return undefined;
  }
  // Never split a surrogate pair: half an emoji is not valid text.
  const code = text.charCodeAt(EVENT_VALUE_LIMIT - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? EVENT_VALUE_LIMIT - 1 : EVENT_VALUE_LIMIT;
  warnings.push({ kind: 'truncated_value', object: 'event', property: name, reason: `cut from ${text.length} to ${end} characters` });
  return text.slice(0, end);
}
