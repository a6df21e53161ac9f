// Validation and canonical storage of property values (docs/hubspot.md#property-values),
// emails, and the timestamps HubSpot accepts.

import type { Catalog } from './catalog.js';
import type { HubSpotPropertyJson } from './types.js';

export interface PropertyProblem {
  name: string;
  code: string;
  message: string;
}

export type ValueResult = { ok: true; value: string } | { ok: false; code: string; message: string };

const DAY_MS = 86_400_000;
const MAX_STRING = 65_536;
/** Typo top-level domains HubSpot rejects (`x@y.con`). */
const TYPO_TLDS = new Set(['con', 'cmo', 'ocm', 'comm', 'coom', 'ccom', 'cpm', 'cim', 'vom', 'xom', 'nte', 'ent', 'ner', 'nett', 'ogr', 'rog', 'orgg']);

/** HubSpot's email check: one @, no white space or control character, a dotted domain, ≤254 characters, no typo TLD. */
export function isValidEmail(email: string): boolean {
  // eslint-disable-next-line no-control-regex -- NUL and the other control characters are what is refused
  if (email.length === 0 || email.length > 254 || /[\s\u0000-\u001f\u007f]/.test(email)) return false;
  const parts = email.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  if (local === '' || domain === '') return false;
  const labels = domain.toLowerCase().split('.');
  if (labels.length < 2 || labels.some((l) => l === '' || !/^[a-z0-9-]+$/.test(l) || l.startsWith('-') || l.endsWith('-'))) return false;
  const tld = labels[labels.length - 1] as string;
  if (!/^[a-z]{2,63}$/.test(tld) && !/^xn--[a-z0-9-]+$/.test(tld)) return false;
  return !TYPO_TLDS.has(tld);
}

export const invalidEmailMessage = (email: string): string => `Email address ${email} is invalid`;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parse ISO-8601 (date or date-time; no zone means UTC) strictly; impossible dates are undefined. */
export function parseIso(s: string): number | undefined {
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  if (zone !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!zm) return undefined;
    const offset = (Number(zm[2]) * 60 + Number(zm[3])) * 60_000;
    t -= zm[1] === '+' ? offset : -offset;
  }
  return Number.isFinite(t) ? t : undefined;
}

/** Epoch milliseconds given as a string of digits (optionally negative). */
export function parseEpochMs(s: string): number | undefined {
  if (!/^-?\d{1,16}$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) && Math.abs(n) <= 8.64e15 ? n : undefined;
}

/** A datetime as HubSpot accepts it (ISO-8601 or epoch ms) → epoch ms. */
export function parseDateTime(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && Math.abs(v) <= 8.64e15 ? v : undefined;
  return parseEpochMs(v) ?? parseIso(v);
}

export const NUMBER_RE = /^-?(?:\d+\.?\d*|\.\d+)$/;

/** Canonical decimal string: no leading zeros, no trailing fraction zeros (`"007.50"` → `"7.5"`). */
export function canonicalNumber(s: string): string {
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const [intRaw = '', fracRaw = ''] = body.split('.');
  const int = intRaw.replace(/^0+(?=\d)/, '') || '0';
  const frac = fracRaw.replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return negative && out !== '0' ? `-${out}` : out;
}

function notMidnight(ms: number): string {
  const d = new Date(ms);
  return `${ms} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`;
}

function optionList(p: HubSpotPropertyJson): string {
  return `[${(p.options ?? []).map((o) => o.value).join(', ')}]`;
}

/**
 * Validate one non-empty value against its property and return its canonical stored form.
 * `existing` is the stored value (a checkbox value starting with `;` appends to it).
 */
