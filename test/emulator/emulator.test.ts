import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultEmulatorCatalog, startEmulator, type Emulator, type EmulatorOptions } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON response bodies
type Json = any;

interface Res {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator(options);
  running.push(e);
  return e;
}

/** A fake clock: tests move time explicitly, never wait on it. */
function fakeClock(start = Date.UTC(2026, 4, 1, 16, 0, 0)): { now: () => number; set: (t: number) => void; advance: (ms: number) => void; t: () => number } {
  let t = start;
  return { now: () => t, set: (v) => (t = v), advance: (ms) => (t += ms), t: () => t };
}

async function call(e: Emulator, method: string, path: string, body?: unknown, opts: { token?: string | null; raw?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? e.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(e.url + path, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined, text };
}

const post = (e: Emulator, path: string, body: unknown, opts?: { token?: string | null; raw?: string }): Promise<Res> => call(e, 'POST', path, body, opts);
const get = (e: Emulator, path: string, opts?: { token?: string | null }): Promise<Res> => call(e, 'GET', path, undefined, opts);

const UPSERT = '/crm/objects/2026-03/contacts/batch/upsert';
const C_READ = '/crm/objects/2026-03/contacts/batch/read';
const C_CREATE = '/crm/objects/2026-03/contacts/batch/create';
const C_UPDATE = '/crm/objects/2026-03/contacts/batch/update';
const CO_CREATE = '/crm/objects/2026-03/companies/batch/create';
const CO_UPDATE = '/crm/objects/2026-03/companies/batch/update';
const CO_READ = '/crm/objects/2026-03/companies/batch/read';
const CO_UPSERT = '/crm/objects/2026-03/companies/batch/upsert';
const SEARCH = '/crm/objects/2026-03/companies/search';
const ASSOC = '/crm/associations/2026-03/contact/company/batch/associate/default';
const DEFS = '/events/2026-03/event-definitions';
const SEND = '/events/2026-03/send';
const SEND_BATCH = '/events/2026-03/send/batch';

const upsertInput = (email: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  idProperty: 'email',
  id: email,
  properties,
  ...extra,
});

async function upsert(e: Emulator, inputs: Array<Record<string, unknown>>): Promise<Res> {
  return post(e, UPSERT, { inputs });
}

/** A 400 for one invalid property value: returns the single error after checking the envelope. */
async function expectInvalid(e: Emulator, properties: Record<string, unknown>, code: string, message: string, propertyName: string): Promise<void> {
  const before = e.snapshot();
  const res = await upsert(e, [upsertInput('ok@example.com', { firstname: 'Ok' }), upsertInput('val@example.com', properties)]);
  expect(res.status).toBe(400);
  expect(res.body.category).toBe('VALIDATION_ERROR');
  expect(res.body.errors).toEqual([{ message, code, context: { propertyName: [propertyName] } }]);
  const entries = JSON.parse((res.body.message as string).replace('Property values were not valid: ', '')) as Json;
  expect(entries).toEqual([{ isValid: false, message, error: code, name: propertyName, localizedErrorMessage: message, portalId: e.portalId }]);
  expect(e.snapshot()).toEqual(before);
}

async function defineEvent(e: Emulator, name = 'order_completed', propertyDefinitions: Json[] = []): Promise<Res> {
  const res = await post(e, DEFS, { name, label: 'Order Completed', primaryObject: 'CONTACT', includeDefaultProperties: true, propertyDefinitions });
  expect(res.status).toBe(201);
  return res;
}

const ORDER_PROPS = [
  { name: 'order_id', label: 'Order ID', type: 'string' },
  { name: 'amount', label: 'Amount', type: 'number' },
  { name: 'shipped_at', label: 'Shipped at', type: 'datetime' },
  { name: 'plan', label: 'Plan', type: 'enumeration', options: [{ label: 'Pro', value: 'pro', displayOrder: 0, hidden: false }] },
  { name: 'page_url', label: 'Page URL', type: 'string' },
];

// ---------------------------------------------------------------------------------------

describe('envelope, routing, JSON', () => {
  it('puts X-HubSpot-Correlation-Id on every response, equal to the body correlationId on errors', async () => {
    const e = await emulator();
    const ok = await get(e, '/account-info/2026-03/details');
    expect(ok.headers.get('x-hubspot-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await get(e, '/crm/objects/2026-03/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'No route for GET /crm/objects/2026-03/nothing-here' });
    expect(missing.headers.get('x-hubspot-correlation-id')).toBe(missing.body.correlationId);
    const wrongMethod = await get(e, UPSERT);
    expect(wrongMethod.status).toBe(404);
  });

  it('answers malformed JSON with 400 "Invalid input JSON on line L, column C"', async () => {
    const e = await emulator();
    const res = await post(e, UPSERT, undefined, { raw: '{\n  "inputs": [}' });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(res.body.message).toMatch(/^Invalid input JSON on line 2, column 14: Unexpected character \('}' \(code 125\)\)/);
    expect(res.headers.get('x-hubspot-correlation-id')).toBe(res.body.correlationId);
    const truncated = await post(e, UPSERT, undefined, { raw: '{"inputs": [' });
    expect(truncated.body.message).toMatch(/^Invalid input JSON on line 1, column 13: Unexpected end-of-input/);
    const empty = await post(e, UPSERT, undefined, { raw: '' });
    expect(empty.body.message).toBe('Invalid input JSON on line 1, column 0: No content to map due to end-of-input');
  });

  it('rejects a body without inputs', async () => {
    const e = await emulator();
    const res = await post(e, UPSERT, { foo: 1 });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
  });
});

describe('auth and scopes', () => {
  const AUTH = {
    status: 'error',
    message:
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    category: 'INVALID_AUTHENTICATION',
  };

  it('401 INVALID_AUTHENTICATION for a missing or unknown token, without rate-limit headers', async () => {
    const e = await emulator();
    for (const token of [null, 'pat-wrong']) {
      const res = await get(e, '/account-info/2026-03/details', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ ...AUTH, correlationId: res.headers.get('x-hubspot-correlation-id') });
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    }
    expect(e.stats().dailyUsed).toBe(0);
  });

  it('403 MISSING_SCOPES when a read-only token writes; reads work', async () => {
    const e = await emulator({ tokens: { 'pat-readonly': ['crm.objects.contacts.read', 'crm.objects.companies.read'] } });
    e.seedContact('ada@example.com', { firstname: 'Ada' });
    const res = await post(e, UPSERT, { inputs: [upsertInput('ada@example.com', { firstname: 'Eve' })] }, { token: 'pat-readonly' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      status: 'error',
      message: "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: res.headers.get('x-hubspot-correlation-id'),
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
      category: 'MISSING_SCOPES',
    });
    expect(e.state.contacts.get('ada@example.com')?.properties.firstname).toBe('Ada');
    const read = await post(e, C_READ, { idProperty: 'email', properties: [], propertiesWithHistory: [], inputs: [{ id: 'ada@example.com' }] }, { token: 'pat-readonly' });
    expect(read.status).toBe(200);
    const props = await get(e, '/crm/properties/2026-03/contacts', { token: 'pat-readonly' });
    expect(props.status).toBe(200);
    const companyWrite = await post(e, CO_CREATE, { inputs: [{ properties: { name: 'X' } }] }, { token: 'pat-readonly' });
    expect(companyWrite.status).toBe(403);
    expect(companyWrite.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.companies.write']);
    const assoc = await post(e, ASSOC, { inputs: [] }, { token: 'pat-readonly' });
    expect(assoc.status).toBe(403);
    expect(assoc.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.contacts.write', 'crm.objects.companies.write']);
    const send = await post(e, SEND, {}, { token: 'pat-readonly' });
    expect(send.body.errors[0].context.requiredGranularScopes).toEqual(['analytics.behavioral_events.send']);
    const defs = await get(e, DEFS, { token: 'pat-readonly' });
    expect(defs.body.errors[0].context.requiredGranularScopes).toEqual(['behavioral_events.event_definitions.read_write']);
  });

  it('reads properties with a crm.schemas.*.read scope alone; lists both alternatives when neither is granted', async () => {
    const e = await emulator({ tokens: { schemas: ['crm.schemas.contacts.read'], none: [] } });
    expect((await get(e, '/crm/properties/2026-03/contacts', { token: 'schemas' })).status).toBe(200);
    const denied = await get(e, '/crm/properties/2026-03/companies', { token: 'schemas' });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.companies.read', 'crm.schemas.companies.read']);
    expect((await get(e, '/account-info/2026-03/details', { token: 'none' })).status).toBe(200);
  });
});

describe('account info and properties', () => {
  it('GET /account-info/2026-03/details', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 15, 12));
    const e = await emulator({ portalId: 777, now: clock.now });
    const res = await get(e, '/account-info/2026-03/details');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ portalId: 777, accountType: 'STANDARD', timeZone: 'US/Eastern', utcOffset: '-05:00', utcOffsetMilliseconds: -18000000 });
    clock.set(Date.UTC(2026, 6, 15, 12));
    expect((await get(e, '/account-info/2026-03/details')).body.utcOffset).toBe('-04:00');
  });

  it('GET /account-info/2026-03/api-usage/daily/private-apps reports usage and the portal midnight', async () => {
    const clock = fakeClock(Date.UTC(2026, 4, 1, 16));
    const e = await emulator({ now: clock.now, rateLimit: { daily: 1000 } });
    await get(e, '/account-info/2026-03/details');
    const res = await get(e, '/account-info/2026-03/api-usage/daily/private-apps');
    expect(res.body.results[0]).toMatchObject({ name: 'private-apps-api-calls-daily', usageLimit: 1000, currentUsage: 2, resetsAt: '2026-05-02T04:00:00.000Z' });
  });

  it('GET /crm/properties/2026-03/{contacts,companies} serves the catalog', async () => {
    const e = await emulator();
    const contacts = await get(e, '/crm/properties/2026-03/contacts');
    expect(contacts.status).toBe(200);
    expect(contacts.body).toEqual({ results: defaultEmulatorCatalog().contacts.results });
    const byName = new Map<string, Json>((contacts.body.results as Json[]).map((p) => [p.name, p]));
    expect(byName.get('hs_object_id')).toMatchObject({ type: 'number', calculated: true, modificationMetadata: { readOnlyValue: true } });
    expect(byName.get('createdate')).toMatchObject({ type: 'datetime', modificationMetadata: { readOnlyValue: true } });
    expect(byName.get('plan_tier')).toMatchObject({ type: 'enumeration', fieldType: 'select', hubspotDefined: false });
    expect(byName.get('plan_tier').options.map((o: Json) => o.value)).toEqual(['free', 'pro', 'enterprise']);
    expect(byName.get('numemployees').options.map((o: Json) => o.value)).toEqual(['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+']);
    for (const [name, type, fieldType] of [
      ['favorite_color', 'string', 'text'],
      ['trial_end', 'date', 'date'],
      ['last_login', 'datetime', 'date'],
      ['seats', 'number', 'number'],
      ['is_paying', 'bool', 'booleancheckbox'],
      ['interests', 'enumeration', 'checkbox'],
      ['industry', 'string', 'text'],
      ['lifecyclestage', 'enumeration', 'radio'],
    ]) {
      expect(byName.get(name as string)).toMatchObject({ type, fieldType });
    }
    const companies = await get(e, '/crm/properties/2026-03/companies');
    const names = (companies.body.results as Json[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['name', 'domain', 'plan', 'mrr', 'founded_on', 'hs_lastmodifieddate', 'industry']));
    expect((await get(e, '/crm/properties/2026-03/contacts?archived=true')).body).toEqual({ results: [] });
  });

  it('uses a custom catalog', async () => {
    const catalog = defaultEmulatorCatalog();
    catalog.contacts.results = catalog.contacts.results.filter((p) => p.name !== 'favorite_color');
    const e = await emulator({ catalog });
    const res = await upsert(e, [upsertInput('a@example.com', { favorite_color: 'red' })]);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('PROPERTY_DOESNT_EXIST');
  });
});

