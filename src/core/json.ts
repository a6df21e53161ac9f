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

/** A scalar or structure as text: strings as given, numbers in plain decimals, booleans stringified, the rest as JSON. */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return plainDecimal(value);
    case 'boolean':
      return String(value);
    default:
      return JSON.stringify(value) ?? '';
  }
}

/**
 * A finite number in plain decimal notation: `1e21` → `1000000000000000000000`, `1e-7` →
 * `0.0000001`. HubSpot's number format is digits with at most one decimal point, and
 * `String(n)` switches to exponent form past 1e21 and below 1e-6. The digits are the
 * shortest ones that read back as `n`, as `String` gives them, only the point moves.
 * Non-finite numbers (not in JSON) are given as `String` does.
 */
export function plainDecimal(n: number): string {
  const text = String(n);
  const e = text.indexOf('e');
  if (e === -1) return text;
  const negative = text.charCodeAt(0) === 0x2d;
  const mantissa = text.slice(negative ? 1 : 0, e);
  const point = mantissa.indexOf('.');
  const digits = point === -1 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  // Digits before the point once the exponent is applied (the mantissa has one).
  const whole = (point === -1 ? mantissa.length : point) + Number(text.slice(e + 1));
  let plain: string;
  if (whole <= 0) plain = '0.' + '0'.repeat(-whole) + digits;
  else if (whole >= digits.length) plain = digits + '0'.repeat(whole - digits.length);
  else plain = digits.slice(0, whole) + '.' + digits.slice(whole);
  return negative ? '-' + plain : plain;
}

/**
 * Text without NUL characters: they carry nothing in a CRM value (a fixed-width export
 * pads with them) and text stores commonly refuse them, so they are removed.
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
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

/**
 * JSON text of a parsed value that cannot fail: JSON.stringify overflows the stack on a
 * value nested a few thousand levels deep, and a dead letter must still be written for
 * it. The fallback walks the value with a stack of its own and gives the same text
 * (a container met again inside itself is written as null).
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return jsonTextWithoutRecursion(value);
  }
}

interface Frame {
  container: readonly unknown[] | Readonly<Record<string, unknown>>;
  keys: readonly string[] | undefined;
  next: number;
  wrote: boolean;
}

function jsonTextWithoutRecursion(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = new Set<object>();
  let value = root;
  let pending = true;
  for (;;) {
    if (pending) {
      pending = false;
      if (typeof value === 'object' && value !== null && !open.has(value)) {
        const isArray = Array.isArray(value);
        out.push(isArray ? '[' : '{');
        open.add(value);
        stack.push({ container: value as Frame['container'], keys: isArray ? undefined : Object.keys(value), next: 0, wrote: false });
      } else {
        out.push(scalarJson(value));
      }
    }
    const frame = stack[stack.length - 1];
    if (frame === undefined) return out.join('');
    const { container, keys } = frame;
    if (keys === undefined) {
      const array = container as readonly unknown[];
      if (frame.next < array.length) {
        if (frame.next > 0) out.push(',');
        value = array[frame.next++];
        pending = true;
        continue;
      }
    } else {
      const record = container as Readonly<Record<string, unknown>>;
      // JSON.stringify leaves out keys whose values have no JSON form.
      while (frame.next < keys.length && !hasJsonForm(record[keys[frame.next] as string])) frame.next++;
      if (frame.next < keys.length) {
        const key = keys[frame.next++] as string;
        out.push(`${frame.wrote ? ',' : ''}${JSON.stringify(key)}:`);
        frame.wrote = true;
        value = record[key];
        pending = true;
        continue;
      }
    }
    out.push(keys === undefined ? ']' : '}');
    open.delete(container);
    stack.pop();
  }
}

function hasJsonForm(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function scalarJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  return 'null';
}
