// The stand-in's check of request bodies: every shape accepts the bodies HubSpot takes
// (the tool's own among them), and each kind of malformation is refused, directly and
// over HTTP with HubSpot's 400 envelope.
import { afterEach, describe, expect, it } from 'vitest';
import { assertBody, bodyProblems, BODIES, type BodyProblem } from './bodies.js';
import { ApiError } from './errors.js';
import { startEmulator, type Emulator } from './index.js';
import { ROUTES } from './server.js';

type Body = Record<string, unknown>;

const upsert: Body = { inputs: [{ idProperty: 'email', id: 'ada@example.com', objectWriteTraceId: '0', properties: { firstname: 'Ada', seats: '3' } }] };
const occurrence: Body = {
  eventName: 'pe123456_order_completed',
  email: 'ada@example.com',
  occurredAt: '2026-05-01T10:00:00.000Z',
  uuid: '7d1c4b1e-0000-5000-8000-000000000000',
  properties: { revenue: '49.99' },
};

/** Bodies each shape must accept: what hubspot-sync sends, and every optional field in use. */
const ACCEPTED: Array<[keyof typeof BODIES, unknown]> = [
  ['batchUpsert', upsert],
  ['batchUpsert', { inputs: [] }],
  ['batchUpsert', { inputs: [{ id: 'x@example.com', properties: {} }] }],
  ['batchUpdate', { inputs: [{ id: '9001', objectWriteTraceId: '0', properties: { name: 'Initech' } }] }],
  ['batchCreate', { inputs: [{ objectWriteTraceId: '0', properties: { domain: 'initech.com', name: 'Initech' } }] }],
  ['batchCreate', { inputs: [{ properties: { name: 'A' }, associations: [{ to: { id: '51' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }] }] }] }],
  ['batchRead', { idProperty: 'email', properties: ['email'], propertiesWithHistory: [], inputs: [{ id: 'ada@example.com' }] }],
  ['search', {
    filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: ['initech.com'] }] }],
    properties: ['domain', 'createdate'],
    sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
    limit: 100,
    after: '100',
  }],
  ['search', {}],
  ['search', { filterGroups: [{ filters: [{ propertyName: 'n', operator: 'BETWEEN', value: '1', highValue: '9' }] }], sorts: ['-createdate'], query: 'ini' }],
  ['associateDefault', { inputs: [{ from: { id: '51' }, to: { id: '9001' } }] }],
  ['eventSend', occurrence],
  ['eventSend', { eventName: 'pe1_x', objectId: '51', occurredAt: 1777629600000, properties: {} }],
  ['eventSendBatch', { inputs: [occurrence, { eventName: 'pe1_x', utk: 'abc', properties: {} }] }],
  ['eventDefinition', {
    name: 'order_completed', label: 'Order completed', primaryObject: 'CONTACT', includeDefaultProperties: true,
    propertyDefinitions: [{ name: 'revenue', label: 'Revenue', type: 'number' }],
  }],
  ['eventDefinition', {
    label: 'Plan chosen', description: 'd', includeDefaultProperties: false, customMatchingId: { primaryObjectRule: {} },
    propertyDefinitions: [{ label: 'Plan', type: 'enumeration', options: [{ label: 'Pro', value: 'pro', displayOrder: 0, hidden: false, description: '' }] }],
  }],
  ['eventProperty', { name: 'coupon', label: 'Coupon', type: 'string' }],
];