describe('contacts batch/upsert', () => {
  it('creates, then merges into the stored contact (keyed by lowercased email)', async () => {
    const e = await emulator();
    const first = await upsert(e, [upsertInput('Ada@Example.com', { firstname: 'Ada', favorite_color: 'red' })]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'COMPLETE' });
    expect(first.body.startedAt).toMatch(/Z$/);
    expect(first.body.completedAt).toMatch(/Z$/);
    const r = first.body.results[0];
    expect(r).toMatchObject({ new: true, archived: false });
    expect(r.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada', favorite_color: 'red', hs_object_id: r.id });
    expect(r.properties.createdate).toBe(r.createdAt);
    expect(r.properties.lastmodifieddate).toBe(r.updatedAt);
    const second = await upsert(e, [upsertInput('ADA@example.COM', { lastname: 'Lovelace' })]);
    expect(second.body.results[0]).toMatchObject({ id: r.id, new: false });
    expect(e.snapshot().contacts).toEqual({ 'ada@example.com': { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', favorite_color: 'red' } });
  });

  it('stores canonical values', async () => {
    const e = await emulator();
    const res = await upsert(e, [
      upsertInput('ada@example.com', {
        seats: '007.50',
        trial_end: '1777593600000',
        last_login: '1777640400000',
        is_paying: 'true',
        interests: 'music;sports',
        plan_tier: 'pro',
      }),
      upsertInput('bob@example.com', { trial_end: '2026-05-01', last_login: '2026-05-01T14:30:00+02:00', seats: '-0', annualrevenue: '12' }),
    ]);
    expect(res.status).toBe(200);
    const snap = e.snapshot().contacts;
    expect(snap['ada@example.com']).toMatchObject({
      seats: '7.5',
      trial_end: '2026-05-01',
      last_login: '2026-05-01T13:00:00.000Z',
      is_paying: 'true',
      interests: 'music;sports',
      plan_tier: 'pro',
    });
    expect(snap['bob@example.com']).toMatchObject({ trial_end: '2026-05-01', last_login: '2026-05-01T12:30:00.000Z', seats: '0', annualrevenue: '12' });
  });

  it('returns results in an order unrelated to the request', async () => {
    const e = await emulator();
    const emails = ['a', 'b', 'c', 'd', 'e'].map((x) => `${x}@example.com`);
    const res = await upsert(e, emails.map((m) => upsertInput(m, { firstname: m })));
    const order = (res.body.results as Json[]).map((r) => r.properties.email);
    expect([...order].sort()).toEqual(emails);
    expect(order).not.toEqual(emails);
  });

  it('rejects more than 100 inputs with 400, nothing applied', async () => {
    const e = await emulator();
    const inputs = Array.from({ length: 101 }, (_, i) => upsertInput(`u${i}@example.com`, {}));
    const res = await upsert(e, inputs);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ category: 'VALIDATION_ERROR', message: 'Too many inputs: 101. A batch accepts at most 100 inputs.' });
    expect(e.state.contacts.size).toBe(0);
    expect((await upsert(e, inputs.slice(0, 100))).status).toBe(200);
    expect(e.state.contacts.size).toBe(100);
  });

  it('accepts only email or a unique custom property as idProperty', async () => {
    const e = await emulator();
    for (const idProperty of ['firstname', 'hs_object_id']) {
      const res = await upsert(e, [{ idProperty, id: 'x', properties: {} }]);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        category: 'VALIDATION_ERROR',
        message: `Unable to perform update/upsert by non-unique 0-1 property ${idProperty} in portal ID 123456`,
      });
    }
    const noIdProperty = await upsert(e, [{ id: 'ada@example.com', properties: {} }]);
    expect(noIdProperty.body.message).toBe('Unable to perform update/upsert by non-unique 0-1 property hs_object_id in portal ID 123456');
    const byExternal = await upsert(e, [{ idProperty: 'external_id', id: 'X-1', properties: { firstname: 'Ext' } }]);
    expect(byExternal.status).toBe(200);
    expect(byExternal.body.results[0].new).toBe(true);
    const again = await upsert(e, [{ idProperty: 'external_id', id: 'X-1', properties: { email: 'ext@example.com' } }]);
    expect(again.body.results[0]).toMatchObject({ new: false, id: byExternal.body.results[0].id });
    expect(e.snapshot().contacts['ext@example.com']).toEqual({ email: 'ext@example.com', external_id: 'X-1', firstname: 'Ext' });
  });

  it('rejects duplicate ids (emails case-insensitively)', async () => {
    const e = await emulator();
    const res = await upsert(e, [upsertInput('ada@example.com', {}), upsertInput('bob@example.com', {}), upsertInput('ADA@example.com', {})]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 'error',
      message: 'Duplicate IDs found in batch input: [ADA@example.com]. IDs must be unique',
      correlationId: res.headers.get('x-hubspot-correlation-id'),
      context: { ids: ['ADA@example.com'] },
      category: 'VALIDATION_ERROR',
    });
    expect(e.state.contacts.size).toBe(0);
  });

  it('fails the whole batch on an unknown property (the sheet example), nothing applied', async () => {
    const catalog = defaultEmulatorCatalog();
    catalog.contacts.results = catalog.contacts.results.filter((p) => p.name !== 'plan_tier');
    const e = await emulator({ catalog });
    const res = await upsert(e, [upsertInput('ok@example.com', { firstname: 'Ok' }), upsertInput('ada@example.com', { plan_tier: 'pro' })]);
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      `{"status":"error","message":"Property values were not valid: [{\\"isValid\\":false,\\"message\\":\\"Property \\\\\\"plan_tier\\\\\\" does not exist\\",\\"error\\":\\"PROPERTY_DOESNT_EXIST\\",\\"name\\":\\"plan_tier\\",\\"localizedErrorMessage\\":\\"Property \\\\\\"plan_tier\\\\\\" does not exist\\",\\"portalId\\":123456}]","correlationId":"${res.body.correlationId}","errors":[{"message":"Property \\"plan_tier\\" does not exist","code":"PROPERTY_DOESNT_EXIST","context":{"propertyName":["plan_tier"]}}],"category":"VALIDATION_ERROR"}`,
    );
    expect(e.state.contacts.size).toBe(0);
  });

  it('lists every invalid value of the batch', async () => {
    const e = await emulator();
    const res = await upsert(e, [upsertInput('a@example.com', { shoe_size: '42' }), upsertInput('b@example.com', { seats: 'many' })]);
    expect(res.status).toBe(400);
    expect((res.body.errors as Json[]).map((x) => x.code)).toEqual(['PROPERTY_DOESNT_EXIST', 'INVALID_LONG']);
  });

  it('rejects read-only and calculated properties', async () => {
    const e = await emulator();
    await expectInvalid(e, { hs_object_id: '5' }, 'READ_ONLY_VALUE', 'Property "hs_object_id" is a read only property', 'hs_object_id');
    await expectInvalid(e, { createdate: '2026-01-01T00:00:00Z' }, 'READ_ONLY_VALUE', 'Property "createdate" is a read only property', 'createdate');
    await expectInvalid(e, { lastmodifieddate: '' }, 'READ_ONLY_VALUE', 'Property "lastmodifieddate" is a read only property', 'lastmodifieddate');
  });

  it('rejects invalid emails, in the id and in the email property', async () => {
    const e = await emulator();
    for (const bad of [' ada@example.com', 'ada@example.con', 'ada@example.cmo', 'ada@example', 'ada example@x.com', 'a@b@c.com', '@example.com', 'ada@.com', `${'a'.repeat(250)}@x.com`]) {
      const res = await upsert(e, [upsertInput(bad, {})]);
      expect(res.status, bad).toBe(400);
      expect(res.body.errors, bad).toEqual([{ message: `Email address ${bad} is invalid`, code: 'INVALID_EMAIL', context: { propertyName: ['email'] } }]);
    }
    await expectInvalid(e, { email: 'x@y.con' }, 'INVALID_EMAIL', 'Email address x@y.con is invalid', 'email');
    expect(e.state.contacts.size).toBe(0);
  });

  it('INVALID_DATE: not midnight UTC, with the unpadded H:M:S.f message', async () => {
    const e = await emulator();
    await expectInvalid(e, { trial_end: '1786334400000' }, 'INVALID_DATE', '1786334400000 is at 4:0:0.0 UTC, not midnight!', 'trial_end');
    await expectInvalid(e, { trial_end: '1496643178000' }, 'INVALID_DATE', '1496643178000 is at 6:12:58.0 UTC, not midnight!', 'trial_end');
    await expectInvalid(e, { trial_end: '2026-08-10T04:00:00Z' }, 'INVALID_DATE', '1786334400000 is at 4:0:0.0 UTC, not midnight!', 'trial_end');
    await expectInvalid(e, { trial_end: '2026-05-01T00:00:00.250Z' }, 'INVALID_DATE', '1777593600250 is at 0:0:0.250 UTC, not midnight!', 'trial_end');
    await expectInvalid(e, { trial_end: '2026-02-30' }, 'INVALID_DATE', '2026-02-30 is not a valid date', 'trial_end');
    const res = await upsert(e, [upsertInput('a@example.com', { trial_end: 'March 5, 2026' })]);
    expect(res.body.errors[0].code).toBe('INVALID_DATE');
    expect((await upsert(e, [upsertInput('a@example.com', { trial_end: '2026-08-10T00:00:00Z' })])).status).toBe(200);
    expect(e.state.contacts.get('a@example.com')?.properties.trial_end).toBe('2026-08-10');
  });

  it('rejects invalid numbers, booleans, options, datetimes and non-string values', async () => {
    const e = await emulator();
    await expectInvalid(e, { seats: 'abc' }, 'INVALID_LONG', 'abc is not a valid long value for property "seats"', 'seats');
    await expectInvalid(e, { seats: '1.2.3' }, 'INVALID_DECIMAL', '1.2.3 is not a valid decimal value for property "seats"', 'seats');
    await expectInvalid(e, { seats: '1,5' }, 'INVALID_LONG', '1,5 is not a valid long value for property "seats"', 'seats');
    await expectInvalid(e, { is_paying: 'yes' }, 'INVALID_BOOLEAN', 'yes is not a valid boolean value for property "is_paying": expected "true" or "false"', 'is_paying');
    await expectInvalid(e, { is_paying: 'TRUE' }, 'INVALID_BOOLEAN', 'TRUE is not a valid boolean value for property "is_paying": expected "true" or "false"', 'is_paying');
    await expectInvalid(e, { plan_tier: 'Pro' }, 'INVALID_OPTION', 'Pro was not one of the allowed options: [free, pro, enterprise]', 'plan_tier');
    await expectInvalid(e, { interests: 'sports;golf' }, 'INVALID_OPTION', 'golf was not one of the allowed options: [sports, music, travel, tech]', 'interests');
    await expectInvalid(e, { lifecyclestage: 'Lead' }, 'INVALID_OPTION', 'Lead was not one of the allowed options: [subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other]', 'lifecyclestage');
    await expectInvalid(e, { last_login: 'yesterday' }, 'INVALID_DATETIME', 'yesterday is not a valid datetime: expected ISO-8601 or epoch milliseconds', 'last_login');
    // A value that is not a string never reaches the property checks: the body's shape refuses it.
    for (const firstname of [null, { a: 1 }, 12, true]) {
      const res = await upsert(e, [upsertInput('val@example.com', { firstname })]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ code: 'WRONG_TYPE', in: 'inputs[0].properties.firstname', message: expect.stringContaining('must be a string') }]);
    }
  });

  it('"" clears a value; a leading ";" appends to a checkbox', async () => {
    const e = await emulator();
    await upsert(e, [upsertInput('a@example.com', { firstname: 'A', seats: '3', interests: 'sports' })]);
    const res = await upsert(e, [upsertInput('a@example.com', { firstname: '', seats: '', interests: ';music;sports' })]);
    expect(res.status).toBe(200);
    expect(e.snapshot().contacts['a@example.com']).toEqual({ email: 'a@example.com', interests: 'sports;music' });
  });

  it('lifecyclestage only moves forward unless cleared first', async () => {
    const e = await emulator();
    await upsert(e, [upsertInput('a@example.com', { lifecyclestage: 'customer' })]);
    await upsert(e, [upsertInput('a@example.com', { lifecyclestage: 'lead', firstname: 'A' })]);
    expect(e.state.contacts.get('a@example.com')?.properties).toMatchObject({ lifecyclestage: 'customer', firstname: 'A' });
    await upsert(e, [upsertInput('a@example.com', { lifecyclestage: '' })]);
    await upsert(e, [upsertInput('a@example.com', { lifecyclestage: 'lead' })]);
    expect(e.state.contacts.get('a@example.com')?.properties.lifecyclestage).toBe('lead');
  });

  it('207 when every input has a unique objectWriteTraceId: valid applied, invalid reported by trace id', async () => {
    const e = await emulator();
    const res = await upsert(e, [
      upsertInput('ok@example.com', { firstname: 'Ok' }, { objectWriteTraceId: 'msg-1' }),
      upsertInput('bad@example.com', { plan_tier: 'Gold', shoe_size: '9' }, { objectWriteTraceId: 'msg-2' }),
      upsertInput('x@y.con', {}, { objectWriteTraceId: 'msg-3' }),
    ]);
    expect(res.status).toBe(207);
    expect(res.body.numErrors).toBe(2);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0].properties.email).toBe('ok@example.com');
    const byTrace = new Map<string, Json>((res.body.errors as Json[]).map((x) => [x.context.objectWriteTraceId[0], x]));
    expect(byTrace.get('msg-2')).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      context: { objectWriteTraceId: ['msg-2'], propertyName: ['plan_tier', 'shoe_size'] },
    });
    expect(byTrace.get('msg-2').message).toMatch(/^Property values were not valid: \[/);
    expect(byTrace.get('msg-2').errors.map((x: Json) => x.code)).toEqual(['INVALID_OPTION', 'PROPERTY_DOESNT_EXIST']);
    expect(byTrace.get('msg-3').errors[0]).toMatchObject({ code: 'INVALID_EMAIL', message: 'Email address x@y.con is invalid' });
    expect(Object.keys(e.snapshot().contacts)).toEqual(['ok@example.com']);
  });

  it('without unique trace ids on every input, the batch fails as a whole', async () => {
    const e = await emulator();
    const inputs = [upsertInput('ok@example.com', {}, { objectWriteTraceId: 'same' }), upsertInput('bad@example.com', { shoe_size: '9' }, { objectWriteTraceId: 'same' })];
    expect((await upsert(e, inputs)).status).toBe(400);
    const partial = [upsertInput('ok@example.com', {}, { objectWriteTraceId: 't1' }), upsertInput('bad@example.com', { shoe_size: '9' })];
    expect((await upsert(e, partial)).status).toBe(400);
    expect(e.state.contacts.size).toBe(0);
  });
});

