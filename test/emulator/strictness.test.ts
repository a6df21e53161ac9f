// The stand-in refuses what HubSpot refuses in hostile records (exponent numbers, control
// characters in emails, over-long text) and can revoke a token while a run is under way.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON response bodies
type Json = any;

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function emulator(): Promise<Emulator> {
  const e = await startEmulator();
  running.push(e);
  return e;
}

async function call(e: Emulator, method: string, path: string, body?: unknown, token: string | null = e.token): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(e.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

const UPSERT = '/crm/objects/2026-03/contacts/batch/upsert';
const upsert = (e: Emulator, email: string, properties: Record<string, unknown>, token?: string) =>
  call(e, 'POST', UPSERT, { inputs: [{ idProperty: 'email', id: email, properties }] }, token);
const details = (e: Emulator, token?: string) => call(e, 'GET', '/account-info/2026-03/details', undefined, token);

describe('values HubSpot refuses', () => {
  it.each([
    ['1e+21', 'INVALID_LONG'],
    ['1e21', 'INVALID_LONG'],
    ['1e-7', 'INVALID_LONG'],
    ['1.5e+300', 'INVALID_DECIMAL'],
  ])('a number property refuses the exponent form %s (the whole batch)', async (value, code) => {
    const e = await emulator();
    const res = await upsert(e, 'ada@example.com', { seats: value });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code, context: { propertyName: ['seats'] } });
    expect(e.state.contacts.size).toBe(0);
  });

  it('a number property refuses a JSON number that prints in exponent form, and takes the plain decimals', async () => {
    const e = await emulator();
    expect((await upsert(e, 'ada@example.com', { seats: 1e21 })).status).toBe(400);
    expect((await upsert(e, 'ada@example.com', { seats: '1000000000000000000000' })).status).toBe(200);
    expect((await upsert(e, 'bob@example.com', { seats: '0.0000001' })).status).toBe(200);
    expect(e.state.contacts.get('ada@example.com')?.properties.seats).toBe('1000000000000000000000');
  });

  it('an event number property refuses 1e+21', async () => {
    const e = await emulator();
    const def = { name: 'paid', label: 'Paid', primaryObject: 'CONTACT', includeDefaultProperties: true, propertyDefinitions: [{ name: 'amount', label: 'Amount', type: 'number' }] };
    expect((await call(e, 'POST', '/events/2026-03/event-definitions', def)).status).toBe(201);
    const send = (amount: unknown) => call(e, 'POST', '/events/2026-03/send', { eventName: 'pe123456_paid', email: 'ada@example.com', properties: { amount } });
    expect((await send('1e+21')).body.errors[0]).toMatchObject({ code: 'INVALID_NUMBER' });
    expect((await send('1000000000000000000000')).status).toBe(204);
  });

  it.each(['ad\u0000a@example.com', 'ada\u0007@example.com', 'ada@exa\u001fmple.com'])('an email with a control character is invalid: %j', async (email) => {
    const e = await emulator();
    const res = await upsert(e, email, {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('INVALID_EMAIL');
  });

  it('a text longer than 65,536 characters is refused', async () => {
    const e = await emulator();
    expect((await upsert(e, 'ada@example.com', { firstname: 'x'.repeat(65_537) })).body.errors[0]).toMatchObject({ code: 'INVALID_STRING' });
    expect((await upsert(e, 'ada@example.com', { firstname: 'x'.repeat(65_536) })).status).toBe(200);
  });
});

describe('a token revoked while a run is under way', () => {
  it('revoked at once: 401 INVALID_AUTHENTICATION from then on; a granted token works', async () => {
    const e = await emulator();
    expect((await details(e)).status).toBe(200);
    e.setTokens({ revoke: e.token });
    const refused = await details(e);
    expect(refused.status).toBe(401);
    expect(refused.body.category).toBe('INVALID_AUTHENTICATION');
    e.setTokens({ grant: 'pat-new' });
    expect((await details(e, 'pat-new')).status).toBe(200);
  });

  it('revoked after so many more requests, through the control endpoint', async () => {
    const e = await emulator();
    const control = await fetch(`${e.url}/_emulator/tokens`, { method: 'POST', body: JSON.stringify({ revoke: e.token, afterRequests: 3 }) });
    expect(control.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await details(e)).status);
    expect(statuses).toEqual([200, 200, 200, 401, 401]);
  });

  it('the control endpoint refuses a body that names no token', async () => {
    const e = await emulator();
    const res = await fetch(`${e.url}/_emulator/tokens`, { method: 'POST', body: JSON.stringify({ afterRequests: 3 }) });
    expect(res.status).toBe(400);
    expect((await details(e)).status).toBe(200);
  });
});
