import { describe, expect, it } from 'vitest';
import { diffProperties } from './diffProperties.js';
import type { HubSpotProperty } from './types.js';

const types: Record<string, HubSpotProperty> = {
  seats: { name: 'seats', type: 'number' },
  last_login: { name: 'last_login', type: 'datetime' },
  is_paying: { name: 'is_paying', type: 'bool' },
  interests: { name: 'interests', type: 'enumeration', fieldType: 'checkbox' },
  firstname: { name: 'firstname', type: 'string' },
};
const lookup = (name: string) => types[name];

describe('diffProperties', () => {
  it('calls a record HubSpot does not have new, with every property added', () => {
    expect(diffProperties({ firstname: 'Peter' }, undefined, lookup)).toEqual({
      status: 'new',
      changes: { firstname: { from: null, to: 'Peter' } },
    });
  });

  it.each([
    ['number', 'seats', '5.0', '5'],
    ['datetime without milliseconds', 'last_login', '2026-03-05T04:30:00Z', '2026-03-05T04:30:00.000Z'],
    ['bool case', 'is_paying', 'TRUE', 'true'],
    ['checkbox order', 'interests', 'b;a', 'a;b'],
    ['identical string', 'firstname', 'Peter', 'Peter'],
  ])('treats equal values as unchanged (%s)', (_label, name, current, proposed) => {
    expect(diffProperties({ [name]: proposed }, { [name]: current }, lookup)).toEqual({ status: 'unchanged', changes: {} });
  });

  it.each([
    ['string', 'firstname', 'Pete', 'Peter'],
    ['number', 'seats', '4', '5'],
    ['datetime', 'last_login', '2026-03-05T04:30:00Z', '2026-03-06T04:30:00.000Z'],
  ])('reports a changed value with from and to (%s)', (_label, name, current, proposed) => {
    expect(diffProperties({ [name]: proposed }, { [name]: current }, lookup)).toEqual({
      status: 'changed',
      changes: { [name]: { from: current, to: proposed } },
    });
  });

  it('reports a property that is empty in HubSpot as set from null', () => {
    expect(diffProperties({ firstname: 'Peter' }, { firstname: null }, lookup).changes).toEqual({ firstname: { from: null, to: 'Peter' } });
    expect(diffProperties({ firstname: 'Peter' }, { firstname: '' }, lookup).status).toBe('changed');
  });
});
