// Helpers for reading parsed JSON safely: a Segment export is untrusted data, so
// fields are read as own properties only (`constructor` in traits is a trait, not
// Object's constructor) and every shape is checked before use.

export type JsonRecord = Readonly<Record<string, unknown>>;

/** What a missing or malformed object field reads as. */
export const EMPTY_RECORD: JsonRecord = Object.freeze(Object.create(null) as Record<string, unknown>);

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of an own property, never an inherited one. */
export function own(record: JsonRecord, key: string): unknown {
  // hasOwn first: a keyed read of a missing key on objects of many shapes is the slow
  // path (measured: reading first doubled this function's cost in a dry run).
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Sets an own property, also one named `__proto__`, which an assignment to a plain
 * object would take as its prototype instead.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The object held by `record[key]`, or an empty one when it holds anything else. */
export function ownRecord(record: JsonRecord, key: string): JsonRecord {
  const value = own(record, key);
  return isRecord(value) ? value : EMPTY_RECORD;
}

/**
 * Values a replay must not send: null, absent and "" (HubSpot would clear the
 * property), and arrays holding nothing else.
 */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (!Array.isArray(value)) return false;
  for (const element of value) {
    if (element !== null && element !== undefined && element !== '') return false;
  }
  return true;
}

/** A scalar or structure as text: strings as given, numbers and booleans stringified, the rest as JSON. */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return JSON.stringify(value) ?? '';
  }
}

/** Array elements as text joined with `;` (HubSpot's multi-value separator); empty elements skipped. */
export function joinList(values: readonly unknown[]): string {
  let joined = '';
  let first = true;
  for (const element of values) {
    if (element === null || element === undefined || element === '') continue;
    joined += first ? textOf(element) : ';' + textOf(element);
    first = false;
  }
  return joined;
}

/** A value quoted for a human message, cut short so one huge value cannot flood a report. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? text.slice(0, 77) + '…' : text;
}
