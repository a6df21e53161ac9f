import { describe, expect, it } from 'vitest';
import type { HubSpotProperty } from './types.js';
import { convertValue } from './values.js';

const prop = (type: string, extra: Partial<HubSpotProperty> = {}): HubSpotProperty => ({ name: `a_${type}`, type, ...extra });
const options = (...pairs: [value: string, label: string][]) => pairs.map(([value, label]) => ({ value, label }));

const date = prop('date');
const datetime = prop('datetime');
const number = prop('number');
const bool = prop('bool');
const string = prop('string');
const phone = prop('phone_number');
const stage = prop('enumeration', {
  name: 'lifecyclestage',
  fieldType: 'radio',
  options: options(['lead', 'Lead'], ['marketingqualifiedlead', 'Marketing Qualified Lead'], ['customer', 'Customer'], ['1234567', 'Champion']),
});
const interests = prop('enumeration', {
  name: 'interests',
  fieldType: 'checkbox',
  options: options(['analytics', 'Analytics'], ['automation', 'Automation'], ['crm', 'CRM'], ['reporting', 'Reporting']),
});
// A label that equals another option's value: values are tried first.
const crossed = prop('enumeration', { name: 'crossed', fieldType: 'select', options: options(['a', 'B'], ['b', 'A'], ['c', 'Sea']) });
const owner = prop('enumeration', { name: 'hubspot_owner_id', fieldType: 'select', options: [], externalOptions: true });

type Row = [description: string, property: HubSpotProperty, value: unknown, expected: string];

describe('convertValue: accepted values (docs/mapping.md#values)', () => {
  it.each<Row>([
    // date → that instant's UTC day
    ['date from YYYY-MM-DD', date, '2026-03-05', '2026-03-05'],
    ['date from a date-time: the UTC day of the instant', date, '2026-03-05T23:30:00-05:00', '2026-03-06'],
    ['date from a UTC date-time', date, '2026-03-05T04:30:00Z', '2026-03-05'],
    ['date from a date-time without zone (UTC)', date, '2026-03-05 23:59', '2026-03-05'],
    ['date from epoch ms', date, 1772685000000, '2026-03-05'],
    ['date from epoch seconds', date, 1772685000, '2026-03-05'],
    ['date from a digit string (epoch)', date, '1772685000', '2026-03-05'],
    // datetime → ISO UTC with ms
    ['datetime from Z', datetime, '2026-03-05T04:30:00Z', '2026-03-05T04:30:00.000Z'],
    ['datetime from an offset', datetime, '2026-03-05T23:30:00-05:00', '2026-03-06T04:30:00.000Z'],
    ['datetime from a date', datetime, '2026-03-05', '2026-03-05T00:00:00.000Z'],
    ['datetime from a space-separated date-time', datetime, '2026-03-05 04:30', '2026-03-05T04:30:00.000Z'],
    ['datetime from epoch ms', datetime, 1772685000123, '2026-03-05T04:30:00.123Z'],
    ['datetime from epoch seconds', datetime, 1772685000, '2026-03-05T04:30:00.000Z'],
    ['datetime from an epoch ms digit string', datetime, '1772685000000', '2026-03-05T04:30:00.000Z'],
    // the warehouses' forms, and ISO 8601's basic date
    ['date from Snowflake', date, '2026-03-05 23:30:00.272 -0500', '2026-03-06'],
    ['date from BigQuery', date, '2026-03-05 23:30:00.272000 UTC', '2026-03-05'],
    ['date from YYYYMMDD', date, '20240108', '2024-01-08'],
    ['date from the number YYYYMMDD', date, 20240108, '2024-01-08'],
    ['datetime from Snowflake', datetime, '2026-03-02 02:16:51.272 +0000', '2026-03-02T02:16:51.272Z'],
    ['datetime from BigQuery', datetime, '2026-03-02 02:16:51.272000 UTC', '2026-03-02T02:16:51.272Z'],
    ['datetime from Postgres', datetime, '2026-03-02 02:16:51.272+00', '2026-03-02T02:16:51.272Z'],
    ['datetime from Redshift UNLOAD (no zone)', datetime, '2026-03-02 02:16:51.272', '2026-03-02T02:16:51.272Z'],
    ['datetime from YYYYMMDD', datetime, '20240108', '2024-01-08T00:00:00.000Z'],
    // number → String(Number(v))
    ['number', number, 42, '42'],
    ['fractional number', number, 42.5, '42.5'],
    ['zero', number, 0, '0'],
    ['negative zero', number, -0, '0'],
    ['numeric string with leading zeros', number, '007', '7'],
    ['numeric string padded with spaces', number, ' 12 ', '12'],
    ['trailing zeros', number, '-3.50', '-3.5'],
    ['plus sign', number, '+4', '4'],
    ['leading dot', number, '.5', '0.5'],
    ['exponent', number, '1e3', '1000'],
    // bool
    ['true', bool, true, 'true'],
    ['false', bool, false, 'false'],
    ['"true"', bool, 'true', 'true'],
    ['"TRUE"', bool, 'TRUE', 'true'],
    ['"yes"', bool, ' Yes ', 'true'],
    ['"1"', bool, '1', 'true'],
    ['1', bool, 1, 'true'],
    ['"false"', bool, 'False', 'false'],
    ['"no"', bool, 'NO', 'false'],
    ['"0"', bool, '0', 'false'],
    ['0', bool, 0, 'false'],
    ['"t" (Postgres, Redshift)', bool, 't', 'true'],
    ['"F" (Postgres, Redshift)', bool, 'F', 'false'],
    // enumeration (single select)
    ['option by value', stage, 'lead', 'lead'],
    ['option by value, any case', stage, 'LEAD', 'lead'],
    ['option by label', stage, 'Marketing Qualified Lead', 'marketingqualifiedlead'],
    ['option by label, any case', stage, 'marketing qualified LEAD', 'marketingqualifiedlead'],
    ['option padded with spaces', stage, ' customer ', 'customer'],
    ['numeric option value given as a number', stage, 1234567, '1234567'],
    ['numeric option value by its label', stage, 'champion', '1234567'],
    ['values before labels: "b" is option b, not the option labelled B', crossed, 'b', 'b'],
    ['values before labels: "A" is option a, not the option labelled A', crossed, 'A', 'a'],
    ['a label that is no value', crossed, 'sea', 'c'],
    ['external options pass unchecked', owner, 90210, '90210'],
    // enumeration (checkbox)
    ['checkbox array', interests, ['analytics', 'CRM'], 'analytics;crm'],
    ['checkbox ;-string', interests, 'analytics;crm', 'analytics;crm'],
    ['checkbox ;-string with labels and spaces', interests, 'Analytics; Reporting', 'analytics;reporting'],
    ['checkbox keeps input order', interests, ['crm', 'analytics'], 'crm;analytics'],
    ['checkbox drops repeats', interests, ['crm', 'CRM'], 'crm'],
    ['checkbox single string', interests, 'crm', 'crm'],
    ['checkbox skips empty elements', interests, ['crm', null, ''], 'crm'],
    // string / phone_number
    ['string as given', string, '  Red  ', '  Red  '],
    ['number stringified', string, 42.5, '42.5'],
    ['boolean stringified', string, true, 'true'],
    ['array joined with ;', string, ['a', 'b'], 'a;b'],
    ['mixed array joined', string, [1, true, 'x'], '1;true;x'],
    ['array skips empty elements', string, ['a', null, '', 'b'], 'a;b'],
    ['object as JSON', string, { a: 1 }, '{"a":1}'],
    ['array of objects as JSON elements', string, [{ a: 1 }], '{"a":1}'],
    ['phone number stringified', phone, 5551234, '5551234'],
    ['unknown internal type as text', prop('json'), { a: 1 }, '{"a":1}'],
  ])('%s', (_, property, value, expected) => {
    expect(convertValue(property, value)).toEqual({ ok: true, value: expected });
  });
});