describe('contacts batch/read, create, update', () => {
  it('batch/read by email: 207 with OBJECT_NOT_FOUND for missing ones; null for unset properties', async () => {
    const e = await emulator();
    e.seedContact('ada@example.com', { firstname: 'Ada' });
    const res = await post(e, C_READ, { idProperty: 'email', properties: ['email', 'firstname', 'phone', 'no_such_property'], propertiesWithHistory: [], inputs: [{ id: 'Ada@example.com' }, { id: 'ghost@example.com' }] });
    expect(res.status).toBe(207);
    expect(res.body.numErrors).toBe(1);
    expect(res.body.errors).toEqual([
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: ['ghost@example.com'] },
      },
    ]);
    expect(res.body.results[0].properties).toEqual({
      createdate: expect.any(String),
      email: 'ada@example.com',
      firstname: 'Ada',
      hs_object_id: res.body.results[0].id,
      lastmodifieddate: expect.any(String),
      phone: null,
    });
    expect(res.body.results[0].properties.hs_object_id).toBe(res.body.results[0].id);
  });

  it('batch/read by id (no idProperty), all found → 200 with default properties', async () => {
    const e = await emulator();
    const id = e.seedContact('ada@example.com', { firstname: 'Ada', favorite_color: 'red' });
    const res = await post(e, C_READ, { properties: [], propertiesWithHistory: [], inputs: [{ id }] });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.results[0].properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    expect(res.body.results[0].properties.lastname).toBeNull();
    const dup = await post(e, C_READ, { properties: [], propertiesWithHistory: [], inputs: [{ id }, { id }] });
    expect(dup.status).toBe(400);
    expect(dup.body.message).toBe(`Duplicate IDs found in batch input: [${id}]. IDs must be unique`);
  });

  it('batch/create: 201, then 409 CONFLICT for an existing email', async () => {
    const e = await emulator();
    const created = await post(e, C_CREATE, { inputs: [{ properties: { email: 'ada@example.com', firstname: 'Ada' } }] });
    expect(created.status).toBe(201);
    const id = created.body.results[0].id as string;
    const conflict = await post(e, C_CREATE, { inputs: [{ properties: { email: 'bob@example.com' } }, { properties: { email: 'ADA@example.com' } }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${id}` });
    expect(e.state.contacts.has('bob@example.com')).toBe(false);
    const invalid = await post(e, C_CREATE, { inputs: [{ properties: { email: 'c@example.com', seats: 'x' } }] });
    expect(invalid.status).toBe(400);
  });

  it('batch/create with inline associations to a company', async () => {
    const e = await emulator();
    const company = e.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const ok = await post(e, C_CREATE, {
      inputs: [{ properties: { email: 'ada@example.com' }, associations: [{ to: { id: company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }] }],
    });
    expect(ok.status).toBe(201);
    expect(e.snapshot().associations).toEqual([['ada@example.com', 'acme.com']]);
    const missing = await post(e, C_CREATE, {
      inputs: [{ properties: { email: 'bob@example.com' }, associations: [{ to: { id: '404' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }] }],
    });
    expect(missing.status).toBe(400);
    expect(e.state.contacts.has('bob@example.com')).toBe(false);
  });

  it('batch/update by id: 200, and 207 OBJECT_NOT_FOUND for unknown ids (the rest applied)', async () => {
    const e = await emulator();
    const id = e.seedContact('ada@example.com', { firstname: 'Ada' });
    const res = await post(e, C_UPDATE, { inputs: [{ id, properties: { lastname: 'Lovelace' } }, { id: '999999', properties: { lastname: 'Nobody' } }] });
    expect(res.status).toBe(207);
    expect(res.body.errors).toEqual([
      { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not update some CONTACT objects, they may be deleted or not exist. Check that ids are valid.', context: { ids: ['999999'] } },
    ]);
    expect(res.body.results[0].properties).toMatchObject({ lastname: 'Lovelace', hs_object_id: id });
    expect(e.state.contacts.get('ada@example.com')?.properties.lastname).toBe('Lovelace');
    const all = await post(e, C_UPDATE, { inputs: [{ id, properties: { firstname: 'A' } }] });
    expect(all.status).toBe(200);
    const ro = await post(e, C_UPDATE, { inputs: [{ id, properties: { hs_object_id: '1' } }] });
    expect(ro.status).toBe(400);
    expect(ro.body.errors[0].code).toBe('READ_ONLY_VALUE');
    const dup = await post(e, C_UPDATE, { inputs: [{ id, properties: {} }, { id, properties: {} }] });
    expect(dup.body).toMatchObject({ message: `Duplicate IDs found in batch input: [${id}]. IDs must be unique`, context: { ids: [id] } });
  });

  it('batch/update may not take another contact\'s email', async () => {
    const e = await emulator();
    const ada = e.seedContact('ada@example.com', {});
    const bob = e.seedContact('bob@example.com', {});
    const res = await post(e, C_UPDATE, { inputs: [{ id: bob, properties: { email: 'ada@example.com' } }] });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`Contact already exists. Existing ID: ${ada}`);
  });
});

describe('companies', () => {
  it('batch/create: 201, domains stored lowercase, never deduplicated', async () => {
    const e = await emulator();
    const res = await post(e, CO_CREATE, { inputs: [{ properties: { domain: 'Acme.com', name: 'Acme', mrr: '100.0', founded_on: '2001-02-03', plan: 'growth' } }] });
    expect(res.status).toBe(201);
    expect(res.body.results[0].properties).toMatchObject({ domain: 'acme.com', name: 'Acme', mrr: '100', founded_on: '2001-02-03', plan: 'growth' });
    expect(res.body.results[0].id).toMatch(/^\d+$/);
    const dup = await post(e, CO_CREATE, { inputs: [{ properties: { domain: 'acme.com', name: 'Acme again' } }] });
    expect(dup.status).toBe(201);
    expect(dup.body.results[0].id).not.toBe(res.body.results[0].id);
    expect(e.snapshot().companies).toEqual([
      { domain: 'acme.com', name: 'Acme', mrr: '100', founded_on: '2001-02-03', plan: 'growth' },
      { domain: 'acme.com', name: 'Acme again' },
    ]);
  });

  it('validates company properties against the companies catalog', async () => {
    const e = await emulator();
    const res = await post(e, CO_CREATE, { inputs: [{ properties: { name: 'A', industry: 'Technology', firstname: 'x', hs_lastmodifieddate: '1' } }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { code: 'INVALID_OPTION', message: expect.stringMatching(/^Technology was not one of the allowed options: \[ACCOUNTING, /), context: { propertyName: ['industry'] } },
      { code: 'PROPERTY_DOESNT_EXIST', message: 'Property "firstname" does not exist', context: { propertyName: ['firstname'] } },
      { code: 'READ_ONLY_VALUE', message: 'Property "hs_lastmodifieddate" is a read only property', context: { propertyName: ['hs_lastmodifieddate'] } },
    ]);
    expect(e.state.companies.size).toBe(0);
  });

  it('batch/upsert by domain or name is a 400', async () => {
    const e = await emulator();
    for (const idProperty of ['domain', 'name']) {
      const res = await post(e, CO_UPSERT, { inputs: [{ idProperty, id: 'acme.com', properties: { name: 'Acme' } }] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ category: 'VALIDATION_ERROR', message: `Unable to perform update/upsert by non-unique 0-2 property ${idProperty}` });
    }
    expect(e.state.companies.size).toBe(0);
  });

  it('batch/update and batch/read by id', async () => {
    const e = await emulator();
    const id = e.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const upd = await post(e, CO_UPDATE, { inputs: [{ id, properties: { numberofemployees: '50', type: 'PARTNER' } }] });
    expect(upd.status).toBe(200);
    expect(upd.body.results[0].properties).toMatchObject({ numberofemployees: '50', type: 'PARTNER', domain: 'acme.com' });
    const missing = await post(e, CO_UPDATE, { inputs: [{ id: '1', properties: { name: 'x' } }] });
    expect(missing.status).toBe(207);
    expect(missing.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['1'] } });
    const read = await post(e, CO_READ, { properties: ['domain', 'type'], propertiesWithHistory: [], inputs: [{ id }, { id: '42' }] });
    expect(read.status).toBe(207);
    expect(read.body.results[0].properties).toMatchObject({ domain: 'acme.com', type: 'PARTNER' });
    expect(read.body.errors[0]).toEqual({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: 'Could not get some COMPANY objects, they may be deleted or not exist. Check that ids are valid.',
      context: { ids: ['42'] },
    });
  });
});

describe('companies search', () => {
  // Search has its own per-second limit; on the wall clock, tests lift it so they never race it.
  async function seeded(options: EmulatorOptions = {}): Promise<Emulator> {
    const e = await emulator({ rateLimit: { searchPerSecond: 1000 }, ...options });
    e.seedCompany({ domain: 'acme.com', name: 'Acme', industry: 'INTERNET' });
    e.seedCompany({ domain: 'globex.com', name: 'Globex', numberofemployees: '500' });
    e.seedCompany({ domain: 'initech.com', name: 'Initech' });
    e.seedCompany({ name: 'No Domain Inc' });
    return e;
  }
  const filter = (propertyName: string, operator: string, extra: Record<string, unknown> = {}): Json => ({ filterGroups: [{ filters: [{ propertyName, operator, ...extra }] }] });
  const domains = (res: Res): string[] => (res.body.results as Json[]).map((r) => r.properties.domain);

  it('EQ (case-insensitive) and IN (values compared with stored lowercase values)', async () => {
    const e = await seeded();
    const eq = await post(e, SEARCH, { ...filter('domain', 'EQ', { value: 'ACME.com' }), properties: ['domain', 'name'] });
    expect(eq.status).toBe(200);
    expect(eq.body.total).toBe(1);
    expect(eq.body.results[0]).toMatchObject({ properties: { domain: 'acme.com', name: 'Acme' }, archived: false });
    expect(eq.body.paging).toBeUndefined();
    const inLower = await post(e, SEARCH, filter('domain', 'IN', { values: ['acme.com', 'globex.com', 'nope.com'] }));
    expect(domains(inLower).sort()).toEqual(['acme.com', 'globex.com']);
    const inUpper = await post(e, SEARCH, filter('domain', 'IN', { values: ['ACME.COM', 'Globex.com'] }));
    expect(inUpper.status).toBe(200);
    expect(inUpper.body).toEqual({ total: 0, results: [] });
  });

  it('other operators, AND within a group, OR across groups', async () => {
    const e = await seeded();
    expect((await post(e, SEARCH, filter('domain', 'HAS_PROPERTY'))).body.total).toBe(3);
    expect((await post(e, SEARCH, filter('domain', 'NOT_HAS_PROPERTY'))).body.results[0].properties.name).toBe('No Domain Inc');
    expect((await post(e, SEARCH, filter('domain', 'NEQ', { value: 'acme.com' }))).body.total).toBe(3);
    expect((await post(e, SEARCH, filter('domain', 'NOT_IN', { values: ['acme.com', 'globex.com'] }))).body.total).toBe(2);
    expect(domains(await post(e, SEARCH, filter('numberofemployees', 'GTE', { value: '100' })))).toEqual(['globex.com']);
    expect(domains(await post(e, SEARCH, filter('name', 'CONTAINS_TOKEN', { value: 'init*' })))).toEqual(['initech.com']);
    const and = await post(e, SEARCH, { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: ['acme.com', 'globex.com'] }, { propertyName: 'industry', operator: 'EQ', value: 'INTERNET' }] }] });
    expect(domains(and)).toEqual(['acme.com']);
    const or = await post(e, SEARCH, {
      filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.com' }] }, { filters: [{ propertyName: 'domain', operator: 'EQ', value: 'initech.com' }] }],
      sorts: [{ propertyName: 'domain', direction: 'DESCENDING' }],
    });
    expect(domains(or)).toEqual(['initech.com', 'acme.com']);
    const all = await post(e, SEARCH, {});
    expect(all.body.total).toBe(4);
  });

  it('returns requested properties (2026-03: unset ones left out; 2026-09: null) plus the system ones', async () => {
    const e = await seeded();
    const body = { ...filter('domain', 'EQ', { value: 'initech.com' }), properties: ['domain', 'phone'] };
    const res = await post(e, SEARCH, body);
    const system = { createdate: expect.any(String), domain: 'initech.com', hs_lastmodifieddate: expect.any(String), hs_object_id: res.body.results[0].id };
    expect(res.body.results[0].properties).toEqual(system);
    const later = await post(e, SEARCH.replace('2026-03', '2026-09'), body);
    expect(later.body.results[0].properties).toEqual({ ...system, phone: null });
  });

  it('pages with limit and after; paging is absent on the last page; limit defaults to 10', async () => {
    const e = await emulator({ rateLimit: { searchPerSecond: 1000 } });
    for (let i = 0; i < 25; i++) e.seedCompany({ domain: `c${String(i).padStart(2, '0')}.com` });
    const first = await post(e, SEARCH, {});
    expect(first.body.results).toHaveLength(10);
    expect(first.body).toMatchObject({ total: 25, paging: { next: { after: '10' } } });
    const seen: string[] = [];
    let after: string | undefined = '0';
    let pages = 0;
    while (after !== undefined) {
      const page = await post(e, SEARCH, { limit: 7, after, sorts: [{ propertyName: 'domain', direction: 'ASCENDING' }] });
      seen.push(...domains(page));
      after = page.body.paging?.next?.after as string | undefined;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, '0')}.com`));
  });

  it('rejects limit > 200, paging past 10,000, bodies over 3,000 chars, bad operators and unknown properties', async () => {
    const e = await seeded();
    const tooMany = await post(e, SEARCH, { limit: 201 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ category: 'VALIDATION_ERROR', message: 'Invalid limit 201: it must be an integer between 1 and 200.' });
    expect((await post(e, SEARCH, { limit: 200 })).status).toBe(200);
    const deep = await post(e, SEARCH, { limit: 100, after: '10000' });
    expect(deep.status).toBe(400);
    expect(deep.body.message).toBe('Paging past 10000 results is not allowed (after=10000). Narrow the search with filters.');
    const values = Array.from({ length: 100 }, (_, i) => `a-rather-long-company-domain-${i}.com`);
    const big = await post(e, SEARCH, filter('domain', 'IN', { values }));
    expect(big.status).toBe(400);
    expect(big.body.message).toMatch(/^The search request body is \d+ characters long; the maximum is 3000\.$/);
    expect((await post(e, SEARCH, filter('domain', 'LIKE', { value: 'x' }))).status).toBe(400);
    expect((await post(e, SEARCH, filter('shoe_size', 'EQ', { value: 'x' }))).status).toBe(400);
    expect((await post(e, SEARCH, filter('domain', 'IN', { values: Array.from({ length: 101 }, (_, i) => `${i}.io`) }))).status).toBe(400);
    expect((await post(e, SEARCH, { sorts: ['domain', 'name'] })).status).toBe(400);
  });

  it('accepts sorts as the docs show them (objects) and as strings', async () => {
    const e = await seeded();
    const obj = await post(e, SEARCH, { ...filter('domain', 'HAS_PROPERTY'), sorts: [{ propertyName: 'createdate', direction: 'DESCENDING' }] });
    expect(obj.status).toBe(200);
    const str = await post(e, SEARCH, { ...filter('domain', 'HAS_PROPERTY'), sorts: ['-domain'] });
    expect(domains(str)).toEqual(['initech.com', 'globex.com', 'acme.com']);
  });

  it('CONTAINS_TOKEN on hs_additional_domains matches one whole ;-separated entry, nothing less', async () => {
    const e = await seeded();
    e.seedCompany({ domain: 'umbrella.com', hs_additional_domains: 'umbrella.io; Umbrella-Corp.com' });
    e.seedCompany({ domain: 'notumbrella.com', hs_additional_domains: 'notumbrella.io;umbrella.io.au' });
    const byToken = async (value: string): Promise<string[]> => domains(await post(e, SEARCH, filter('hs_additional_domains', 'CONTAINS_TOKEN', { value })));
    expect(await byToken('umbrella.io')).toEqual(['umbrella.com']);
    expect(await byToken('umbrella-corp.com')).toEqual(['umbrella.com']);
    expect(await byToken('umbrella')).toEqual([]);
    expect(await byToken('io')).toEqual([]);
    expect(await byToken('*umbrella.io*')).toEqual(['umbrella.com', 'notumbrella.com']);
  });

  it('filter limits, the stricter of the documented ones: 5 groups, 6 filters a group, 18 in all', async () => {
    const e = await seeded();
    const f = { propertyName: 'domain', operator: 'HAS_PROPERTY' };
    const groups = (count: number, size: number): Json => ({ filterGroups: Array.from({ length: count }, () => ({ filters: Array.from({ length: size }, () => f) })) });
    expect((await post(e, SEARCH, groups(5, 1))).status).toBe(200);
    expect((await post(e, SEARCH, groups(3, 6))).status).toBe(200);
    expect((await post(e, SEARCH, groups(6, 1))).body.message).toBe('Too many filter groups: 6. The maximum is 5.');
    expect((await post(e, SEARCH, groups(1, 7))).body.message).toBe('Too many filters in a group: 7. The maximum is 6.');
    expect((await post(e, SEARCH, groups(4, 5))).body.message).toBe('Too many filters: 20. The maximum is 18 across all groups.');
  });

  it('lags behind writes by searchLagMs: new companies invisible, updates show the old state', async () => {
    const clock = fakeClock();
    const e = await emulator({ searchLagMs: 2000, now: clock.now, rateLimit: { searchPerSecond: 100 } });
    const seededId = e.seedCompany({ domain: 'old.com', name: 'Seeded' });
    const created = await post(e, CO_CREATE, { inputs: [{ properties: { domain: 'new.com', name: 'New' } }] });
    const id = created.body.results[0].id as string;
    const find = (d: string): Promise<Res> => post(e, SEARCH, { ...filter('domain', 'EQ', { value: d }), properties: ['name', 'domain'] });
    expect((await find('old.com')).body.total).toBe(1);
    expect((await find('new.com')).body.total).toBe(0);
    clock.advance(1999);
    expect((await find('new.com')).body.total).toBe(0);
    clock.advance(1);
    expect((await find('new.com')).body.results[0].properties.name).toBe('New');
    await post(e, CO_UPDATE, { inputs: [{ id, properties: { name: 'Renamed', domain: 'renamed.com' } }, { id: seededId, properties: { name: 'Seeded 2' } }] });
    expect((await find('new.com')).body.results[0].properties.name).toBe('New');
    expect((await find('renamed.com')).body.total).toBe(0);
    expect((await find('old.com')).body.results[0].properties.name).toBe('Seeded');
    clock.advance(2000);
    expect((await find('new.com')).body.total).toBe(0);
    expect((await find('renamed.com')).body.results[0].properties.name).toBe('Renamed');
    expect((await find('old.com')).body.results[0].properties.name).toBe('Seeded 2');
  });
});