/** One malformation per row: the body, and the problem the check must name first. */
const REFUSED: Array<[string, keyof typeof BODIES, unknown, Pick<BodyProblem, 'code' | 'at'>]> = [
  ['a body that is not an object', 'batchUpsert', [upsert], { code: 'WRONG_TYPE', at: '(body)' }],
  ['a body that is a string', 'eventSend', 'hello', { code: 'WRONG_TYPE', at: '(body)' }],
  ['an unknown top-level field', 'batchUpsert', { ...upsert, dryRun: true }, { code: 'UNKNOWN_FIELD', at: 'dryRun' }],
  ['an unknown field inside an input', 'batchUpsert', { inputs: [{ id: 'a@b.co', properties: {}, propertys: {} }] }, { code: 'UNKNOWN_FIELD', at: 'inputs[0].propertys' }],
  ['a misspelt search field', 'search', { filterGroup: [] }, { code: 'UNKNOWN_FIELD', at: 'filterGroup' }],
  ['an unknown field in a filter', 'search', { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', val: 'x' }] }] }, { code: 'UNKNOWN_FIELD', at: 'filterGroups[0].filters[0].val' }],
  ['a missing top-level field', 'batchUpsert', {}, { code: 'REQUIRED', at: 'inputs' }],
  ['a top-level field that is null', 'batchUpsert', { inputs: null }, { code: 'REQUIRED', at: 'inputs' }],
  ['a missing id', 'batchUpsert', { inputs: [{ properties: {} }] }, { code: 'REQUIRED', at: 'inputs[0].id' }],
  ['missing properties', 'batchUpdate', { inputs: [{ id: '1' }] }, { code: 'REQUIRED', at: 'inputs[0].properties' }],
  ['a batch read without propertiesWithHistory', 'batchRead', { properties: [], inputs: [] }, { code: 'REQUIRED', at: 'propertiesWithHistory' }],
  ['an association without its target', 'associateDefault', { inputs: [{ from: { id: '1' } }] }, { code: 'REQUIRED', at: 'inputs[0].to' }],
  ['an event without its name', 'eventSendBatch', { inputs: [{ email: 'a@b.co', properties: {} }] }, { code: 'REQUIRED', at: 'inputs[0].eventName' }],
  ['a definition without includeDefaultProperties', 'eventDefinition', { label: 'x', propertyDefinitions: [] }, { code: 'REQUIRED', at: 'includeDefaultProperties' }],
  ['a property definition without a type', 'eventDefinition', { label: 'x', includeDefaultProperties: true, propertyDefinitions: [{ name: 'a', label: 'A' }] }, { code: 'REQUIRED', at: 'propertyDefinitions[0].type' }],
  ['a numeric property value', 'batchUpsert', { inputs: [{ id: 'a@b.co', properties: { seats: 3 } }] }, { code: 'WRONG_TYPE', at: 'inputs[0].properties.seats' }],
  ['a boolean property value', 'batchCreate', { inputs: [{ properties: { is_paying: true } }] }, { code: 'WRONG_TYPE', at: 'inputs[0].properties.is_paying' }],
  ['a null property value', 'batchUpdate', { inputs: [{ id: '1', properties: { name: null } }] }, { code: 'WRONG_TYPE', at: 'inputs[0].properties.name' }],
  ['an object as a property value', 'batchUpsert', { inputs: [{ id: 'a@b.co', properties: { address: { city: 'Austin' } } }] }, { code: 'WRONG_TYPE', at: 'inputs[0].properties.address' }],
  ['a numeric event property value', 'eventSend', { ...occurrence, properties: { revenue: 49.99 } }, { code: 'WRONG_TYPE', at: 'properties.revenue' }],
  ['properties as an array', 'batchUpsert', { inputs: [{ id: 'a@b.co', properties: [] }] }, { code: 'WRONG_TYPE', at: 'inputs[0].properties' }],
  ['a numeric id', 'batchUpdate', { inputs: [{ id: 51, properties: {} }] }, { code: 'WRONG_TYPE', at: 'inputs[0].id' }],
  ['inputs as an object', 'eventSendBatch', { inputs: { 0: occurrence } }, { code: 'WRONG_TYPE', at: 'inputs' }],
  ['a limit that is a string', 'search', { limit: '100' }, { code: 'WRONG_TYPE', at: 'limit' }],
  ['a limit that is not whole', 'search', { limit: 1.5 }, { code: 'WRONG_TYPE', at: 'limit' }],
  ['a sort that is a number', 'search', { sorts: [1] }, { code: 'WRONG_TYPE', at: 'sorts[0]' }],
  ['IN values that are not strings', 'search', { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: [1] }] }] }, { code: 'WRONG_TYPE', at: 'filterGroups[0].filters[0].values[0]' }],
  ['occurredAt as a boolean', 'eventSend', { ...occurrence, occurredAt: true }, { code: 'WRONG_TYPE', at: 'occurredAt' }],
  ['includeDefaultProperties as a string', 'eventDefinition', { label: 'x', includeDefaultProperties: 'true', propertyDefinitions: [] }, { code: 'WRONG_TYPE', at: 'includeDefaultProperties' }],
  ['an association type id as a string', 'batchCreate', { inputs: [{ properties: {}, associations: [{ to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: '280' }] }] }] }, { code: 'WRONG_TYPE', at: 'inputs[0].associations[0].types[0].associationTypeId' }],
];

