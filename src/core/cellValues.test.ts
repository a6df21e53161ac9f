import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellValue, isFromCsv, markFromCsv } from './cellValues.js';
import { eventProperties } from './eventProperties.js';

describe('cellValue: a CSV cell counts as the value it spells', () => {
  it.each<[string, string | number | boolean]>([
    ['42', 42],
    ['-3.25', -3.25],
    ['0', 0],
    ['3.50', '3.50'], // not canonical: the zero would be lost
    ['007', '007'],
    ['1e3', '1e3'],
    ['+4', '+4'],
    ['12345678901234567890', '12345678901234567890'], // beyond a double's digits
    ['true', true],
    ['FALSE', false],
    ['t', true],
    ['F', false],
    ['yes', 'yes'],
    ['2026-03-02 02:16:51.272+00', '2026-03-02T02:16:51.272Z'],
    ['2026-03-02 02:16:51.272000 UTC', '2026-03-02T02:16:51.272Z'],
    ['2026-03-02T02:16:51.272Z', '2026-03-02T02:16:51.272Z'],
    ['2026-03-02', '2026-03-02'],
    ['Müller', 'Müller'],
    ['', ''],
  ])('%j → %j', (text, value) => {
    expect(cellValue(text)).toBe(value);
  });

  it('reads back every finite number as the cell its String() writes', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0) && String(n).length < 25), (n) => {
        expect(cellValue(String(n))).toBe(n);
      }),
    );
  });

  it('types event properties from CSV cells as the values they spell, and leaves other calls alone', () => {
    const properties = { revenue: '3.25', coupon_used: 't', at: '2026-03-02 02:16:51.272+00', code: '007' };
    expect(eventProperties(properties, { cells: true })).toMatchObject({
      properties: { revenue: '3.25', coupon_used: 'true', at: '2026-03-02T02:16:51.272Z', code: '007' },
      propertyTypes: { revenue: 'number', at: 'datetime' },
    });
    expect(eventProperties(properties)).toMatchObject({ properties: { coupon_used: 't', at: '2026-03-02 02:16:51.272+00' }, propertyTypes: { at: 'datetime' } });
  });

  it('marks a call as read from CSV without changing what it holds or how it compares', () => {
    const call = { type: 'track' };
    markFromCsv(call);
    expect(isFromCsv(call)).toBe(true);
    expect(isFromCsv({ ...call })).toBe(false);
    expect(JSON.stringify(call)).toBe('{"type":"track"}');
    expect(call).toEqual({ type: 'track' });
  });
});