export function validateValue(p: HubSpotPropertyJson, raw: string, existing?: string): ValueResult {
  switch (p.type) {
    case 'number': {
      if (!NUMBER_RE.test(raw)) {
        return raw.includes('.')
          ? { ok: false, code: 'INVALID_DECIMAL', message: `${raw} is not a valid decimal value for property "${p.name}"` }
          : { ok: false, code: 'INVALID_LONG', message: `${raw} is not a valid long value for property "${p.name}"` };
      }
      return { ok: true, value: canonicalNumber(raw) };
    }
    case 'bool':
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw };
      return { ok: false, code: 'INVALID_BOOLEAN', message: `${raw} is not a valid boolean value for property "${p.name}": expected "true" or "false"` };
    case 'date': {
      if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
        return parseIso(raw) === undefined
          ? { ok: false, code: 'INVALID_DATE', message: `${raw} is not a valid date` }
          : { ok: true, value: raw };
      }
      const ms = parseEpochMs(raw) ?? parseIso(raw);
      if (ms === undefined) return { ok: false, code: 'INVALID_DATE', message: `${raw} is not a valid date: expected YYYY-MM-DD or epoch milliseconds at midnight UTC` };
      if (((ms % DAY_MS) + DAY_MS) % DAY_MS !== 0) return { ok: false, code: 'INVALID_DATE', message: notMidnight(ms) };
      return { ok: true, value: new Date(ms).toISOString().slice(0, 10) };
    }
    case 'datetime': {
      const ms = parseDateTime(raw);
      if (ms === undefined) return { ok: false, code: 'INVALID_DATETIME', message: `${raw} is not a valid datetime: expected ISO-8601 or epoch milliseconds` };
      return { ok: true, value: new Date(ms).toISOString() };
    }
    case 'enumeration': {
      const allowed = new Set((p.options ?? []).map((o) => o.value));
      if (p.fieldType === 'checkbox') {
        const append = raw.startsWith(';');
        const parts = (append ? raw.slice(1) : raw).split(';');
        for (const part of parts) {
          if (!allowed.has(part)) return { ok: false, code: 'INVALID_OPTION', message: `${part} was not one of the allowed options: ${optionList(p)}` };
        }
        const base = append && existing ? existing.split(';') : [];
        return { ok: true, value: [...new Set([...base, ...parts])].join(';') };
      }
      if (!allowed.has(raw)) return { ok: false, code: 'INVALID_OPTION', message: `${raw} was not one of the allowed options: ${optionList(p)}` };
      return { ok: true, value: raw };
    }
    default:
      if (raw.length > MAX_STRING) {
        return { ok: false, code: 'INVALID_STRING', message: `Property "${p.name}" value is ${raw.length} characters long; the maximum is ${MAX_STRING}` };
      }
      return { ok: true, value: raw };
  }
}

export type ObjectType = 'contacts' | 'companies';

/**
 * Validate the `properties` of one batch input. Returns the canonical changes (`""` clears)
 * and every problem found; a problem anywhere fails the input.
 */
export function validateProperties(
  objectType: ObjectType,
  catalog: Catalog,
  properties: Record<string, unknown>,
  existing: Record<string, string> | undefined,
): { changes: Record<string, string>; problems: PropertyProblem[] } {
  const changes: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: PropertyProblem[] = [];
  for (const [name, rawValue] of Object.entries(properties)) {
    const p = catalog.get(name);
    if (!p) {
      problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (catalog.isReadOnly(p)) {
      problems.push({ name, code: 'READ_ONLY_VALUE', message: `Property "${name}" is a read only property` });
      continue;
    }
    let raw: string;
    if (typeof rawValue === 'string') raw = rawValue;
    else if (typeof rawValue === 'number' || typeof rawValue === 'boolean') raw = String(rawValue);
    else {
      problems.push({ name, code: 'INVALID_PROPERTY_VALUE', message: `Property "${name}" must be a string value, got ${rawValue === null ? 'null' : typeof rawValue}` });
      continue;
    }
    if (raw === '') {
      changes[name] = '';
      continue;
    }
    if (objectType === 'contacts' && name === 'email') {
      const email = raw.toLowerCase();
      if (!isValidEmail(email)) problems.push({ name, code: 'INVALID_EMAIL', message: invalidEmailMessage(raw) });
      else changes[name] = email;
      continue;
    }
    const result = validateValue(p, raw, existing?.[name]);
    if (!result.ok) {
      problems.push({ name, code: result.code, message: result.message });
      continue;
    }
    changes[name] = objectType === 'companies' && name === 'domain' ? result.value.trim().toLowerCase() : result.value;
  }
  return { changes, problems };
}

/** HubSpot's 400 message for invalid property values: a JSON array with one entry per problem. */
export function propertyValuesMessage(problems: PropertyProblem[], portalId: number): string {
  const entries = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.code,
    name: p.name,
    localizedErrorMessage: p.message,
    portalId,
  }));
  return `Property values were not valid: ${JSON.stringify(entries)}`;
}

export function propertyErrorDetails(problems: PropertyProblem[]): Array<Record<string, unknown>> {
  return problems.map((p) => ({ message: p.message, code: p.code, context: { propertyName: [p.name] } }));
}
