// Instants from Segment values: strict ISO-8601 strings or epoch numbers (SPEC 3.3, 3.8).
// Parsed by hand rather than with Date.parse, whose accepted formats are
// implementation-defined (it takes "March 5, 2026" and rolls 2026-02-30 over to March).

// YYYY-MM-DD, optionally T or space, HH:MM, optional :SS and fraction, optional Z or ±HH:MM.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?)?$/;
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
 * is none of those. A string of digits is an epoch like a number.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DIGITS.test(text)) return fromEpoch(Number(text));
  return parseIso(text);
}

/** True for an ISO-8601 date-time string (with a `T` time part), the kind an event definition types as datetime. */
export function isIsoDateTime(value: string): boolean {
  return value.length > 10 && value.charCodeAt(10) === 84 /* T */ && parseIso(value) !== undefined;
}

/** `YYYY-MM-DD` of the instant in UTC. */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO-8601 UTC with milliseconds: `2026-03-05T04:30:00.000Z`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

function fromEpoch(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  // Seconds times 1000 picks up float noise (1709612345.123 * 1000 = …123.0002).
  return inRange(Math.round(n >= EPOCH_MS_THRESHOLD ? n : n * 1000));
}

function parseIso(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (m[4] !== undefined) {
    const hour = Number(m[5]);
    const minute = Number(m[6]);
    const second = m[7] === undefined ? 0 : Number(m[7]);
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    // Beyond milliseconds the fraction is cut, never rounded into the next second (or day).
    const fraction = m[8] === undefined ? 0 : Number((m[8] + '00').slice(0, 3));
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
    if (m[10] !== undefined) {
      const offsetHours = Number(m[11]);
      const offsetMinutes = Number(m[12]);
      if (offsetHours > 23 || offsetMinutes > 59) return undefined;
      const offset = (offsetHours * 60 + offsetMinutes) * MS_PER_MINUTE;
      ms -= m[10] === '+' ? offset : -offset;
    }
  }
  return inRange(ms);
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
