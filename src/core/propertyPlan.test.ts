// Type inference and the property plan's rules (docs/mapping.md#the-property-plan).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { contactProperties } from './contactProperties.js';
import { inferType, labelOf, notCreatableReason, PropertyPlanner, TEXT, valueKind } from './propertyPlan.js';
import type { MappingWarning } from './types.js';

const EMPTY = Catalog.fromDocument({ contacts: { results: [] }, companies: { results: [] } });

describe('inferType', () => {
  it.each([
    ['JSON booleans', [true, false], 'bool'],
    ['"true"/"false" in any case', ['TRUE', 'false', 'True'], 'bool'],
    ['a boolean and its text', [true, 'False'], 'bool'],
    ['"yes" is text', ['yes', true], 'string'],
    ['finite numbers', [1, 2.5, -3], 'number'],
    ['numeric strings stay text', ['42', 42], 'string'],
    ['real dates', ['2026-03-01', '2024-02-29'], 'date'],
    ['an impossible date is text', ['2026-02-30'], 'string'],
    ['a leap day of no leap year is text', ['2025-02-29', '2026-03-01'], 'string'],
    ['date-times', ['2026-03-01T10:00:00Z', '2026-03-01 10:00:00 UTC'], 'datetime'],
    ['dates and date-times', ['2026-03-01', '2026-03-01T10:00:00+02:00'], 'datetime'],
    ['a date-time and text', ['2026-03-01T10:00:00Z', 'soon'], 'string'],
    ['numbers and booleans', [1, true], 'string'],
    ['eight digits are no date here', ['20240108'], 'string'],
    ['arrays and objects are text', [['a'], { a: 1 }], 'string'],
    ['null, absent and "" say nothing', [null, undefined, '', 3], 'number'],
    ['nothing at all', [null, ''], undefined],
  ])('%s', (_what, values, type) => {
    expect(inferType(values)).toBe(type);
  });

  it('does not depend on the order of the values', () => {
    const value = fc.oneof(fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('true', 'FALSE', '42', '2026-03-01', '2026-02-30', '2026-03-01T10:00:00Z', 'text', '', null));
    fc.assert(
      fc.property(fc.array(value), (values) => {
        expect(inferType([...values].reverse())).toBe(inferType(values));
      }),
    );
  });

  it('all of one kind gives that kind; adding one text value makes any type text', () => {
    const numbers = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 });
    fc.assert(fc.property(numbers, (values) => {
      expect(inferType(values)).toBe('number');
    }));
    fc.assert(fc.property(fc.array(fc.boolean(), { minLength: 1 }), (values) => {
      expect(inferType(values)).toBe('bool');
    }));
    const anything = fc.array(fc.oneof(fc.boolean(), fc.integer(), fc.constantFrom('2026-03-01', '2026-03-01T10:00:00Z')));
    fc.assert(fc.property(anything, fc.string().filter((s) => valueKind(s) === TEXT), (values, text) => {
      expect(inferType([...values, text])).toBe('string');
    }));
  });

  it('a string of digits is never a number, however it looks', () => {
    fc.assert(fc.property(fc.stringMatching(/^-?\d{1,12}(\.\d{1,4})?$/), (digits) => {
      expect(inferType([digits])).not.toBe('number');
    }));
  });
});

describe('creatable names', () => {
  it.each([
    ['seats', undefined],
    ['plan_tier2', undefined],
    ['2fa_enabled', 'not a HubSpot internal name'],
    ['_private', 'not a HubSpot internal name'],
    ['Favorite Color', 'not a HubSpot internal name'],
    ['a'.repeat(101), 'not a HubSpot internal name'],
    ['createdate', "HubSpot's own read-only name"],
    ['lastmodifieddate', "HubSpot's own read-only name"],
    ['hs_lead_score', "HubSpot's own read-only name"],
  ])('%s', (name, reason) => {
    const why = notCreatableReason(name);
    if (reason === undefined) expect(why).toBeUndefined();
    else expect(why).toContain(reason);
  });

  it('labels', () => {
    expect(labelOf('trial_end')).toBe('Trial end');
    expect(labelOf('seats')).toBe('Seats');
  });
});

describe('PropertyPlanner', () => {
  const dropped = (object: 'contact' | 'company', property: string, value: unknown, reason = 'not in the catalog'): Extract<MappingWarning, { kind: 'dropped_property' }> => ({ kind: 'dropped_property', object, property, reason, value });

  it('keeps each object apart, counts values, samples only types that cannot be personal data', () => {
    const planner = new PropertyPlanner(100);
    planner.see([dropped('contact', 'plan', 'pro'), dropped('contact', 'seats', 3)], []);
    planner.see([dropped('contact', 'seats', 4), dropped('company', 'plan', 7)], []);
    const { properties, untracked } = planner.plan();
    expect(properties).toEqual([
      { object: 'contact', name: 'plan', type: 'string', fieldType: 'text', label: 'Plan', values: 1, creatable: true },
      { object: 'contact', name: 'seats', type: 'number', fieldType: 'number', label: 'Seats', values: 2, sample: '3', creatable: true },
      { object: 'company', name: 'plan', type: 'number', fieldType: 'number', label: 'Plan', values: 1, sample: '7', creatable: true },
    ]);
    expect(untracked).toEqual({ contact: 0, company: 0 });
  });

  it('lists read-only names as not creatable, and a map type wins over inference', () => {
    const planner = new PropertyPlanner(100);
    planner.see([dropped('contact', 'createdate', '2026-01-01', 'read-only'), { ...dropped('contact', 'code', '0042'), type: 'number' }], []);
    const [createdate, code] = planner.plan().properties;
    expect(createdate).toMatchObject({ creatable: false, reason: 'read-only in HubSpot' });
    expect(code).toMatchObject({ type: 'number', fieldType: 'number', sample: '42', creatable: true });
  });

  it('tracks at most `limit` names per object, then counts the others', () => {
    const planner = new PropertyPlanner(2);
    planner.see(['a', 'b', 'c', 'd', 'c'].map((name) => dropped('contact', name, 1)), []);
    planner.see([dropped('company', 'x', 1)], []);
    const plan = planner.plan();
    expect(plan.properties.map((p) => p.name)).toEqual(['a', 'b', 'x']);
    expect(plan.untracked).toEqual({ contact: 2, company: 0 });
  });

  it('types what the mapping gives up on from traits, nested ones by their flattened name', () => {
    const warnings: MappingWarning[] = [];
    contactProperties({ email: 'a@b.co', plan: { seats: 3 }, active: 'TRUE' }, EMPTY, warnings);
    const planner = new PropertyPlanner(10);
    planner.see(warnings, []);
    expect(planner.plan().properties.map((p) => [p.name, p.type])).toEqual([['plan_seats', 'number'], ['active', 'bool']]);
  });

  it('types an event property from every value: number, datetime, else string', () => {
    const planner = new PropertyPlanner(10);
    const send = (properties: Record<string, string>, propertyTypes: Record<string, 'number' | 'datetime'>) => ({ op: 'event.send' as const, eventName: 'pe1_x', email: 'a@b.co', uuid: 'u', properties, propertyTypes });
    planner.see([], [send({ total: '1', at: '2026-03-01T00:00:00.000Z', ref: 'a' }, { total: 'number', at: 'datetime' })]);
    planner.see([], [send({ total: 'n/a', at: '2026-03-02T00:00:00.000Z' }, { at: 'datetime' })]);
    expect(['total', 'at', 'ref', 'none'].map((name) => planner.eventPropertyType('pe1_x', name))).toEqual(['string', 'datetime', 'string', undefined]);
  });
});
