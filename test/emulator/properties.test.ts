// The stand-in's property creation and groups: HubSpot's checks on a batch create.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.js';

const READ_ONLY = 'pat-schemas-read';
let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ tokens: { [READ_ONLY]: ['crm.schemas.contacts.read', 'crm.schemas.companies.read'] } });
});

afterEach(async () => {
  await emulator.close();
});

async function call(method: string, path: string, body?: unknown, token = emulator.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

const CREATE = '/crm/properties/2026-09/contacts/batch/create';
const seats = { name: 'seats_total', label: 'Seats', type: 'number', fieldType: 'number', groupName: 'contactinformation' };

describe('POST /crm/properties/{version}/{object}/batch/create', () => {
  it('creates every input, 201 with the results, and the catalog lists them', async () => {
    const created = await call('POST', CREATE, { inputs: [seats, { name: 'active', label: 'Active', type: 'bool', fieldType: 'booleancheckbox', groupName: 'contactinformation', options: [{ label: 'True', value: 'true' }, { label: 'False', value: 'false' }] }] });
    expect(created.status).toBe(201);
    expect((created.body.results as Array<{ name: string }>).map((p) => p.name)).toEqual(['seats_total', 'active']);
    const catalog = await call('GET', '/crm/properties/2026-09/contacts');
    expect((catalog.body.results as Array<{ name: string; type: string }>).find((p) => p.name === 'seats_total')?.type).toBe('number');
  });

  it.each([
    ['a required field missing', { ...seats, label: undefined }, 400, 'inputs[1].label is required'],
    ['a type HubSpot does not know', { ...seats, type: 'integer' }, 400, 'Invalid type integer'],
    ['a field type that does not go with the type', { ...seats, fieldType: 'text' }, 400, 'Field type text is not valid for a property of type number'],
    ['a name starting with a digit', { ...seats, name: '2fa' }, 400, 'Property name 2fa is invalid'],
    ['an hs_ name', { ...seats, name: 'hs_score' }, 400, 'reserved for HubSpot'],
    ['a group that does not exist', { ...seats, groupName: 'nowhere' }, 400, 'Property group nowhere does not exist'],
    ['a bool without options', { ...seats, type: 'bool', fieldType: 'booleancheckbox' }, 400, 'needs "options"'],
    ['an existing name', { ...seats, name: 'firstname', type: 'string', fieldType: 'text' }, 409, "Property named 'firstname' already exists"],
  ])('refuses the whole batch for %s', async (_what, input, status, message) => {
    const answer = await call('POST', CREATE, { inputs: [{ ...seats, name: 'fine_one' }, input] });
    expect(answer.status).toBe(status);
    expect(answer.body.message).toContain(message);
    const catalog = await call('GET', '/crm/properties/2026-09/contacts');
    expect((catalog.body.results as Array<{ name: string }>).some((p) => p.name === 'fine_one')).toBe(false);
  });

  it('needs the schema write scope', async () => {
    const answer = await call('POST', CREATE, { inputs: [seats] }, READ_ONLY);
    expect(answer.status).toBe(403);
    expect(JSON.stringify(answer.body)).toContain('crm.schemas.contacts.write');
  });
});

describe('property groups', () => {
  it('lists the default group, creates one, and a property may then use it', async () => {
    const listed = await call('GET', '/crm/properties/2026-03/companies/groups');
    expect((listed.body.results as Array<{ name: string }>).map((g) => g.name)).toContain('companyinformation');
    expect((await call('POST', '/crm/properties/2026-03/companies/groups', { name: 'segment_traits', label: 'Segment traits' })).status).toBe(201);
    expect((await call('POST', '/crm/properties/2026-03/companies/groups', { name: 'segment_traits', label: 'Again' })).status).toBe(409);
    const created = await call('POST', '/crm/properties/2026-03/companies/batch/create', { inputs: [{ ...seats, groupName: 'segment_traits' }] });
    expect(created.status).toBe(201);
  });

  it('reads one contact property, 404 for an unknown one', async () => {
    expect((await call('GET', '/crm/properties/2026-03/contacts/firstname')).body.name).toBe('firstname');
    expect((await call('GET', '/crm/properties/2026-03/contacts/nothing_here')).status).toBe(404);
  });
});
