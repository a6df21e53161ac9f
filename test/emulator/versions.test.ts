// The stand-in serves HubSpot's dated versions 2026-03 and 2026-09 with their
// differences, refuses paths of the wrong family and the legacy ones with a 404, and
// logs every request it receives.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { ROUTES } from './server.js';
import { API_VERSIONS, familyRoot } from './versions.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON response bodies
type Json = any;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emulator = await startEmulator({ rateLimit: { searchPerSecond: 1000 }, ...options });
  return emulator;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${emulator!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${emulator!.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

const traced = (email: string, properties: Record<string, string>, trace: string) => ({ idProperty: 'email', id: email, objectWriteTraceId: trace, properties });

describe('the family roots of each version', () => {
  it('puts the version after each API name; custom events move under /events/custom from 2026-09', () => {
    expect(API_VERSIONS.map((v) => familyRoot('crm-objects', v))).toEqual(['/crm/objects/2026-03', '/crm/objects/2026-09']);
    expect(API_VERSIONS.map((v) => familyRoot('crm-associations', v))).toEqual(['/crm/associations/2026-03', '/crm/associations/2026-09']);
    expect(API_VERSIONS.map((v) => familyRoot('crm-properties', v))).toEqual(['/crm/properties/2026-03', '/crm/properties/2026-09']);
    expect(API_VERSIONS.map((v) => familyRoot('account-info', v))).toEqual(['/account-info/2026-03', '/account-info/2026-09']);
    expect(API_VERSIONS.map((v) => familyRoot('custom-events', v))).toEqual(['/events/2026-03', '/events/custom/2026-09']);
  });

  it('serves every route once in each version, and no legacy path', () => {
    for (const version of API_VERSIONS) {
      const routes = ROUTES.filter((r) => r.version === version);
      expect(routes.every((r) => r.path.includes(`/${version}/`)), version).toBe(true);
      expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
      expect(routes.length * API_VERSIONS.length).toBe(ROUTES.length);
    }
    expect(ROUTES.filter((r) => /\/v\d\//.test(r.path))).toEqual([]);
  });
});

describe.each(API_VERSIONS)('version %s', (version) => {
  const crm = `/crm/objects/${version}`;
  const events = version === '2026-03' ? '/events/2026-03' : '/events/custom/2026-09';
  // A batch with errors: 207 in 2026-03, the endpoint's usual status from 2026-09.
  const withErrors = (usual: number) => (version === '2026-03' ? 207 : usual);

  it('serves account details, the catalog and the CRM endpoints under its own paths', async () => {
    await start();
    expect((await call('GET', `/account-info/${version}/details`)).body.portalId).toBe(123456);
    expect((await call('GET', `/crm/properties/${version}/contacts`)).body.results.length).toBeGreaterThan(0);
    const upsert = await call('POST', `${crm}/contacts/batch/upsert`, { inputs: [traced('ada@example.com', { firstname: 'Ada' }, '0')] });
    expect(upsert.status).toBe(200);
    expect(upsert.body.results[0]).not.toHaveProperty('warnings');
    expect(emulator!.snapshot().contacts['ada@example.com']).toEqual({ email: 'ada@example.com', firstname: 'Ada' });
  });

  it(`answers a batch upsert with per-input errors with ${version === '2026-03' ? '207' : '200'}, numErrors and errors, the rest applied`, async () => {
    await start();
    const res = await call('POST', `${crm}/contacts/batch/upsert`, {
      inputs: [traced('ada@example.com', { firstname: 'Ada' }, '0'), traced('bob@example.com', { seats: 'lots' }, '1')],
    });
    expect(res.status).toBe(withErrors(200));
    expect(res.body.numErrors).toBe(1);
    expect(res.body.errors[0]).toMatchObject({ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['1'], propertyName: ['seats'] } });
    expect(res.body.results.map((r: Json) => r.properties.email)).toEqual(['ada@example.com']);
  });

  it('answers batch create, read and update with errors in the same way (create: 201 from 2026-09)', async () => {
    await start();
    const create = await call('POST', `${crm}/companies/batch/create`, {
      inputs: [{ objectWriteTraceId: '0', properties: { domain: 'initech.com' } }, { objectWriteTraceId: '1', properties: { numberofemployees: 'many' } }],
    });
    expect(create.status).toBe(withErrors(201));
    expect(create.body.numErrors).toBe(1);
    const read = await call('POST', `${crm}/contacts/batch/read`, { idProperty: 'email', properties: ['email'], propertiesWithHistory: [], inputs: [{ id: 'ghost@example.com' }] });
    expect(read.status).toBe(withErrors(200));
    expect(read.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['ghost@example.com'] } });
    const update = await call('POST', `${crm}/companies/batch/update`, { inputs: [{ id: '4242', properties: { name: 'Gone' } }] });
    expect(update.status).toBe(withErrors(200));
    expect(update.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['4242'] } });
  });

  it('answers association errors in a 200 in every version', async () => {
    await start();
    const res = await call('POST', `/crm/associations/${version}/contact/company/batch/associate/default`, { inputs: [{ from: { id: '1' }, to: { id: '2' } }] });
    expect(res.status).toBe(200);
    expect(res.body.numErrors).toBe(2);
  });

  it(`search: a requested property without a value is ${version === '2026-03' ? 'left out' : 'null'}`, async () => {
    await start();
    emulator!.seedCompany({ domain: 'initech.com', name: 'Initech' });
    const res = await call('POST', `${crm}/companies/search`, {
      filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: ['initech.com'] }] }],
      properties: ['domain', 'phone'],
      limit: 10,
    });
    expect(res.status).toBe(200);
    const properties = res.body.results[0].properties;
    expect(properties.domain).toBe('initech.com');
    if (version === '2026-03') expect(properties).not.toHaveProperty('phone');
    else expect(properties.phone).toBeNull();
  });

  it(`custom events live under ${events}: definitions, properties and sends`, async () => {
    await start();
    const definition = await call('POST', `${events}/event-definitions`, {
      name: 'signed_up', label: 'Signed up', primaryObject: 'CONTACT', includeDefaultProperties: true, propertyDefinitions: [{ name: 'plan', label: 'Plan', type: 'string' }],
    });
    expect(definition.status).toBe(201);
    expect((await call('POST', `${events}/event-definitions/signed_up/property`, { name: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    const list = await call('GET', `${events}/event-definitions?includeProperties=true`);
    expect(list.body.results.map((d: Json) => d.fullyQualifiedName)).toEqual(['pe123456_signed_up']);
    const send = await call('POST', `${events}/send/batch`, { inputs: [{ eventName: 'pe123456_signed_up', email: 'ada@example.com', uuid: 'u1', properties: { plan: 'pro', seats: '3' } }] });
    expect(send.status).toBe(204);
    expect(emulator!.snapshot().events).toHaveLength(1);
  });

  it('refuses with 404 the paths of the other version family and the legacy ones, and logs them', async () => {
    await start({ eventDefinitions: [{ name: 'signed_up', label: 'Signed up', propertyDefinitions: [] }] });
    const event = { inputs: [{ eventName: 'pe123456_signed_up', email: 'ada@example.com', properties: {} }] };
    const wrongFamily = version === '2026-03' ? `/events/custom/2026-03/send/batch` : `/events/2026-09/send/batch`;
    const refused = [
      ['POST', wrongFamily, event],
      ['POST', '/events/v3/send/batch', event],
      ['POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [traced('ada@example.com', {}, '0')] }],
      ['POST', '/crm/v4/associations/contact/company/batch/associate/default', { inputs: [] }],
      ['GET', '/crm/v3/properties/contacts', undefined],
      ['GET', '/account-info/v3/details', undefined],
      ['GET', `/crm/objects/${version}/contacts/batch/upsert`, undefined],
    ] as const;
    for (const [method, path, body] of refused) {
      const res = await call(method, path, body);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    }
    expect(emulator!.snapshot().events).toEqual([]);
    expect(emulator!.requests()).toEqual(refused.map(([method, path]) => ({ method, path, status: 404 })));
  });
});

describe('the request log', () => {
  it('records method, path (without query) and status of every API request, not the control endpoints', async () => {
    await start({ tokens: { 'read-only': ['crm.objects.contacts.read'] } });
    await call('GET', '/crm/properties/2026-09/contacts?archived=false');
    await call('POST', '/crm/objects/2026-09/contacts/batch/upsert', { inputs: [{ id: 'x' }] });
    await fetch(`${emulator!.url}/account-info/2026-09/details`);
    await fetch(`${emulator!.url}/_emulator/stats`);
    const expected = [
      { method: 'GET', path: '/crm/properties/2026-09/contacts', status: 200 },
      { method: 'POST', path: '/crm/objects/2026-09/contacts/batch/upsert', status: 400 },
      { method: 'GET', path: '/account-info/2026-09/details', status: 401 },
    ];
    expect(emulator!.requests()).toEqual(expected);
    expect(await (await fetch(`${emulator!.url}/_emulator/requests`)).json()).toEqual(expected);
    expect(emulator!.stats().requests.byEndpoint).toEqual({
      'GET /crm/properties/2026-09/contacts': 1,
      'POST /crm/objects/2026-09/contacts/batch/upsert': 1,
      'GET /account-info/2026-09/details': 1,
    });
  });

  it('marks requests whose connection was reset after they were applied', async () => {
    await start({ faults: { resetRate: 1 } });
    await expect(call('GET', '/account-info/2026-03/details')).rejects.toThrow();
    expect(emulator!.requests()).toEqual([{ method: 'GET', path: '/account-info/2026-03/details', status: 200, reset: true }]);
  });
});
