// Values a hostile export holds, through the mapping core: numbers that print in exponent
// form, megabyte strings, NUL characters, names that are Object.prototype's, values nested
// deeper than JSON.stringify goes.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { normalizeEmail } from './email.js';
import { eventProperties } from './eventProperties.js';
import { jsonText, plainDecimal } from './json.js';
import { mapEvent } from './mapEvent.js';
import type { CatalogDocument, HubSpotProperty, MapContext } from './types.js';
import { convertValue, TEXT_VALUE_LIMIT } from './values.js';
import { domainFromWebsite } from './website.js';

const catalog = Catalog.fromDocument(JSON.parse(readFileSync(new URL('../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument);
const context: MapContext = { catalog, hubId: 123, options: { createEventDefinitions: true, pagesAsEvents: false, eventMap: {} }, identities: new Map() };

const number: HubSpotProperty = { name: 'seats', type: 'number' };
const text: HubSpotProperty = { name: 'firstname', type: 'string' };
const HUBSPOT_NUMBER = /^-?\d+(?:\.\d+)?$/;

describe('plainDecimal: numbers as HubSpot reads them (digits, at most one point)', () => {
  it.each<[number, string]>([
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-1e-7, '-0.0000001'],
    [1.5e300, '15' + '0'.repeat(299)],
    [1.2345e-10, '0.00000000012345'],
    [-2.5e22, '-25000000000000000000000'],
    [5e-324, '0.' + '0'.repeat(323) + '5'],
    [123.45, '123.45'],
    [-0, '0'],
    [1e20, '100000000000000000000'],
  ])('%s → %s', (n, expected) => {
    expect(plainDecimal(n)).toBe(expected);
  });

  it('for any finite double: plain digits that read back as the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const plain = plainDecimal(n);
        expect(plain).toMatch(HUBSPOT_NUMBER);
        expect(Number(plain)).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('convertValue: exponent numbers, long and NUL-holding text', () => {
  it.each<[string, HubSpotProperty, unknown, string]>([
    ['1e21 to a number property', number, 1e21, '1000000000000000000000'],
    ['1e-7 to a number property', number, 1e-7, '0.0000001'],
    ['-1e-7 to a number property', number, -1e-7, '-0.0000001'],
    ['1.5e300 to a number property', number, 1.5e300, '15' + '0'.repeat(299)],
    ['the string "1e21" to a number property', number, '1e21', '1000000000000000000000'],
    ['1e21 to a text property', text, 1e21, '1000000000000000000000'],
    ['a list of exponent numbers to a text property', text, [1e21, 1e-7], '1000000000000000000000;0.0000001'],
    ['NUL characters are removed', text, 'Pe\u0000ter\u0000\u0000', 'Peter'],
    ['a text of exactly 65,536 characters', text, 'x'.repeat(TEXT_VALUE_LIMIT), 'x'.repeat(TEXT_VALUE_LIMIT)],
  ])('%s', (_name, property, value, expected) => {
    expect(convertValue(property, value)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, unknown, RegExp]>([
    ['a text longer than HubSpot stores is dropped, not cut', 'x'.repeat(TEXT_VALUE_LIMIT + 1), /65537 characters, more than the 65536/],
    ['a 5 MB text', 'y'.repeat(5 * 1024 * 1024), /5242880 characters/],
    ['a text of NUL characters only', '\u0000\u0000', /NUL characters only/],
  ])('%s', (_name, value, reason) => {
    const result = convertValue(text, value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('event properties: exponent numbers, NUL, names of Object.prototype', () => {
  it('sends numbers in plain decimals; drops (never cuts) a number too long for an event value', () => {
    const { properties, propertyTypes, warnings } = eventProperties({ big: 1e21, small: 1e-7, huge: 1.5e300, name: 'A\u0000B', empty: '\u0000' });
    expect(properties).toEqual({ big: '1000000000000000000000', small: '0.0000001', name: 'AB' });
    expect(propertyTypes).toEqual({ big: 'number', small: 'number' });
    expect(warnings.map((w) => [w.kind, w.property])).toEqual([
      ['invalid_value', 'huge'],
      ['invalid_value', 'empty'],
    ]);
  });

  it('keeps constructor, toString and valueOf as names like any other; __proto__ does not start with a letter', () => {
    const properties = JSON.parse('{"constructor":"c","toString":"t","valueOf":"v","hasOwnProperty":"h","__proto__":"p"}') as Record<string, unknown>;
    const result = eventProperties(properties);
    expect(Object.entries(result.properties)).toEqual([
      ['constructor', 'c'],
      ['tostring', 't'],
      ['valueof', 'v'],
      ['hasownproperty', 'h'],
    ]);
    expect(result.warnings).toEqual([{ kind: 'dropped_property', object: 'event', property: '__proto__', reason: 'does not start with a letter' }]);
  });
});

describe('mapEvent on hostile records', () => {
  it('an identify with exponent numbers, a 5 MB trait and NUL characters: mapped, the long value dropped and named', () => {
    const result = mapEvent(
      { type: 'identify', traits: { email: 'ada@example.com', seats: 1e21, firstName: 'A\u0000da', lastName: 'x'.repeat(5 * 1024 * 1024) } },
      context,
    );
    expect(result.deadLetter).toBeUndefined();
    expect(result.operations).toEqual([{ op: 'contact.upsert', email: 'ada@example.com', properties: { firstname: 'Ada', seats: '1000000000000000000000' } }]);
    expect(result.warnings).toEqual([expect.objectContaining({ kind: 'invalid_value', object: 'contact', property: 'lastname' })]);
  });

  it('traits named like Object.prototype members are traits: dropped by name, never read from the prototype', () => {
    const call = JSON.parse('{"type":"identify","traits":{"email":"ada@example.com","constructor":"c","toString":"t","__proto__":"p","valueOf":1,"hasOwnProperty":true}}') as Record<string, unknown>;
    const result = mapEvent(call, context);
    expect(result.operations).toEqual([{ op: 'contact.upsert', email: 'ada@example.com', properties: {} }]);
    expect(result.warnings.map((w) => w.property)).toEqual(['constructor', 'tostring', '__proto__', 'valueof', 'hasownproperty']);
  });

  it('a NUL or other control character makes an email invalid (HubSpot would refuse the whole batch)', () => {
    expect(normalizeEmail('ad\u0000a@example.com')).toEqual({ ok: false, reason: 'contains a control character' });
    expect(normalizeEmail('ada\u0007@example.com')).toEqual({ ok: false, reason: 'contains a control character' });
    const result = mapEvent({ type: 'identify', traits: { email: 'ad\u0000a@example.com' } }, context);
    expect(result.deadLetter?.code).toBe('INVALID_EMAIL');
  });

  it('a website whose host is longer than DNS allows is invalid (and is not carried into messages)', () => {
    expect(domainFromWebsite(`https://${'a'.repeat(250)}.com/x`)).toEqual({ ok: false, reason: 'a host name longer than 253 characters' });
    expect(domainFromWebsite(`${'a'.repeat(249)}.com`)).toEqual({ ok: true, domain: `${'a'.repeat(249)}.com` });
    const result = mapEvent({ type: 'group', userId: 'u', traits: { website: 'w'.repeat(5 * 1024 * 1024) + '.com' } }, context);
    expect(result.deadLetter?.code).toBe('INVALID_WEBSITE');
    expect(result.deadLetter?.reason.length).toBeLessThan(400);
  });
});

describe('jsonText: a value as JSON that cannot fail', () => {
  it('gives what JSON.stringify gives, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonText(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes values nested deeper than JSON.stringify can, as one valid JSON text', () => {
    const depth = 20_000;
    const deep = JSON.parse('{"a":'.repeat(depth) + '[1,"x\\n",null,true,{"__proto__":2}]' + '}'.repeat(depth)) as unknown;
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const text = jsonText(deep);
    expect(text).toBe('{"a":'.repeat(depth) + '[1,"x\\n",null,true,{"__proto__":2}]' + '}'.repeat(depth));
    expect(text).not.toContain('\n');
  });

  it('leaves out what JSON leaves out, and writes a container met inside itself as null', () => {
    const record: Record<string, unknown> = { a: undefined, b: () => 1, c: [undefined, Symbol('s'), NaN, -0] };
    const deep: unknown[] = [];
    let inner = deep;
    for (let i = 0; i < 10_000; i++) inner = (inner[0] = [] as unknown[]) as unknown[];
    inner.push(record);
    record.self = record;
    const text = jsonText(deep);
    expect(text).toBe('['.repeat(10_001) + '{"c":[null,null,null,0],"self":null}' + ']'.repeat(10_001));
  });
});
