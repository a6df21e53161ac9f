import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isIsoDateTime, parseInstant } from './instant.js';

const iso = (value: unknown): string | undefined => {
  const ms = parseInstant(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

describe('parseInstant: strict ISO-8601 and epochs (SPEC 3.3, 3.8)', () => {
  it.each<[unknown, string]>([
    ['2026-03-05', '2026-03-05T00:00:00.000Z'],
    ['2026-03-05T04:30:00Z', '2026-03-05T04:30:00.000Z'],
    ['2026-03-05T04:30Z', '2026-03-05T04:30:00.000Z'],
    ['2026-03-05T04:30:00', '2026-03-05T04:30:00.000Z'],
    ['2026-03-05 04:30:00', '2026-03-05T04:30:00.000Z'],
    ['2026-03-05T04:30:00.123Z', '2026-03-05T04:30:00.123Z'],
    ['2026-03-05T04:30:00.5Z', '2026-03-05T04:30:00.500Z'],
    ['2026-03-05T04:30:00.123456Z', '2026-03-05T04:30:00.123Z'],
    ['2026-03-05T23:59:59.9999Z', '2026-03-05T23:59:59.999Z'],
    ['2026-03-05T23:30:00-05:00', '2026-03-06T04:30:00.000Z'],
    ['2026-03-05T01:00:00+02:00', '2026-03-04T23:00:00.000Z'],
    ['2026-03-05T04:30:00+00:00', '2026-03-05T04:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
    ['  2026-03-05  ', '2026-03-05T00:00:00.000Z'],
    [1772685000000, '2026-03-05T04:30:00.000Z'],
    [1772685000, '2026-03-05T04:30:00.000Z'],
    [1772685000.5, '2026-03-05T04:30:00.500Z'],
    ['1772685000000', '2026-03-05T04:30:00.000Z'],
    ['1772685000', '2026-03-05T04:30:00.000Z'],
    [1e11, '1973-03-03T09:46:40.000Z'],
    [99_999_999_999, '5138-11-16T09:46:39.000Z'],
    [0, '1970-01-01T00:00:00.000Z'],
  ])('%j → %s', (value, expected) => {
    expect(iso(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['an impossible day', '2026-02-30'],
    ['29 February of a common year', '2025-02-29'],
    ['29 February of a century', '1900-02-29'],
    ['31 April', '2026-04-31'],
    ['month 13', '2026-13-01'],
    ['month 0', '2026-00-10'],
    ['day 0', '2026-03-00'],
    ['free text', 'March 5, 2026'],
    ['slashes', '2026/03/05'],
    ['one-digit month and day', '2026-3-5'],
    ['hour 24', '2026-03-05T24:00:00Z'],
    ['minute 60', '2026-03-05T10:60Z'],
    ['second 60', '2026-03-05T10:00:60Z'],
    ['hours without minutes', '2026-03-05T10'],
    ['a zone without a time', '2026-03-05Z'],
    ['an offset without a colon', '2026-03-05T10:00:00+0500'],
    ['an offset of hours only', '2026-03-05T10:00:00+05'],
    ['a space before the zone', '2026-03-05T10:00:00 Z'],
    ['a lowercase z', '2026-03-05T04:30:00z'],
    ['a lowercase t', '2026-03-05t04:30:00Z'],
    ['a decimal string', '1772685000.5'],
    ['a signed digit string', '-5'],
    ['an empty string', ''],
    ['a word', 'abc'],
    ['a boolean', true],
    ['null', null],
    ['an object', {}],
    ['an array', ['2026-03-05']],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['beyond year 9999', 1e17],
  ])('rejects %s (%j)', (_, value) => {
    expect(parseInstant(value)).toBeUndefined();
  });
});

describe('isIsoDateTime', () => {
  it.each<[string, boolean]>([
    ['2026-03-05T04:30:00Z', true],
    ['2026-03-05T04:30:00.000+01:00', true],
    ['2026-03-05T04:30', true],
    ['2026-03-05', false],
    ['2026-03-05 04:30:00', false],
    ['2026-02-30T00:00:00Z', false],
    ['1772685000', false],
    ['hello', false],
  ])('%j → %s', (value, expected) => {
    expect(isIsoDateTime(value)).toBe(expected);
  });
});

describe('formatDate / formatDateTime', () => {
  it('prints the UTC day and the UTC instant with milliseconds', () => {
    const ms = Date.UTC(2026, 2, 6, 4, 30);
    expect(formatDate(ms)).toBe('2026-03-06');
    expect(formatDateTime(ms)).toBe('2026-03-06T04:30:00.000Z');
  });
});
