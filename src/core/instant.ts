// Instants from Segment values and warehouse unloads: strict ISO-8601 strings, the forms
// the four warehouses write, or epoch numbers (docs/mapping.md#dates-and-times). The one
// time parser of the tool: event time, --since/--until and date/datetime values all use it.
// Parsed by hand rather than with Date.parse, whose accepted formats are
// implementation-defined (it takes "March 5, 2026" and rolls 2026-02-30 over to March).
// Parsed and printed character by character rather than with a regular expression and
// Date#toISOString: every track's time goes through both, and by hand is ~5× faster.
//
// Accepted: YYYY-MM-DD, optionally followed by T or a space, HH:MM, optional :SS with an
// optional fraction, and then nothing (UTC), Z, " UTC", or an offset ±HH, ±HHMM or ±HH:MM
// with or without one space before it. Eight digits that form a real date are YYYYMMDD.

const DIGITS = /^\d+$/;

/** Numbers from here up are epoch milliseconds; smaller ones are epoch seconds. */
export const EPOCH_MS_THRESHOLD = 1e11;

// Four-digit years only, so every instant prints as plain ISO-8601 (no ±YYYYYY form).
const EARLIEST_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const LATEST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * Epoch milliseconds of a date, date-time or epoch value, or undefined when the value
 * is none of those. A string of digits is an epoch like a number, except eight digits
 * forming a real date (`20240108`, ISO 8601's basic form): that date.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return basicDate(value) ?? fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DIGITS.test(text)) return (text.length === 8 ? basicDate(Number(text)) : undefined) ?? fromEpoch(Number(text));
  return parseIso(text);
}

/**
 * True for a date-time string (a date, then `T` or a space and a time), the kind an
 * event definition types as datetime.
 */
export function isIsoDateTime(value: string): boolean {
  if (value.length <= 10) return false;
  const separator = value.charCodeAt(10);
  return (separator === LETTER_T || separator === SPACE) && parseIso(value) !== undefined;
}

/** The date `YYYYMMDD` spells, when `n` is eight digits forming a real one. */
function basicDate(n: number): number | undefined {
  if (!Number.isInteger(n) || n < 10_000_000 || n > 99_999_999) return undefined;
  const year = Math.floor(n / 10_000);
  const month = Math.floor(n / 100) % 100;
  const day = n % 100;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day) * MS_PER_DAY;
}

/** `YYYY-MM-DD` of the instant in UTC. */
export function formatDate(ms: number): string {
  if (!Number.isInteger(ms) || inRange(ms) === undefined) return new Date(ms).toISOString().slice(0, 10);
  return civilDate(Math.floor(ms / MS_PER_DAY));
}

/** ISO-8601 UTC with milliseconds: `2026-03-05T04:30:00.000Z`. */
export function formatDateTime(ms: number): string {
  if (!Number.isInteger(ms) || inRange(ms) === undefined) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  const fraction = millis < 10 ? '00' + millis : millis < 100 ? '0' + millis : String(millis);
  return `${civilDate(days)}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${fraction}Z`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

// A proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's civil_from_days).
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

function fromEpoch(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  // Seconds times 1000 picks up float noise (1709612345.123 * 1000 = …123.0002).
  return inRange(Math.round(n >= EPOCH_MS_THRESHOLD ? n : n * 1000));
}

function parseIso(text: string): number | undefined {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (length === 10) return inRange(ms);

  const separator = text.charCodeAt(10);
  if ((separator !== LETTER_T && separator !== SPACE) || text.charCodeAt(13) !== COLON) return undefined;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  let second = 0;
  let fraction = 0;
  let at = 16;
  if (text.charCodeAt(at) === COLON) {
    second = digitsAt(text, 17, 2);
    at = 19;
    if (text.charCodeAt(at) === DOT) {
      const first = ++at;
      while (isDigit(text.charCodeAt(at))) at++;
      if (at === first) return undefined;
      // Beyond milliseconds the fraction is cut, never rounded into the next second (or day).
      for (let i = first; i < first + 3; i++) fraction = fraction * 10 + (i < at ? text.charCodeAt(i) - ZERO : 0);
    }
  }
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return undefined;
  ms += ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
  if (at === length) return inRange(ms);
  return withZone(text, at, ms);
}

/** `ms` (a UTC reading of the date-time) moved by the zone written from `at` on. */
function withZone(text: string, at: number, ms: number): number | undefined {
  const length = text.length;
  if (text.charCodeAt(at) === LETTER_Z) return at + 1 === length ? inRange(ms) : undefined;
  // Warehouses put one space before the zone: " UTC" (BigQuery), " +0000" (Snowflake).
  if (text.charCodeAt(at) === SPACE) {
    at++;
    if (text.slice(at) === 'UTC') return inRange(ms);
  }
  const sign = text.charCodeAt(at);
  if (sign !== PLUS && sign !== DASH) return undefined;
  const offsetHours = digitsAt(text, at + 1, 2);
  let offsetMinutes = 0;
  const rest = length - (at + 3);
  if (rest === 2) offsetMinutes = digitsAt(text, at + 3, 2);
  else if (rest === 3 && text.charCodeAt(at + 3) === COLON) offsetMinutes = digitsAt(text, at + 4, 2);
  else if (rest !== 0) return undefined;
  if (offsetHours < 0 || offsetMinutes < 0 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * MS_PER_MINUTE;
  return inRange(sign === PLUS ? ms - offset : ms + offset);
}

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const LETTER_T = 84;
const LETTER_Z = 90;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit (or missing). */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

function inRange(ms: number): number | undefined {
  return ms >= EARLIEST_MS && ms <= LATEST_MS ? ms : undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
// Date.UTC would do, except that it maps years 0–99 to 1900–1999.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