describe('company properties: read one, create one', () => {
  const PROPS = '/crm/properties/2026-03/companies';
  const keyProperty = (extra: Record<string, unknown> = {}): Json => ({ name: 'hubspot_sync_domain', label: 'Domain key', type: 'string', fieldType: 'text', groupName: 'companyinformation', hasUniqueValue: true, ...extra });

  it('GET one property: 200, or 404 OBJECT_NOT_FOUND', async () => {
    const e = await emulator();
    expect((await get(e, `${PROPS}/domain`)).body).toMatchObject({ name: 'domain', type: 'string', hasUniqueValue: false });
    const missing = await get(e, `${PROPS}/hubspot_sync_domain`);
    expect(missing.status).toBe(404);
    expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
  });

  it('creates a unique property (needs crm.schemas.companies.write) that then keys upserts: one company per value', async () => {
    const e = await emulator({ tokens: { objects: ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.read'] } });
    const refused = await post(e, PROPS, keyProperty(), { token: 'objects' });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].context.requiredGranularScopes).toEqual(['crm.schemas.companies.write']);
    const created = await post(e, PROPS, keyProperty());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'hubspot_sync_domain', hasUniqueValue: true, hubspotDefined: false });
    expect((await get(e, `${PROPS}/hubspot_sync_domain`)).body.hasUniqueValue).toBe(true);
    expect((await post(e, PROPS, keyProperty())).status).toBe(409);
    const input = { idProperty: 'hubspot_sync_domain', id: 'acme.com', objectWriteTraceId: '0', properties: { domain: 'acme.com', name: 'Acme' } };
    const first = await post(e, CO_UPSERT, { inputs: [input] });
    const again = await post(e, CO_UPSERT, { inputs: [{ ...input, properties: { domain: 'acme.com', name: 'Acme 2' } }] });
    expect(first.body.results[0].new).toBe(true);
    expect(again.body.results[0]).toMatchObject({ id: first.body.results[0].id, new: false });
    expect(e.snapshot().companies).toEqual([{ domain: 'acme.com', name: 'Acme 2', hubspot_sync_domain: 'acme.com' }]);
    // The value may not end up on a second company.
    const other = e.seedCompany({ domain: 'globex.com' });
    const taken = await post(e, CO_UPDATE, { inputs: [{ id: other, properties: { hubspot_sync_domain: 'acme.com' } }] });
    expect(taken.status).toBe(409);
    expect(taken.body.category).toBe('CONFLICT');
  });

  it('refuses hs_ names, invalid names, bad types, unknown groups, and an 11th unique property', async () => {
    const e = await emulator();
    for (const [extra, message] of [
      [{ name: 'hs_sync_domain' }, /reserved for HubSpot/],
      [{ name: 'Sync Domain' }, /is invalid/],
      [{ type: 'text' }, /Invalid type/],
      [{ fieldType: 'select' }, /not valid for a property of type string/],
      [{ groupName: 'nowhere' }, /Property group nowhere does not exist/],
      [{ label: undefined }, /label is required/],
    ] as const) {
      const res = await post(e, PROPS, keyProperty(extra));
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    for (let i = 0; i < 10; i++) expect((await post(e, PROPS, keyProperty({ name: `unique_${i}` }))).status).toBe(201);
    const eleventh = await post(e, PROPS, keyProperty());
    expect(eleventh.status).toBe(400);
    expect(eleventh.body.message).toMatch(/at most 10 unique value properties/);
    expect((await post(e, PROPS, keyProperty({ hasUniqueValue: false }))).status).toBe(201);
  });
});