describe('request body shapes', () => {
  it.each(ACCEPTED.map(([shape, body], i) => [`${shape} #${i}`, shape, body] as const))('accepts %s', (_label, shape, body) => {
    expect(bodyProblems(BODIES[shape], body)).toEqual([]);
  });

  it.each(REFUSED)('refuses %s', (_label, shape, body, first) => {
    const problems = bodyProblems(BODIES[shape], body);
    expect(problems[0]).toMatchObject(first);
    expect(() => assertBody(BODIES[shape], body)).toThrow(ApiError);
  });

  it('lists every problem of a body, and names the first in the message', () => {
    const body = { inputs: [{ id: 1, properties: { a: 1, b: 'ok', c: false } }], extra: 1 };
    expect(bodyProblems(BODIES.batchUpsert, body).map((p) => `${p.code} ${p.at}`)).toEqual([
      'UNKNOWN_FIELD extra',
      'WRONG_TYPE inputs[0].id',
      'WRONG_TYPE inputs[0].properties.a',
      'WRONG_TYPE inputs[0].properties.c',
    ]);
    const error = (() => {
      try {
        assertBody(BODIES.batchUpsert, body);
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('accepted');
    })();
    expect(error.status).toBe(400);
    expect(error.build('c-1')).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      correlationId: 'c-1',
      message: expect.stringMatching(/^Invalid input JSON: Unrecognized field "extra": .* \(and 3 more\)$/),
    });
  });

  it('gives every POST route of the stand-in a body shape', () => {
    const unchecked = ROUTES.filter((route) => route.method === 'POST' && route.body === undefined).map((route) => route.path);
    expect(unchecked).toEqual([]);
  });
});

describe('the body check over HTTP', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  const post = async (path: string, body: string) => {
    const res = await fetch(`${emulator!.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator!.token}`, 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, correlationId: res.headers.get('x-hubspot-correlation-id'), body: (await res.json()) as Record<string, unknown> };
  };

  it.each(['2026-03', '2026-09'])('answers a malformed body with a 400 VALIDATION_ERROR and applies nothing (%s)', async (version) => {
    emulator = await startEmulator();
    const path = `/crm/objects/${version}/contacts/batch/upsert`;
    const res = await post(path, JSON.stringify({ inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: { firstname: 'Ada', seats: 3 } }] }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 'error',
      message: 'Invalid input JSON: inputs[0].properties.seats must be a string, not a number',
      correlationId: res.correlationId,
      errors: [{ message: 'inputs[0].properties.seats must be a string, not a number', code: 'WRONG_TYPE', in: 'inputs[0].properties.seats' }],
      category: 'VALIDATION_ERROR',
    });
    expect(emulator.snapshot().contacts).toEqual({});
    const invalid = await post(path, '{"inputs": [{"id": "a@b.co",}]}');
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toMatch(/^Invalid input JSON on line 1, column 29: /);
    expect(emulator.requests().map((r) => r.status)).toEqual([400, 400]);
  });
});