describe('convertValue: invalid values drop the property with a reason', () => {
  it.each<[description: string, property: HubSpotProperty, value: unknown, reason: RegExp]>([
    ['impossible date', date, '2026-02-30', /"2026-02-30" is not a date/],
    ['free-text date', date, 'March 5, 2026', /not a date/],
    ['a warehouse form with a zone name', datetime, '2026-03-02 02:16:51 PST', /not a date-time/],
    ['"T" is no boolean', bool, 'tr', /not a boolean/],
    ['boolean as date', date, true, /not a date/],
    ['array as date', date, ['2026-03-05'], /not a date/],
    ['free-text datetime', datetime, 'yesterday', /not a date-time/],
    ['impossible datetime', datetime, '2026-04-31T10:00:00Z', /not a date-time/],
    ['word as number', number, 'abc', /"abc" is not a number/],
    ['digits and letters', number, '12abc', /not a number/],
    ['hex', number, '0x1A', /not a number/],
    ['thousands separator', number, '1,000', /not a number/],
    ['Infinity', number, 'Infinity', /not a number/],
    ['blank', number, '  ', /not a number/],
    ['boolean as number', number, true, /not a number/],
    ['array as number', number, [1], /not a number/],
    ['"y" as bool', bool, 'y', /not a boolean/],
    ['"on" as bool', bool, 'on', /not a boolean/],
    ['2 as bool', bool, 2, /not a boolean/],
    ['unknown option', stage, 'gold', /"gold" is not an option of lifecyclestage \(options: lead, marketingqualifiedlead, customer, 1234567\)/],
    ['array for a single select', stage, ['lead'], /list .* not valid for the single-select lifecyclestage/],
    ['object for a single select', stage, { v: 'lead' }, /not an option/],
    ['one unknown checkbox element invalidates all', interests, ['crm', 'golf'], /"golf" is not an option of interests/],
    ['one unknown element in a ;-string', interests, 'crm;golf', /"golf" is not an option/],
    ['a checkbox string naming nothing', interests, ';', /names no option/],
    ['an object in a checkbox array', interests, ['crm', { x: 1 }], /not an option/],
  ])('%s', (_, property, value, reason) => {
    const result = convertValue(property, value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