describe('companies deleted or merged (between runs)', () => {
  const control = (e: Emulator, path: string, body: unknown): Promise<Response> => fetch(`${e.url}/_emulator/companies/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const searchDomain = (e: Emulator, d: string): Promise<Res> => post(e, SEARCH, { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: d }] }] });

  it('a deleted company answers OBJECT_NOT_FOUND to updates and reads at once; a lagging search still shows it for a while', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, searchLagMs: 5000, rateLimit: { searchPerSecond: 100 } });
    const id = e.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const contact = e.seedContact('ada@acme.com', {});
    await post(e, ASSOC, { inputs: [{ from: { id: contact }, to: { id } }] });
    expect((await control(e, 'delete', { id })).status).toBe(200);
    expect((await control(e, 'delete', { id })).status).toBe(404);
    const update = await post(e, CO_UPDATE, { inputs: [{ id, objectWriteTraceId: '0', properties: { name: 'x' } }] });
    expect(update.status).toBe(207);
    expect(update.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: [id], objectWriteTraceId: ['0'] } });
    expect((await post(e, CO_READ, { properties: ['domain'], propertiesWithHistory: [], inputs: [{ id }] })).body.errors[0].category).toBe('OBJECT_NOT_FOUND');
    expect(e.snapshot().companies).toEqual([]);
    expect(e.snapshot().associations).toEqual([]);
    expect((await searchDomain(e, 'acme.com')).body.results.map((r: Json) => r.id)).toEqual([id]);
    clock.advance(5000);
    expect((await searchDomain(e, 'acme.com')).body.total).toBe(0);
  });

  it("a merge keeps the primary: the merged company's domain joins its additional domains, the merged id is gone", async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, searchLagMs: 5000, rateLimit: { searchPerSecond: 100 } });
    const primary = e.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const merged = e.seedCompany({ domain: 'acme-corp.com', name: 'Acme Corp', city: 'Austin', hs_additional_domains: 'acme.io' });
    const contact = e.seedContact('ada@acme-corp.com', {});
    await post(e, ASSOC, { inputs: [{ from: { id: contact }, to: { id: merged } }] });
    expect((await control(e, 'merge', { primaryObjectId: primary, objectIdToMerge: merged })).status).toBe(200);
    expect(e.state.companies.get(primary)?.properties).toMatchObject({ name: 'Acme', city: 'Austin', hs_additional_domains: 'acme-corp.com;acme.io', hs_merged_object_ids: merged });
    expect(e.snapshot().associations).toEqual([['ada@acme-corp.com', 'acme.com']]);
    const update = await post(e, CO_UPDATE, { inputs: [{ id: merged, properties: { name: 'x' } }] });
    expect(update.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: [merged] } });
    const byToken = { filterGroups: [{ filters: [{ propertyName: 'hs_additional_domains', operator: 'CONTAINS_TOKEN', value: 'acme-corp.com' }] }] };
    expect((await post(e, SEARCH, byToken)).body.total).toBe(0);
    clock.advance(5000);
    expect((await post(e, SEARCH, byToken)).body.results.map((r: Json) => r.id)).toEqual([primary]);
    expect((await searchDomain(e, 'acme-corp.com')).body.total).toBe(0);
    expect((await control(e, 'merge', { primaryObjectId: primary, objectIdToMerge: '1' })).status).toBe(404);
    expect((await control(e, 'merge', { primaryObjectId: primary })).status).toBe(400);
  });
});

describe('associations v4', () => {
  it('associates contacts and companies (HUBSPOT_DEFINED 279); repeats are idempotent', async () => {
    const e = await emulator();
    const ada = e.seedContact('ada@example.com', {});
    const acme = e.seedCompany({ domain: 'acme.com' });
    const res = await post(e, ASSOC, { inputs: [{ from: { id: ada }, to: { id: acme } }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'COMPLETE',
      results: [{ from: { id: ada }, to: { id: acme }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 } }],
    });
    const again = await post(e, ASSOC, { inputs: [{ from: { id: ada }, to: { id: acme } }, { from: { id: ada }, to: { id: acme } }] });
    expect(again.status).toBe(200);
    expect(e.state.associations.size).toBe(1);
    expect(e.snapshot().associations).toEqual([['ada@example.com', 'acme.com']]);
  });

  it('reports unknown ids per input in the errors of a 200 (never a 207) while applying the valid ones', async () => {
    const e = await emulator();
    const ada = e.seedContact('ada@example.com', {});
    const acme = e.seedCompany({ domain: 'acme.com' });
    const res = await post(e, ASSOC, {
      inputs: [
        { from: { id: ada }, to: { id: acme } },
        { from: { id: '999' }, to: { id: acme } },
        { from: { id: ada }, to: { id: '888' } },
        { from: { id: acme }, to: { id: ada } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.numErrors).toBe(4);
    expect(res.body.errors).toContainEqual({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.FROM_OBJECT_NOT_FOUND',
      message: 'No contact with ID 999 exists',
      context: { fromObjectId: ['999'], ids: ['999'] },
    });
    expect(res.body.errors).toContainEqual({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.TO_OBJECT_NOT_FOUND',
      message: 'No company with ID 888 exists',
      context: { toObjectId: ['888'], ids: ['888'] },
    });
    expect(e.state.associations.size).toBe(1);
  });

  it('rejects more than 100 inputs', async () => {
    const e = await emulator();
    const res = await post(e, ASSOC, { inputs: Array.from({ length: 101 }, () => ({ from: { id: '1' }, to: { id: '2' } })) });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
  });
});

describe('event definitions', () => {
  it('creates a definition: 201 with id, fullyQualifiedName, labels, properties', async () => {
    const e = await emulator();
    const res = await defineEvent(e, 'order_completed', ORDER_PROPS);
    expect(res.body).toMatchObject({
      name: 'order_completed',
      fullyQualifiedName: 'pe123456_order_completed',
      labels: { singular: 'Order Completed' },
      primaryObject: 'CONTACT',
      objectTypeId: '0-1',
      archived: false,
    });
    expect(res.body.id).toMatch(/^\d+$/);
    expect(res.body.createdAt).toMatch(/Z$/);
    const names = (res.body.properties as Json[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['order_id', 'amount', 'plan', 'hs_page_url', 'hs_utm_source']));
    expect(names.filter((n) => n.startsWith('hs_'))).toHaveLength(32);
    expect((res.body.properties as Json[]).find((p) => p.name === 'plan').options[0]).toMatchObject({ label: 'Pro', value: 'pro' });
  });

  it('validates names, labels and property definitions; 409 on a duplicate name', async () => {
    const e = await emulator();
    const bad = async (body: Json, message: string): Promise<void> => {
      const res = await post(e, DEFS, body);
      expect(res.status, message).toBe(400);
      expect(res.body).toMatchObject({ category: 'VALIDATION_ERROR', message });
    };
    const base = { includeDefaultProperties: true, propertyDefinitions: [] };
    await bad({ ...base, name: 'Order', label: 'x' }, 'Event name "Order" is invalid: it must start with a letter and use only lowercase letters, digits, "_" and "-"');
    await bad({ ...base, name: '1order', label: 'x' }, 'Event name "1order" is invalid: it must start with a letter and use only lowercase letters, digits, "_" and "-"');
    await bad({ ...base, name: 'a'.repeat(51), label: 'x' }, `Event name "${'a'.repeat(51)}" is longer than 50 characters`);
    await bad({ ...base, name: 'ok' }, 'Invalid input JSON: label is required');
    await bad({ ...base, name: 'ok', label: ' ' }, 'label is required');
    await bad({ name: 'ok', label: 'x', propertyDefinitions: [] }, 'Invalid input JSON: includeDefaultProperties is required');
    await bad({ ...base, name: 'ok', label: 'x', propertyDefinitions: [{ name: 'flag', label: 'Flag', type: 'bool' }] }, 'Property "flag" has an invalid type "bool": use one of string, number, enumeration, datetime');
    await bad({ ...base, name: 'ok', label: 'x', propertyDefinitions: [{ name: 'p', label: 'P', type: 'enumeration' }] }, 'Property "p" of type enumeration needs a non-empty "options" array');
    await bad({ ...base, name: 'ok', label: 'x', propertyDefinitions: [{ name: 'Bad Name', label: 'P', type: 'string' }] }, 'Property name "Bad Name" is invalid: it must start with a letter and use only lowercase letters, digits and underscores');
    const fiftyOne = Array.from({ length: 51 }, (_, i) => ({ name: `p${i}`, label: `P${i}`, type: 'string' }));
    await bad({ ...base, name: 'ok', label: 'x', propertyDefinitions: fiftyOne }, 'Too many properties: 51. An event may have at most 50 custom properties.');
    expect((await post(e, DEFS, { ...base, name: 'ok-1', label: 'x', propertyDefinitions: fiftyOne.slice(0, 50) })).status).toBe(201);
    await defineEvent(e, 'signed_up');
    const dup = await post(e, DEFS, { ...base, name: 'signed_up', label: 'Again' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ category: 'CONFLICT', message: 'An event definition with name signed_up already exists.' });
  });

  it('lists with searchString, limit, after and includeProperties', async () => {
    const e = await emulator();
    for (const n of ['alpha', 'beta', 'gamma', 'alpha_two']) await defineEvent(e, n, [{ name: 'x', label: 'X', type: 'string' }]);
    const page1 = await get(e, `${DEFS}?limit=3`);
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(4);
    expect((page1.body.results as Json[]).map((d) => d.name)).toEqual(['alpha', 'beta', 'gamma']);
    expect(page1.body.results[0].properties).toEqual([]);
    expect(page1.body.paging.next.after).toBe('3');
    const page2 = await get(e, `${DEFS}?limit=3&after=3&includeProperties=true`);
    expect((page2.body.results as Json[]).map((d) => d.name)).toEqual(['alpha_two']);
    expect(page2.body.paging).toBeUndefined();
    expect((page2.body.results[0].properties as Json[]).some((p) => p.name === 'x')).toBe(true);
    const found = await get(e, `${DEFS}?searchString=alpha`);
    expect((found.body.results as Json[]).map((d) => d.name)).toEqual(['alpha', 'alpha_two']);
  });

  it('gets a definition by its internal name; 404 for unknown names and for fully qualified names', async () => {
    const e = await emulator();
    await defineEvent(e, 'order_completed', ORDER_PROPS);
    const res = await get(e, `${DEFS}/order_completed`);
    expect(res.status).toBe(200);
    expect(res.body.fullyQualifiedName).toBe('pe123456_order_completed');
    for (const name of ['nope', 'pe123456_order_completed']) {
      const missing = await get(e, `${DEFS}/${name}`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Event with name ${name} does not exist.` });
    }
  });

  it('adds a property: 201; duplicate 409; unknown event 404', async () => {
    const e = await emulator();
    await defineEvent(e, 'order_completed', ORDER_PROPS);
    const res = await post(e, `${DEFS}/order_completed/property`, { name: 'coupon', label: 'Coupon', type: 'string' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'coupon', label: 'Coupon', type: 'string' });
    const dup = await post(e, `${DEFS}/order_completed/property`, { name: 'coupon', label: 'Coupon', type: 'string' });
    expect(dup.status).toBe(409);
    expect(dup.body.category).toBe('CONFLICT');
    expect((await post(e, `${DEFS}/nope/property`, { name: 'c', label: 'C', type: 'string' })).status).toBe(404);
    expect(e.snapshot().eventDefinitions[0]?.properties).toContain('coupon');
  });

  it('accepts pre-existing definitions as an option', async () => {
    const e = await emulator({ eventDefinitions: [{ name: 'signed_up', label: 'Signed Up', propertyDefinitions: [{ name: 'plan', label: 'Plan', type: 'string' }] }] });
    expect((await get(e, `${DEFS}/signed_up`)).status).toBe(200);
    expect((await post(e, SEND, { eventName: 'pe123456_signed_up', email: 'a@example.com', properties: { plan: 'pro' } })).status).toBe(204);
  });
});

