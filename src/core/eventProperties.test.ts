import { describe, expect, it } from 'vitest';
import { eventProperties, eventPropertyType } from './eventProperties.js';
import type { EventPropertyType, MappingWarning, PropertyValues } from './types.js';

const dropped = (property: string, reason: string): MappingWarning => ({ kind: 'dropped_property', object: 'event', property, reason });
const many = (count: number, prefix = 'p') => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i + 1}`, i + 1]));

describe('eventProperties: names and values (docs/mapping.md#events)', () => {
  it.each<[string, Record<string, unknown>, PropertyValues]>([
    ['numbers and booleans stringified', { total: 42.5, paid: true, refunded: false }, { total: '42.5', paid: 'true', refunded: 'false' }],
    ['strings as given', { currency: 'USD' }, { currency: 'USD' }],
    ['keys named like trait keys', { 'Order ID': 'A-1', 'plan.tier': 'pro', 'Coupon!': 'X' }, { order_id: 'A-1', plan_tier: 'pro', coupon_: 'X' }],
    ['nested objects flattened, depth first', { cart: { size: 2, owner: { plan: 'pro' } }, after: 1 }, { cart_size: '2', cart_owner_plan: 'pro', after: '1' }],
    ['arrays joined with ;', { items: ['a', 'b', 3, true] }, { items: 'a;b;3;true' }],
    ['arrays of objects as JSON elements', { items: [{ sku: 'x' }] }, { items: '{"sku":"x"}' }],
    ['ISO strings sent as given', { when: '2026-03-05T10:00:00+01:00' }, { when: '2026-03-05T10:00:00+01:00' }],
    ['email removed', { email: 'ada@example.com', Email: 'x', total: 1 }, { total: '1' }],
    ['only the top-level email is removed', { user: { email: 'ada@example.com' } }, { user_email: 'ada@example.com' }],
    ['null, "" and empty lists dropped', { a: null, b: '', c: [], d: [null], e: 'kept' }, { e: 'kept' }],
    ['first key wins on a collision', { 'Plan Tier': 'a', plan_tier: 'b' }, { plan_tier: 'a' }],
    ['Object.prototype names are plain names', { constructor: 'c', toString: 't', hasOwnProperty: 'h' }, { constructor: 'c', tostring: 't', hasownproperty: 'h' }],
    ['properties that are not an object give nothing', {}, {}],
  ])('%s', (_, properties, expected) => {
    const result = eventProperties(properties);
    expect(result.properties).toEqual(expected);
    expect(result.warnings).toEqual([]);
  });

  it('serialises like a plain object', () => {
    const { properties } = eventProperties(JSON.parse('{"__proto__":{"x":1},"constructor":"c","total":1}'));
    expect(JSON.stringify(properties)).toBe('{"constructor":"c","total":"1"}');
  });
});

describe('eventProperties: dropped and counted', () => {
  it.each<[string, Record<string, unknown>, string[], MappingWarning[]]>([
    [
      'names not starting with a letter',
      { _private: 1, '1st': 2, $revenue: 3, ok: 4 },
      ['ok'],
      [dropped('_private', 'does not start with a letter'), dropped('1st', 'does not start with a letter'), dropped('_revenue', 'does not start with a letter')],
    ],
    ['a __proto__ key is a name without a letter', JSON.parse('{"__proto__":1}') as Record<string, unknown>, [], [dropped('__proto__', 'does not start with a letter')]],
    ['names longer than 50 characters', { ['a'.repeat(51)]: 1, ['b'.repeat(50)]: 2 }, ['b'.repeat(50)], [dropped('a'.repeat(51), 'name longer than 50 characters')]],
  ])('%s', (_, properties, kept, warnings) => {
    const result = eventProperties(properties);
    expect(Object.keys(result.properties)).toEqual(kept);
    expect(result.warnings).toEqual(warnings);
  });

  it('keeps the first 50 properties and counts each one beyond', () => {
    const result = eventProperties(many(53));
    expect(Object.keys(result.properties)).toEqual(Object.keys(many(50)));
    expect(result.warnings).toEqual(['p51', 'p52', 'p53'].map((name) => dropped(name, 'beyond the first 50 properties')));
  });

  it('does not count dropped names towards the 50', () => {
    const result = eventProperties({ _a: 1, email: 'x@y.co', empty: null, ...many(50) });
    expect(Object.keys(result.properties)).toHaveLength(50);
    expect(result.warnings).toEqual([dropped('_a', 'does not start with a letter')]);
  });

  it('drops properties a known definition lacks, before the 50 are counted', () => {
    const defined = new Set(['total', ...Object.keys(many(50, 'q'))]);
    const result = eventProperties({ coupon: 'X', total: 1, ...many(50, 'q') }, { defined });
    expect(Object.keys(result.properties)).toHaveLength(50);
    expect(result.properties.total).toBe('1');
    expect(result.warnings).toEqual([dropped('coupon', 'not in the event definition'), dropped('q50', 'beyond the first 50 properties')]);
  });
});

describe('eventProperties: values cut to 256 UTF-16 code units, counted', () => {
  it.each<[string, unknown, number, boolean]>([
    ['256 characters stay whole', 'x'.repeat(256), 256, false],
    ['257 characters are cut to 256', 'x'.repeat(257), 256, true],
    ['a long array is cut after joining', Array.from({ length: 100 }, () => 'abcd'), 256, true],
    ['a surrogate pair is never split', 'x'.repeat(255) + '😀' + 'y', 255, true],
    ['a surrogate pair that fits stays', 'x'.repeat(254) + '😀' + 'y', 256, true],
  ])('%s', (_, value, length, truncated) => {
    const result = eventProperties({ note: value });
    expect(result.properties.note).toHaveLength(length);
    expect(result.warnings).toEqual(truncated ? [expect.objectContaining({ kind: 'truncated_value', object: 'event', property: 'note' })] : []);
  });
});

describe('propertyTypes: from the raw values (docs/mapping.md#events)', () => {
  it.each<[unknown, EventPropertyType]>([
    [42, 'number'],
    [42.5, 'number'],
    ['42', 'string'],
    ['1772685000000', 'string'],
    [true, 'string'],
    ['2026-03-05T10:00:00Z', 'datetime'],
    ['2026-03-05T10:00:00.000+01:00', 'datetime'],
    ['2026-03-05', 'string'],
    ['2026-02-30T10:00:00Z', 'string'],
    ['March 5, 2026', 'string'],
    [['a', 'b'], 'string'],
  ])('%j → %s', (value, type) => {
    expect(eventPropertyType(value)).toBe(type);
  });

  it('types every kept property that is not a string, and only those', () => {
    const result = eventProperties({ total: 42.5, when: '2026-03-05T10:00:00Z', plan: { tier: 'pro' }, _x: 1, _y: '2026-03-05T10:00:00Z' });
    expect(result.properties).toEqual({ total: '42.5', when: '2026-03-05T10:00:00Z', plan_tier: 'pro' });
    expect(result.propertyTypes).toEqual({ total: 'number', when: 'datetime' });
  });

  it('types a truncated value from its raw value', () => {
    expect(eventProperties({ note: 'x'.repeat(300) }).propertyTypes).toEqual({});
    expect(eventProperties({ big: 1e300 }).propertyTypes).toEqual({});
  });
});
