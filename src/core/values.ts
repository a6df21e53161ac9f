// Trait values as HubSpot's wire format, by the catalog's property type (docs/mapping.md#values).
// A value that cannot be converted is reported, never guessed at: HubSpot rejects a
// whole batch for one bad value.

import { formatDate, formatDateTime, parseInstant } from './instant.js';
import { isRecord, joinList, plainDecimal, quote, textOf, withoutNul } from './json.js';
import { findOption, optionLookup } from './options.js';
import type { OptionLookup } from './options.js';
import type { Conversion, HubSpotProperty } from './types.js';

/** Characters (UTF-16 code units) HubSpot stores in a text property. */
export const TEXT_VALUE_LIMIT = 65_536;

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// `t`/`f`: how Postgres and Redshift unload booleans.
const TRUE_WORDS = new Set(['true', 'yes', '1', 't']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'f']);
const TRUE: Conversion = { ok: true, value: 'true' };
const FALSE: Conversion = { ok: true, value: 'false' };

/** Converts one non-empty value for `property`; the caller drops null, absent and "" first. */
export function convertValue(property: HubSpotProperty, value: unknown): Conversion {
  switch (property.type) {
    case 'date':
      return toInstant(value, formatDate, 'date');
    case 'datetime':
      return toInstant(value, formatDateTime, 'date-time');
    case 'number':
      return toNumber(value);
    case 'bool':
      return toBool(value);
    case 'enumeration':
      return property.fieldType === 'checkbox' ? toOptions(property, value) : toOption(property, value);
    default:
      // string, phone_number, and the internal types HubSpot stores as text.
      return toText(value);
  }
}

function ok(value: string): Conversion {
  return { ok: true, value };
}

function invalid(reason: string): Conversion {
  return { ok: false, reason };
}

// A longer text is dropped, not cut: HubSpot would refuse the whole batch for it, and a
// cut value is not the value the source holds.
function toText(value: unknown): Conversion {
  const text = withoutNul(Array.isArray(value) ? joinList(value) : textOf(value));
  if (text.length > TEXT_VALUE_LIMIT) return invalid(`a text of ${text.length} characters, more than the ${TEXT_VALUE_LIMIT} HubSpot stores`);
  return text === '' ? invalid('a text of NUL characters only') : ok(text);
}

function toNumber(value: unknown): Conversion {
  if (typeof value === 'number') return Number.isFinite(value) ? ok(plainDecimal(value)) : invalid(`${quote(value)} is not a number`);
  if (typeof value === 'string') {
    const text = value.trim();
    if (NUMERIC.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return ok(plainDecimal(n));
    }
  }
  return invalid(`${quote(value)} is not a number`);
}

function toBool(value: unknown): Conversion {
  if (value === true || value === 1) return TRUE;
  if (value === false || value === 0) return FALSE;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return TRUE;
    if (FALSE_WORDS.has(word)) return FALSE;
  }
  return invalid(`${quote(value)} is not a boolean (true/false, yes/no, 1/0, t/f)`);
}

function toInstant(value: unknown, format: (ms: number) => string, kind: string): Conversion {
  const ms = parseInstant(value);
  return ms === undefined
    ? invalid(`${quote(value)} is not a ${kind}: use ISO-8601 (2026-03-05, 2026-03-05T04:30:00Z), a warehouse time (2026-03-05 04:30:00 UTC) or epoch milliseconds`)
    : ok(format(ms));
}

function toOption(property: HubSpotProperty, value: unknown): Conversion {
  if (Array.isArray(value)) return invalid(`a list (${quote(value)}) is not valid for the single-select ${property.name}`);
  if (isRecord(value)) return invalid(`${quote(value)} is not an option of ${property.name}`);
  const lookup = optionLookup(property);
  const text = textOf(value);
  if (lookup.external) return ok(text);
  const option = findOption(lookup, text);
  return option === undefined ? unknownOption(property, lookup, value) : ok(option);
}

// A checkbox takes a list, or one `;`-separated string; order kept, repeats removed.
function toOptions(property: HubSpotProperty, value: unknown): Conversion {
  if (isRecord(value)) return invalid(`${quote(value)} is not an option of ${property.name}`);
  const lookup = optionLookup(property);
  const elements: readonly unknown[] = Array.isArray(value) ? value : textOf(value).split(';');
  const chosen: string[] = [];
  for (const element of elements) {
    if (element === null || element === undefined) continue;
    if (typeof element === 'object') return invalid(`${quote(element)} is not an option of ${property.name}`);
    const text = textOf(element).trim();
    if (text === '') continue;
    const option = lookup.external ? text : findOption(lookup, text);
    if (option === undefined) return unknownOption(property, lookup, element);
    if (!chosen.includes(option)) chosen.push(option);
  }
  return chosen.length === 0 ? invalid(`${quote(value)} names no option of ${property.name}`) : ok(chosen.join(';'));
}

function unknownOption(property: HubSpotProperty, lookup: OptionLookup, value: unknown): Conversion {
  return invalid(`${quote(value)} is not an option of ${property.name} (options: ${lookup.summary || 'none'})`);
}