describe('event occurrences', () => {
  async function withEvent(options: EmulatorOptions = {}): Promise<Emulator> {
    const e = await emulator(options);
    await defineEvent(e, 'order_completed', ORDER_PROPS);
    return e;
  }
  const occurrence = (extra: Record<string, unknown> = {}, properties: Record<string, unknown> = { order_id: 'A-1' }): Record<string, unknown> => ({
    eventName: 'pe123456_order_completed',
    email: 'ada@example.com',
    occurredAt: '2026-05-01T10:00:00.000Z',
    uuid: 'msg-1',
    properties,
    ...extra,
  });

  it('send: 204 with an empty body; stored canonically; no contact created', async () => {
    const e = await withEvent();
    const res = await post(e, SEND, occurrence({ email: 'Ada@Example.com', occurredAt: 1777629600000 }, { order_id: 'A-1', amount: '42.50', shipped_at: '1777629600000', plan: 'pro', hs_page_title: 'Checkout' }));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(e.snapshot().events).toEqual([
      {
        eventName: 'pe123456_order_completed',
        uuid: 'msg-1',
        email: 'ada@example.com',
        occurredAt: '2026-05-01T10:00:00.000Z',
        properties: { amount: '42.5', hs_page_title: 'Checkout', order_id: 'A-1', plan: 'pro', shipped_at: '2026-05-01T10:00:00.000Z' },
      },
    ]);
    expect(e.state.contacts.size).toBe(0);
  });

  it('send/batch: 204; uuid dedupe per event type (first wins, later ones silently ignored)', async () => {
    const e = await withEvent();
    await defineEvent(e, 'other_event');
    const res = await post(e, SEND_BATCH, {
      inputs: [
        occurrence({ uuid: 'u1' }, { order_id: 'first' }),
        occurrence({ uuid: 'u1' }, { order_id: 'second' }),
        occurrence({ uuid: 'u2' }),
        occurrence({ uuid: 'u1', eventName: 'pe123456_other_event' }, {}),
      ],
    });
    expect(res.status).toBe(204);
    const again = await post(e, SEND, occurrence({ uuid: 'u1' }, { order_id: 'third' }));
    expect(again.status).toBe(204);
    const events = e.snapshot().events;
    expect(events.map((x) => [x.eventName, x.uuid, x.properties.order_id])).toEqual([
      ['pe123456_order_completed', 'u1', 'first'],
      ['pe123456_order_completed', 'u2', 'A-1'],
      ['pe123456_other_event', 'u1', undefined],
    ]);
  });

  it('rejects invalid occurrences with errors naming the problem', async () => {
    const e = await withEvent();
    const reject = async (body: Json, code: string, context: Record<string, string[]>, message?: string): Promise<void> => {
      const res = await post(e, SEND, body);
      expect(res.status, code).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      expect(res.body.errors[0], code).toMatchObject({ code, context });
      if (message !== undefined) expect(res.body.errors[0].message).toBe(message);
    };
    const ev = { eventName: ['pe123456_order_completed'] };
    await reject(occurrence({ eventName: 'pe123456_undefined_event' }), 'EVENT_NOT_FOUND', { eventName: ['pe123456_undefined_event'] }, 'Event with fully qualified name pe123456_undefined_event does not exist.');
    await reject(occurrence({ eventName: 'order_completed' }), 'EVENT_NOT_FOUND', { eventName: ['order_completed'] });
    await reject(occurrence({ eventName: 'pe999_order_completed' }), 'EVENT_NOT_FOUND', { eventName: ['pe999_order_completed'] });
    await reject(occurrence({ eventName: '' }), 'MISSING_EVENT_NAME', {});
    await reject(occurrence({}, { coupon: 'X' }), 'PROPERTY_DOESNT_EXIST', { ...ev, propertyName: ['coupon'] }, 'Property coupon does not exist on event pe123456_order_completed.');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`hs_custom_${i}`, 'x']));
    await reject(occurrence({}, many), 'TOO_MANY_PROPERTIES', ev, 'Too many properties: 51. An event occurrence may have at most 50.');
    await reject(occurrence({}, { order_id: 'x'.repeat(257) }), 'VALUE_TOO_LONG', { ...ev, propertyName: ['order_id'] }, 'Property order_id value is 257 characters long; the maximum is 256.');
    await reject(occurrence({}, { page_url: 'x'.repeat(1025) }), 'VALUE_TOO_LONG', { ...ev, propertyName: ['page_url'] });
    await reject(occurrence({}, { amount: 'lots' }), 'INVALID_NUMBER', { ...ev, propertyName: ['amount'] });
    await reject(occurrence({}, { shipped_at: 'soon' }), 'INVALID_DATETIME', { ...ev, propertyName: ['shipped_at'] });
    await reject(occurrence({}, { plan: 'Pro' }), 'INVALID_OPTION', { ...ev, propertyName: ['plan'] }, 'Pro was not one of the allowed options: [pro]');
    await reject(occurrence({ email: 'ada@example.con' }), 'INVALID_EMAIL', ev, 'Email address ada@example.con is invalid');
    await reject(occurrence({ email: undefined }), 'MISSING_IDENTIFIER', ev);
    await reject(occurrence({ occurredAt: 'yesterday' }), 'INVALID_OCCURRED_AT', ev);
    // A missing eventName or properties is refused by the body's shape, before the event checks.
    for (const missing of ['eventName', 'properties']) {
      const res = await post(e, SEND, occurrence({ [missing]: undefined }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ code: 'REQUIRED', in: missing, message: `${missing} is required` }]);
    }
    expect(e.state.eventOccurrences).toHaveLength(0);
    expect((await post(e, SEND, occurrence({}, { order_id: 'x'.repeat(256), page_url: 'x'.repeat(1024), hs_page_url: 'y'.repeat(1024) }))).status).toBe(204);
    expect((await post(e, SEND, occurrence({ email: undefined, objectId: '1001', uuid: 'm2' }))).status).toBe(204);
    expect((await post(e, SEND, occurrence({ email: undefined, utk: 'abc', uuid: 'm3' }))).status).toBe(204);
  });

  it('one invalid occurrence fails the whole batch (context names the index); more than 500 is a 400', async () => {
    const e = await withEvent();
    const res = await post(e, SEND_BATCH, { inputs: [occurrence({ uuid: 'a' }), occurrence({ uuid: 'b' }, { nope: '1' }), occurrence({ uuid: 'c' })] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: 'Property nope does not exist on event pe123456_order_completed.',
        code: 'PROPERTY_DOESNT_EXIST',
        context: { eventName: ['pe123456_order_completed'], propertyName: ['nope'], index: ['1'] },
      },
    ]);
    expect(e.state.eventOccurrences).toHaveLength(0);
    const tooMany = await post(e, SEND_BATCH, { inputs: Array.from({ length: 501 }, (_, i) => occurrence({ uuid: `u${i}` })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe('Too many inputs: 501. A batch accepts at most 500 events.');
    expect((await post(e, SEND_BATCH, { inputs: Array.from({ length: 500 }, (_, i) => occurrence({ uuid: `u${i}` })) })).status).toBe(204);
    expect(e.state.eventOccurrences).toHaveLength(500);
  });

  it('403 for custom events below the enterprise tier', async () => {
    for (const tier of ['starter', 'professional'] as const) {
      const e = await emulator({ tier });
      const defs = await get(e, DEFS);
      expect(defs.status).toBe(403);
      expect(defs.body).toMatchObject({
        status: 'error',
        category: 'MISSING_SCOPES',
        message: `Custom behavioral events require a Marketing Hub Enterprise subscription; portal 123456 is on the ${tier} tier.`,
      });
      expect((await post(e, DEFS, { name: 'x', label: 'X' })).status).toBe(403);
      expect((await post(e, SEND, occurrence())).status).toBe(403);
      expect((await post(e, SEND_BATCH, { inputs: [] })).status).toBe(403);
      expect((await upsert(e, [upsertInput('a@example.com', {})])).status).toBe(200);
    }
  });
});

