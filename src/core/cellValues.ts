// A CSV cell counts as the value it spells (docs/mapping.md#csv-cells-as-values): every cell
// is text, so without this a column of numbers or t/f would type and read as strings.

import { formatDateTime, isIsoDateTime, parseInstant } from './instant.js';
import type { SegmentCall } from './types.js';

/**
 * Marks a call read from a CSV file: a hidden symbol, so it is never serialised, compared
 * or copied with the call (a page made into a track is asked through the page).
 */
const FROM_CSV: unique symbol = Symbol('hubspot-sync.fromCsv');

export function markFromCsv(call: SegmentCall): void {
  Object.defineProperty(call, FROM_CSV, { value: true });
}

export function isFromCsv(call: SegmentCall): boolean {
  return (call as { [FROM_CSV]?: boolean })[FROM_CSV] === true;
}

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['t', true],
  ['false', false],
  ['f', false],
]);

/**
 * The value a cell spells: a canonical decimal number (as `String(Number(text))` writes
 * it: `3.25`, not `3.50` or `007`) as a number, `true`/`false`/`t`/`f` in any case as a
 * boolean, a date-time in any form the time parser reads as its ISO-8601 UTC text;
 * anything else the text itself.
 */
export function cellValue(text: string): string | number | boolean {
  const bool = BOOLEANS.get(text.toLowerCase());
  if (bool !== undefined) return bool;
  if (text !== '' && text.length < 25) {
    const n = Number(text);
    if (Number.isFinite(n) && String(n) === text) return n;
  }
  if (isIsoDateTime(text)) return formatDateTime(parseInstant(text) as number);
  return text;
}
