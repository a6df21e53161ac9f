import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isIsoDateTime, parseInstant } from './instant.js';

const iso = (value: unknown): string | undefined => {
  const ms = parseInstant(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

describe('parseInstant: strict ISO-8601 and epochs (docs/mapping.md#values)', () => {
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
    // The forms the warehouses write (docs/mapping.md#dates-and-times).
    ['2026-03-02 02:16:51.272 +0000', '2026-03-02T02:16:51.272Z'], // Snowflake
    ['2026-03-02 02:16:51.272 -0800', '2026-03-02T10:16:51.272Z'],
    ['2026-03-02 02:16:51.272000 UTC', '2026-03-02T02:16:51.272Z'], // BigQuery
    ['2026-03-02 02:16:51 UTC', '2026-03-02T02:16:51.000Z'],
    ['2026-03-02 02:16:51.272+00', '2026-03-02T02:16:51.272Z'], // Postgres, Redshift
    ['2026-03-02 02:16:51.272-05', '2026-03-02T07:16:51.272Z'],
    ['2026-03-02 02:16:51+05:30', '2026-03-01T20:46:51.000Z'],
    ['2026-03-02 02:16:51 +05:30', '2026-03-01T20:46:51.000Z'],
    ['2026-03-02 02:16:51 +05', '2026-03-01T21:16:51.000Z'],
    ['2026-03-02 02:16:51+0530', '2026-03-01T20:46:51.000Z'],
    ['2026-03-02 02:16:51.272', '2026-03-02T02:16:51.272Z'], // Redshift UNLOAD: no zone, UTC
    ['2026-03-05T10:00:00+0500', '2026-03-05T05:00:00.000Z'],
    ['2026-03-05T10:00:00+05', '2026-03-05T05:00:00.000Z'],
    // Eight digits forming a real date are YYYYMMDD (ISO 8601's basic form), not epoch seconds.
    ['20240108', '2024-01-08T00:00:00.000Z'],
    [20240108, '2024-01-08T00:00:00.000Z'],
    ['19700101', '1970-01-01T00:00:00.000Z'],
    ['20240229', '2024-02-29T00:00:00.000Z'],
    // Eight digits that are no date stay epoch seconds.
    ['20240230', '1970-08-23T06:17:10.000Z'],
    [20241301, '1970-08-23T06:35:01.000Z'],
    [12345678, '1970-05-23T21:21:18.000Z'],
    [20240108.5, '1970-08-23T06:15:08.500Z'],
    ['2024010', '1970-01-24T10:13:30.000Z'],
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
    ['a space before Z', '2026-03-05T10:00:00 Z'],
    ['an offset of one digit', '2026-03-02 02:16:51+0'],
    ['an offset of three digits', '2026-03-02 02:16:51+000'],
    ['an offset with one minute digit', '2026-03-02 02:16:51+00:0'],
    ['an offset of 24 hours', '2026-03-02 02:16:51+24'],
    ['an offset of 60 minutes', '2026-03-02 02:16:51+0060'],
    ['two spaces before the offset', '2026-03-02 02:16:51  +0000'],
    ['two spaces before UTC', '2026-03-02 02:16:51  UTC'],
    ['UTC without its space', '2026-03-02 02:16:51UTC'],
    ['a lowercase utc', '2026-03-02 02:16:51 utc'],
    ['another zone name', '2026-03-02 02:16:51 PST'],
    ['a zone name after an offset', '2026-03-02 02:16:51 +0000 UTC'],
    ['a space and nothing after it', '2026-03-02 02:16:51 x'],
    ['a fraction without digits', '2026-03-02 02:16:51. UTC'],
    ['an impossible day in a warehouse form', '2026-02-30 02:16:51.272 +0000'],
    ['a signed eight-digit string', '+20240108'],
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
    ['2026-03-05 04:30:00', true],
    ['2026-03-02 02:16:51.272000 UTC', true],
    ['2026-03-05 04:30:00 PST', false],
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

// A seeded generator, so a failure names a value that can be run again.
function randomFrom(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('formatDate / formatDateTime agree with Date#toISOString over the whole range', () => {
  it('for 100,000 instants from year 0 to 9999, and the edges', () => {
    const random = randomFrom(7);
    const first = -62_167_219_200_000;
    const last = 253_402_300_799_999;
    const samples = [first, last, 0, -1, 1, 951_782_400_000 /* 2000-02-29 */, -2_203_891_200_000 /* 1900-02-28 */];
    for (let i = 0; i < 100_000; i++) samples.push(first + Math.floor(random() * (last - first)));
    const wrong = samples.flatMap((ms) => {
      const expected = new Date(ms).toISOString();
      return formatDateTime(ms) === expected && formatDate(ms) === expected.slice(0, 10) ? [] : [ms];
    });
    // One assertion over all samples (an expect per sample costs more than the formatting).
    expect(wrong.slice(0, 5).map((ms) => [ms, formatDateTime(ms), formatDate(ms)])).toEqual([]);
  });
});

describe('parseInstant agrees with the ISO-8601 grammar it implements', () => {
  // The grammar as one regular expression: the reference the hand-written parser must match.
  const GRAMMAR = /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)| UTC| ?([+-])(\d{2})(?::?(\d{2}))?)?)?$/;
  const reference = (text: string): number | undefined => {
    const m = GRAMMAR.exec(text);
    if (m === null) return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(0);
    probe.setUTCFullYear(year, month - 1, day);
    if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
    let ms = probe.getTime();
    if (m[4] !== undefined) {
      const [hour, minute, second] = [Number(m[5]), Number(m[6]), Number(m[7] ?? 0)];
      if (hour > 23 || minute > 59 || second > 59) return undefined;
      ms += ((hour * 60 + minute) * 60 + second) * 1000 + Number(((m[8] ?? '') + '000').slice(0, 3));
      if (m[10] !== undefined) {
        const [oh, om] = [Number(m[11]), Number(m[12] ?? 0)];
        if (oh > 23 || om > 59) return undefined;
        ms += (m[10] === '+' ? -1 : 1) * (oh * 60 + om) * 60_000;
      }
    }
    return ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999 ? ms : undefined;
  };

  it('on 200,000 valid and mutated date-times', () => {
    const random = randomFrom(11);
    const pick = (text: string) => text.charAt(Math.floor(random() * text.length));
    const disagreements: Array<[string, number | undefined, number | undefined]> = [];
    for (let i = 0; i < 200_000; i++) {
      let text = new Date(-62_167_219_200_000 + Math.floor(random() * 315_569_520_000_000)).toISOString();
      const shape = random();
      if (shape < 0.15) text = text.slice(0, 10);
      else if (shape < 0.3) text = text.slice(0, 16) + pick('Z ');
      else if (shape < 0.45) text = text.slice(0, 19) + (random() < 0.5 ? ' ' : '') + pick('+-') + pick('012') + pick('0123456789') + (random() < 0.3 ? '' : (random() < 0.5 ? ':' : '') + pick('0123459') + pick('0123456789'));
      else if (shape < 0.5) text = text.slice(0, 10) + ' ' + text.slice(11, 23) + ' UTC';
      else if (shape < 0.55) text = text.slice(0, 20) + '123456789'.slice(0, 1 + Math.floor(random() * 9)) + 'Z';
      if (random() < 0.5) {
        // One character replaced, inserted or removed.
        const at = Math.floor(random() * (text.length + 1));
        const ch = pick('0123456789-:.TZU +x');
        const edit = random();
        text = edit < 0.4 ? text.slice(0, at) + ch + text.slice(at + 1) : edit < 0.7 ? text.slice(0, at) + ch + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
      }
      if (text.trim() !== text || /^\d+$/.test(text)) continue; // epochs and trimming are tested above
      const [got, want] = [parseInstant(text), reference(text)];
      if (got !== want) disagreements.push([text, got, want]);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