describe('rate limits', () => {
  it('sends the X-HubSpot-RateLimit-* headers on every non-search response', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, rateLimit: { perTenSeconds: 100, daily: 1000 } });
    const first = await get(e, '/account-info/2026-03/details');
    const h = (name: string): string | null => first.headers.get(`x-hubspot-ratelimit-${name}`);
    expect([h('daily'), h('daily-remaining'), h('interval-milliseconds'), h('max'), h('remaining'), h('secondly'), h('secondly-remaining')]).toEqual([
      '1000',
      '999',
      '10000',
      '100',
      '99',
      '10',
      '9',
    ]);
    const second = await upsert(e, [upsertInput('a@example.com', { seats: 'x' })]);
    expect(second.status).toBe(400);
    expect(second.headers.get('x-hubspot-ratelimit-remaining')).toBe('98');
    expect(second.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('998');
    const search = await post(e, SEARCH, {});
    expect([...search.headers.keys()].filter((k) => k.startsWith('x-hubspot-ratelimit'))).toEqual([]);
  });

  it('429 TEN_SECONDLY_ROLLING over the window; refused requests are not counted; the window slides', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, rateLimit: { perTenSeconds: 3 } });
    for (let i = 0; i < 2; i++) expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    clock.advance(4000);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    const limited = await get(e, '/account-info/2026-03/details');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: limited.headers.get('x-hubspot-correlation-id'),
      policyName: 'TEN_SECONDLY_ROLLING',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBeNull();
    clock.advance(5999);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    clock.advance(1); // the two requests at t0 leave the window (t0, t0+10000]
    const freed = await get(e, '/account-info/2026-03/details');
    expect(freed.status).toBe(200);
    expect(freed.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    expect((await get(e, '/account-info/2026-03/details')).headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    clock.advance(4000); // the request at t0+4000 leaves
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    const s = e.stats();
    expect(s.rateLimited).toBe(3);
    expect(s.rateLimitedByPolicy).toEqual({ TEN_SECONDLY_ROLLING: 3 });
    expect(s.dailyUsed).toBe(6);
    expect(s.maxInTenSeconds).toBe(3);
  });

  it('a shorter window for tests (windowMs) slides and is announced the same way, search second a tenth of it', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, rateLimit: { perTenSeconds: 2, searchPerSecond: 1, windowMs: 1000 } });
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    const second = await get(e, '/account-info/2026-03/details');
    expect(second.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('1000');
    expect(second.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    clock.advance(999);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    clock.advance(1);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    expect((await post(e, SEARCH, {})).status).toBe(200);
    expect((await post(e, SEARCH, {})).status).toBe(429);
    clock.advance(100);
    expect((await post(e, SEARCH, {})).status).toBe(200);
    expect(e.stats().maxInTenSeconds).toBe(2);
  });

  it('the ten-secondly window is per token; the daily limit is per account', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, tokens: { other: ['oauth'] }, rateLimit: { perTenSeconds: 1, daily: 3 } });
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    expect((await get(e, '/account-info/2026-03/details', { token: 'other' })).status).toBe(200);
    clock.advance(10_000);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    const daily = await get(e, '/account-info/2026-03/details', { token: 'other' });
    expect(daily.status).toBe(429);
    expect(daily.body.policyName).toBe('DAILY');
  });

  it('429 DAILY over the daily limit, reset at midnight in the portal time zone', async () => {
    const clock = fakeClock(Date.UTC(2026, 4, 1, 3, 59, 0)); // 23:59 on Apr 30 in US/Eastern (EDT)
    const e = await emulator({ now: clock.now, rateLimit: { daily: 2 } });
    expect((await get(e, '/account-info/2026-03/api-usage/daily/private-apps')).body.results[0].resetsAt).toBe('2026-05-01T04:00:00.000Z');
    expect((await get(e, '/account-info/2026-03/details')).headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    const limited = await get(e, '/account-info/2026-03/details');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      correlationId: limited.headers.get('x-hubspot-correlation-id'),
      policyName: 'DAILY',
      requestId: expect.any(String),
    });
    expect((await post(e, SEARCH, {})).body.policyName).toBe('DAILY');
    clock.advance(60_001);
    const next = await get(e, '/account-info/2026-03/details');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
    expect(e.stats().rateLimitedByPolicy).toEqual({ DAILY: 2 });
  });

  it('search: its own per-second limit, a 429 without policyName or headers; exempt from ten-secondly; counts toward daily', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, rateLimit: { perTenSeconds: 1, searchPerSecond: 2 } });
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
    expect((await post(e, SEARCH, {})).status).toBe(200);
    expect((await post(e, SEARCH, {})).status).toBe(200);
    const limited = await post(e, SEARCH, {});
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ status: 'error', message: 'You have reached your secondly limit.', correlationId: limited.headers.get('x-hubspot-correlation-id'), category: 'RATE_LIMITS' });
    expect([...limited.headers.keys()].filter((k) => k.startsWith('x-hubspot-ratelimit') || k === 'retry-after')).toEqual([]);
    clock.advance(1000);
    expect((await post(e, SEARCH, {})).status).toBe(200);
    const s = e.stats();
    expect(s.rateLimitedByPolicy).toEqual({ SECONDLY: 1 });
    expect(s.dailyUsed).toBe(4);
    expect(s.maxInTenSeconds).toBe(1);
  });

  it('events send is exempt from both limits; association batches from the ten-secondly one only', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, rateLimit: { perTenSeconds: 1, daily: 3 } });
    await defineEvent(e, 'signed_up');
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    for (let i = 0; i < 5; i++) {
      const res = await post(e, SEND, { eventName: 'pe123456_signed_up', email: 'a@example.com', uuid: `u${i}`, properties: {} });
      expect(res.status).toBe(204);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('1');
    }
    expect((await post(e, SEND_BATCH, { inputs: [] })).status).toBe(204);
    expect(e.stats().dailyUsed).toBe(1);
    expect((await post(e, ASSOC, { inputs: [] })).status).toBe(200);
    expect((await post(e, ASSOC, { inputs: [] })).status).toBe(200);
    expect(e.stats().dailyUsed).toBe(3);
    const daily = await post(e, ASSOC, { inputs: [] });
    expect(daily.status).toBe(429);
    expect(daily.body.policyName).toBe('DAILY');
    expect((await post(e, SEND, { eventName: 'pe123456_signed_up', email: 'a@example.com', uuid: 'late', properties: {} })).status).toBe(204);
    expect(e.stats().maxInTenSeconds).toBe(1);
  });

  it('maxInTenSeconds is the most ten-secondly-counted requests in any rolling 10 s window', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now });
    const at = async (t: number, n: number): Promise<void> => {
      clock.set(Date.UTC(2026, 4, 1, 16) + t);
      for (let i = 0; i < n; i++) await get(e, '/account-info/2026-03/details');
    };
    await at(0, 2);
    await at(5000, 2);
    await at(12_000, 3);
    expect(e.stats().maxInTenSeconds).toBe(5);
    await at(30_000, 1);
    expect(e.stats().maxInTenSeconds).toBe(5);
  });

  it('setRateLimit changes limits at runtime', async () => {
    const clock = fakeClock();
    const e = await emulator({ now: clock.now, rateLimit: { perTenSeconds: 1 } });
    await get(e, '/account-info/2026-03/details');
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(429);
    e.setRateLimit({ perTenSeconds: 10 });
    const ok = await get(e, '/account-info/2026-03/details');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-hubspot-ratelimit-max')).toBe('10');
  });
});

describe('faults', () => {
  it('errorRate 1: every request gets a 5xx with a HubSpot-ish body and nothing is applied', async () => {
    const e = await emulator({ faults: { seed: 7, errorRate: 1 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const res = await upsert(e, [upsertInput(`u${i}@example.com`, { firstname: 'X' })]);
      statuses.add(res.status);
      expect([502, 503, 504]).toContain(res.status);
      expect(res.body).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR', correlationId: res.headers.get('x-hubspot-correlation-id') });
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    }
    expect(statuses.size).toBeGreaterThan(1);
    expect(e.state.contacts.size).toBe(0);
    expect(e.stats().faults).toEqual({ errors: 12, resets: 0, rateLimited: 0, locked: 0, html: 0, badJson: 0 });
    expect(e.stats().writes).toBe(0);
    e.setFaults({});
    expect((await upsert(e, [upsertInput('ok@example.com', {})])).status).toBe(200);
  });

  it('resetRate 1: the request is applied, then the connection is destroyed (fetch rejects)', async () => {
    const e = await emulator({ faults: { seed: 3, resetRate: 1 } });
    await expect(upsert(e, [upsertInput('ada@example.com', { firstname: 'Ada' })])).rejects.toThrow();
    expect(e.state.contacts.get('ada@example.com')?.properties.firstname).toBe('Ada');
    expect(e.stats().faults).toEqual({ errors: 0, resets: 1, rateLimited: 0, locked: 0, html: 0, badJson: 0 });
    expect(e.stats().writes).toBe(1);
    const control = await fetch(`${e.url}/_emulator/stats`);
    expect(control.status).toBe(200);
  });

  it('is deterministic for a seed', async () => {
    const run = async (): Promise<number[]> => {
      const e = await emulator({ faults: { seed: 42, errorRate: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await get(e, '/account-info/2026-03/details')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(200);
    expect(a.some((s) => s >= 500)).toBe(true);
  });

  it('setFaults applies at runtime and re-seeds; /_emulator/* is never faulted', async () => {
    const e = await emulator();
    e.setFaults({ seed: 1, errorRate: 1 });
    expect((await get(e, '/account-info/2026-03/details')).status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`${e.url}/_emulator/state`)).status).toBe(200);
    const set = await fetch(`${e.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 0 }) });
    expect(set.status).toBe(200);
    expect((await get(e, '/account-info/2026-03/details')).status).toBe(200);
  });

  it('rateLimitRate: 429 TEN_SECONDLY_ROLLING (search: its secondly body), not applied; retryAfterSeconds adds Retry-After to every 429', async () => {
    const e = await emulator({ faults: { rateLimitRate: 1, retryAfterSeconds: 3 } });
    const res = await upsert(e, [upsertInput('ada@example.com', { firstname: 'Ada' })]);
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    const search = await post(e, SEARCH, {});
    expect(search.body).toMatchObject({ category: 'RATE_LIMITS', message: 'You have reached your secondly limit.' });
    expect(search.headers.get('retry-after')).toBe('3');
    expect(e.state.contacts.size).toBe(0);
    expect(e.stats().faults.rateLimited).toBe(2);
    // A 429 the window earns carries it too.
    e.setFaults({ retryAfterSeconds: 1 });
    e.setRateLimit({ perTenSeconds: 1 });
    await get(e, '/account-info/2026-03/details');
    const earned = await get(e, '/account-info/2026-03/details');
    expect(earned.status).toBe(429);
    expect(earned.headers.get('retry-after')).toBe('1');
  });

  it('lockedRate: 423 LOCKED, not applied', async () => {
    const e = await emulator({ faults: { lockedRate: 1 } });
    const res = await upsert(e, [upsertInput('ada@example.com', { firstname: 'Ada' })]);
    expect(res.status).toBe(423);
    expect(res.body).toMatchObject({ status: 'error', category: 'LOCKED' });
    expect(e.state.contacts.size).toBe(0);
    expect(e.stats().faults.locked).toBe(1);
  });

  it("htmlErrorRate: a proxy's 502/503 HTML page without HubSpot's headers, not applied", async () => {
    const e = await emulator({ faults: { htmlErrorRate: 1, seed: 4 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${e.url}${UPSERT}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [upsertInput(`u${i}@example.com`, {})] }),
      });
      statuses.add(res.status);
      expect(res.headers.get('content-type')).toBe('text/html');
      expect(res.headers.get('x-hubspot-correlation-id')).toBeNull();
      expect(await res.text()).toMatch(/^<!DOCTYPE html>[\s\S]*<title>50[23] /);
    }
    expect([...statuses].sort()).toEqual([502, 503]);
    expect(e.state.contacts.size).toBe(0);
  });

  it('badJsonRate: applied, then a 200 whose body is JSON cut short; a 204 stays a 204', async () => {
    const e = await emulator({ faults: { badJsonRate: 1 } });
    const res = await fetch(`${e.url}${UPSERT}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [upsertInput('ada@example.com', { firstname: 'Ada' })] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(e.state.contacts.get('ada@example.com')?.properties.firstname).toBe('Ada');
    expect(e.stats().faults.badJson).toBe(1);
    e.setFaults({});
    await post(e, DEFS, { name: 'signed_up', label: 'Signed Up', includeDefaultProperties: true, propertyDefinitions: [] });
    e.setFaults({ badJsonRate: 1 });
    const sent = await post(e, SEND, { eventName: 'pe123456_signed_up', email: 'ada@example.com', properties: {} });
    expect(sent.status).toBe(204);
  });

  it('omitRateLimitHeaders: no X-HubSpot-RateLimit-* headers, the limits still hold', async () => {
    const e = await emulator({ faults: { omitRateLimitHeaders: true }, rateLimit: { perTenSeconds: 2 } });
    const ok = await get(e, '/account-info/2026-03/details');
    expect(ok.status).toBe(200);
    expect([...ok.headers.keys()].filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
    expect(ok.headers.get('x-hubspot-correlation-id')).not.toBeNull();
    await get(e, '/account-info/2026-03/details');
    const limited = await get(e, '/account-info/2026-03/details');
    expect(limited.status).toBe(429);
    expect([...limited.headers.keys()].filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
  });

  it('wholeBatchErrors: one invalid input fails the whole batch (400) even when every input is traced', async () => {
    const e = await emulator({ faults: { wholeBatchErrors: true } });
    const inputs = [upsertInput('a@example.com', { seats: '1' }, { objectWriteTraceId: 'a' }), upsertInput('b@example.com', { seats: 'lots' }, { objectWriteTraceId: 'b' })];
    const res = await upsert(e, inputs);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].context).toEqual({ propertyName: ['seats'] });
    expect(e.state.contacts.size).toBe(0);
    e.setFaults({});
    expect((await upsert(e, inputs)).status).toBe(207);
  });

  it('wholeBatchShare: batch upsert and update answer one bad input either way, drawn per request from the seed; create stays per input', async () => {
    const answers = async (seed: number) => {
      const e = await emulator({ faults: { seed, wholeBatchShare: 0.5 } });
      const id = e.seedContact('c@example.com', { firstname: 'C' });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const bad = [upsertInput('a@example.com', { seats: '1' }, { objectWriteTraceId: 'a' }), upsertInput('b@example.com', { seats: 'lots' }, { objectWriteTraceId: 'b' })];
        const res = await upsert(e, bad);
        statuses.push(res.status);
        // A 400 names the refused value and applies nothing; a 207 names the input by its trace id and applies the rest.
        if (res.status === 400) expect(res.body.errors[0].context).toEqual({ propertyName: ['seats'] });
        else expect(res.body.errors[0].context).toEqual({ objectWriteTraceId: ['b'], propertyName: ['seats'] });
        const update = await post(e, C_UPDATE, { inputs: [{ id, objectWriteTraceId: 'x', properties: { seats: 'many' } }, { id: '999', objectWriteTraceId: 'y', properties: {} }] });
        statuses.push(update.status);
      }
      const created = await post(e, C_CREATE, { inputs: [{ properties: { email: 'n@example.com' }, objectWriteTraceId: 'n' }, { properties: { email: 'm@example.com', seats: 'x' }, objectWriteTraceId: 'm' }] });
      expect(created.status).toBe(207);
      return statuses;
    };
    const first = await answers(7);
    expect(first).toContain(400);
    expect(first).toContain(207);
    expect(await answers(7)).toEqual(first);
    expect(await answers(8)).not.toEqual(first);
  });

  it('endpoints: injected faults only hit the routes named', async () => {
    const e = await emulator({ faults: { errorRate: 1, endpoints: [`POST ${CO_CREATE}`] } });
    expect((await upsert(e, [upsertInput('ada@example.com', {})])).status).toBe(200);
    expect((await post(e, CO_CREATE, { inputs: [{ properties: { domain: 'acme.com' } }] })).status).toBeGreaterThanOrEqual(502);
    expect(e.state.companies.size).toBe(0);
  });

  it('adds latency: a fixed one, or one drawn from a range, waited out before each answer', async () => {
    const waits: number[] = [];
    let answered = 0;
    let release = (): void => {};
    const e = await emulator({ faults: { latencyMs: 40 }, sleep: (ms) => new Promise((resolve) => { waits.push(ms); release = () => resolve(); }) });
    const first = get(e, '/account-info/2026-03/details').then((res) => (answered++, res));
    await vi.waitFor(() => expect(waits).toEqual([40]));
    // Held until the latency is over: no answer yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(0);
    release();
    expect((await first).status).toBe(200);
    e.setFaults({ latencyMs: [20, 30] });
    const second = get(e, '/account-info/2026-03/details');
    await vi.waitFor(() => expect(waits).toHaveLength(2));
    release();
    expect((await second).status).toBe(200);
    expect(waits[1]).toBeGreaterThanOrEqual(20);
    expect(waits[1]).toBeLessThanOrEqual(30);
  });
});

describe('snapshot, stats, control endpoints', () => {
  async function scenario(e: Emulator, reverse: boolean): Promise<void> {
    await defineEvent(e, 'signed_up', [{ name: 'plan', label: 'Plan', type: 'string' }]);
    const contacts = [upsertInput('ada@example.com', { firstname: 'Ada' }), upsertInput('bob@example.com', { firstname: 'Bob', seats: '2' })];
    const ups = await upsert(e, reverse ? contacts.reverse() : contacts);
    const companies = [{ properties: { domain: 'acme.com', name: 'Acme' } }, { properties: { domain: 'globex.com', name: 'Globex' } }];
    const cos = await post(e, CO_CREATE, { inputs: reverse ? companies.reverse() : companies });
    const contactId = (email: string): string => (ups.body.results as Json[]).find((r) => r.properties.email === email).id;
    const companyId = (domain: string): string => (cos.body.results as Json[]).find((r) => r.properties.domain === domain).id;
    await post(e, ASSOC, { inputs: [{ from: { id: contactId('ada@example.com') }, to: { id: companyId('acme.com') } }] });
    const events = [
      { eventName: 'pe123456_signed_up', email: 'ada@example.com', uuid: 'e1', occurredAt: '2026-05-01T00:00:00Z', properties: { plan: 'pro' } },
      { eventName: 'pe123456_signed_up', email: 'bob@example.com', uuid: 'e2', occurredAt: 1777593600000, properties: {} },
    ];
    await post(e, SEND_BATCH, { inputs: reverse ? events.reverse() : events });
  }

  it('two runs in different orders (and with different ids) give equal snapshots', async () => {
    const a = await emulator();
    const b = await emulator();
    b.seedContact('zed@example.com', {});
    a.seedContact('zed@example.com', {});
    await scenario(a, false);
    await scenario(b, true);
    expect(a.snapshot()).toEqual(b.snapshot());
    expect(a.snapshot()).toEqual({
      contacts: {
        'ada@example.com': { email: 'ada@example.com', firstname: 'Ada' },
        'bob@example.com': { email: 'bob@example.com', firstname: 'Bob', seats: '2' },
        'zed@example.com': { email: 'zed@example.com' },
      },
      contactsWithoutEmail: [],
      companies: [
        { domain: 'acme.com', name: 'Acme' },
        { domain: 'globex.com', name: 'Globex' },
      ],
      associations: [['ada@example.com', 'acme.com']],
      eventDefinitions: [{ name: 'signed_up', fullyQualifiedName: 'pe123456_signed_up', label: 'Order Completed', primaryObject: 'CONTACT', properties: ['plan'] }],
      events: [
        { eventName: 'pe123456_signed_up', uuid: 'e1', email: 'ada@example.com', occurredAt: '2026-05-01T00:00:00.000Z', properties: { plan: 'pro' } },
        { eventName: 'pe123456_signed_up', uuid: 'e2', email: 'bob@example.com', occurredAt: '2026-05-01T00:00:00.000Z', properties: {} },
      ],
    });
    const c = await emulator();
    await scenario(c, false);
    await post(c, CO_CREATE, { inputs: [{ properties: { domain: 'acme.com', name: 'Acme' } }] });
    expect(c.snapshot().companies).toHaveLength(3);
    expect(c.snapshot()).not.toEqual(a.snapshot());
  });

  it('counts requests by endpoint, writes, and exposes them over /_emulator/*', async () => {
    const e = await emulator();
    await upsert(e, [upsertInput('ada@example.com', { firstname: 'Ada' })]);
    await upsert(e, [upsertInput('ada@example.com', { firstname: 'Ada' })]); // no change: not a write
    await upsert(e, [upsertInput('ada@example.com', { firstname: 'x', seats: 'bad' })]); // 400: not a write
    await post(e, C_READ, { idProperty: 'email', inputs: [{ id: 'ada@example.com' }] });
    await post(e, SEARCH, {});
    await get(e, '/nowhere');
    await get(e, '/account-info/2026-03/details', { token: 'bad' });
    const stats = e.stats();
    expect(stats.requests).toEqual({
      total: 7,
      byEndpoint: {
        'POST /crm/objects/2026-03/contacts/batch/upsert': 3,
        'POST /crm/objects/2026-03/contacts/batch/read': 1,
        'POST /crm/objects/2026-03/companies/search': 1,
        'GET /nowhere': 1,
        'GET /account-info/2026-03/details': 1,
      },
    });
    expect(stats.writes).toBe(1);
    expect(stats.dailyUsed).toBe(5);
    expect(stats.maxInTenSeconds).toBe(4);
    expect(stats.rateLimited).toBe(0);
    const overHttp = await fetch(`${e.url}/_emulator/stats`);
    expect(await overHttp.json()).toEqual(e.stats());
    const state = await fetch(`${e.url}/_emulator/state`);
    expect(await state.json()).toEqual(e.snapshot());
    expect(e.stats().requests.total).toBe(7);
  });

  it('seedContact merges and seedCompany is visible to search at once, even with lag', async () => {
    const e = await emulator({ searchLagMs: 60_000 });
    const id = e.seedContact('Ada@Example.com', { firstname: 'Ada', trial_end: '1777593600000' });
    expect(e.seedContact('ada@example.com', { lastname: 'L' })).toBe(id);
    expect(e.state.contactsById.get(id)?.properties).toMatchObject({ firstname: 'Ada', lastname: 'L', trial_end: '2026-05-01' });
    expect(() => e.seedContact('bad@x.con', {})).toThrow(/invalid email/);
    expect(() => e.seedCompany({ shoe: '1' })).toThrow(/does not exist/);
    e.seedCompany({ domain: 'acme.com' });
    expect((await post(e, SEARCH, { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.com' }] }] })).body.total).toBe(1);
  });
});

describe('cli', () => {
  it('prints the URL and token, serves requests, and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--token', 'pat-cli', '--portal-id', '42', '--rate', '50', '--seed', '9'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /HUBSPOT_BASE_URL=(\S+)/.exec(out);
          if (m?.[1] && out.includes('HUBSPOT_ACCESS_TOKEN=')) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}: ${out}`)));
      });
      expect(out).toContain('HUBSPOT_ACCESS_TOKEN=pat-cli');
      const res = await fetch(`${url}/account-info/2026-03/details`, { headers: { Authorization: 'Bearer pat-cli' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('50');
      expect(((await res.json()) as Json).portalId).toBe(42);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('takes the fault flags: Retry-After, no rate-limit headers, injected 429s', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--rate-limit-rate', '1', '--retry-after', '4', '--no-rate-limit-headers', '--fault-endpoints', 'GET /account-info/2026-03/details'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /HUBSPOT_BASE_URL=(\S+)/.exec(out);
          if (m?.[1] && out.includes('HUBSPOT_ACCESS_TOKEN=')) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}: ${out}`)));
      });
      const headers = { Authorization: 'Bearer pat-emulator-0000' };
      const limited = await fetch(`${url}/account-info/2026-03/details`, { headers });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('4');
      expect(limited.headers.get('x-hubspot-ratelimit-max')).toBeNull();
      expect((await fetch(`${url}/crm/properties/2026-03/companies`, { headers })).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
