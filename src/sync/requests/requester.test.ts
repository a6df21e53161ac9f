// The requester against the HubSpot stand-in, both on one virtual clock: rate windows,
// back-off and 429 pauses are exercised without waiting on wall time.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../test/emulator/index.js';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import { AuthError, PauseError } from '../../errors.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { HubSpotApiError, UnreadableAnswerError } from '../../hubspot/errors.js';
import { RunTally } from '../../report/tally.js';
import { DailyBudget, type Reserve } from './dailyBudget.js';
import { Requester } from './requester.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Setup {
  token?: string;
  rate?: number;
  maxRetries?: number;
  reserve?: Reserve;
}

async function setup(options: EmulatorOptions = {}, { token, rate = 100, maxRetries = 3, reserve = { kind: 'percent', value: 10 } }: Setup = {}) {
  const clock = new VirtualClock();
  emulator = await startEmulator({ ...options, now: () => clock.now() });
  const tally = new RunTally();
  const budget = new DailyBudget(reserve);
  const client = new HubSpotClient({ baseUrl: emulator.url, token: token ?? emulator.token });
  const requester = new Requester({ client, options: { rate, concurrency: 2, maxRetries }, tally, budget, clock, random: () => 0.5 });
  return { clock, tally, budget, requester, emulator };
}

const upsert = (email: string) => ({ body: { inputs: [{ idProperty: 'email', id: email, objectWriteTraceId: '0', properties: { firstname: 'A' } }] } });

describe('Requester', () => {
  it('retries server errors with back-off and counts the retries', async () => {
    const { requester, tally, clock, emulator } = await setup({ faults: { seed: 3, errorRate: 0.5 } }, { maxRetries: 10 });
    for (let i = 0; i < 8; i++) await requester.send('contactsUpsert', upsert(`a${i}@example.com`));
    expect(Object.keys(emulator.snapshot().contacts)).toHaveLength(8);
    expect(emulator.stats().faults.errors).toBeGreaterThan(0);
    expect(tally.data.requests.retried).toBe(emulator.stats().faults.errors);
    expect(tally.data.requests.total).toBe(8 + emulator.stats().faults.errors);
    expect(clock.slept.some((ms) => ms >= 500)).toBe(true);
  });

  it('pauses (never fails or dead-letters) when HubSpot stays unavailable through every retry', async () => {
    const { requester, emulator } = await setup({ faults: { errorRate: 1 } }, { maxRetries: 3 });
    await expect(requester.send('contactsUpsert', upsert('a@example.com'))).rejects.toBeInstanceOf(PauseError);
    expect(emulator.stats().requests.total).toBe(4);
  });

  it('treats a connection reset as retryable, and can leave the retry to the caller', async () => {
    const { requester, emulator } = await setup({ faults: { resetRate: 1 } }, { maxRetries: 2 });
    await expect(requester.send('contactsUpsert', upsert('a@example.com'))).rejects.toBeInstanceOf(PauseError);
    expect(emulator.stats().requests.total).toBe(3);
    emulator.setFaults({ resetRate: 1 });
    await expect(requester.send('companiesCreate', { body: { inputs: [] } }, { retryAmbiguous: false })).rejects.toThrow(/without an answer/);
  });

  it('stops at once on a wrong token with advice, and never echoes the token', async () => {
    const { requester, emulator } = await setup({}, { token: 'pat-wrong-secret' });
    const error = await requester.send('accountDetails').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('--token');
    expect((error as Error).message).not.toContain('pat-wrong-secret');
    expect(emulator.stats().requests.total).toBe(1);
  });

  it('names the missing scope on a 403', async () => {
    const { requester } = await setup({ tokens: { 'read-only': ['crm.objects.contacts.read'] } }, { token: 'read-only' });
    const error = await requester.send('contactsUpsert', upsert('a@example.com')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('crm.objects.contacts.write');
  });

  it("slows to HubSpot's X-HubSpot-RateLimit-Max when it is below --rate: no 429", async () => {
    const { requester, emulator } = await setup({ rateLimit: { perTenSeconds: 3 } }, { rate: 100 });
    for (let i = 0; i < 10; i++) await requester.send('contactsUpsert', upsert(`r${i}@example.com`));
    expect(emulator.stats().rateLimited).toBe(0);
    expect(emulator.stats().maxInTenSeconds).toBe(3);
  });

  it('lets association requests through while ten-secondly ones wait for their full window', async () => {
    const { requester } = await setup({ rateLimit: { perTenSeconds: 2 } }, { rate: 2 });
    const finished: string[] = [];
    const sends = [1, 2, 3, 4, 5].map((i) => requester.send('contactsUpsert', upsert(`w${i}@example.com`)).then(() => finished.push(`contact ${i}`)));
    // Associations have a window of their own with room: waiting contacts must not hold
    // every concurrency slot in front of them.
    sends.push(requester.send('associateDefault', { body: { inputs: [] } }).then(() => finished.push('association')));
    await Promise.all(sends);
    expect(finished.indexOf('association')).toBeLessThan(finished.indexOf('contact 4'));
  });

  it('waits out a 429 when someone else spent the window, then succeeds', async () => {
    const { requester, tally, emulator } = await setup({ rateLimit: { perTenSeconds: 2 } });
    await requester.send('contactsUpsert', upsert('first@example.com'));
    // Another client of the same app takes the last slot.
    await fetch(`${emulator.url}/crm/objects/2026-03/contacts/batch/read`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ idProperty: 'email', properties: [], propertiesWithHistory: [], inputs: [] }),
    });
    await requester.send('contactsUpsert', upsert('second@example.com'));
    expect(tally.data.requests.rateLimited).toBe(1);
    expect(emulator.snapshot().contacts['second@example.com']).toBeDefined();
  });

  it('pauses before sending once the daily remaining is down to the reserve', async () => {
    const { requester, budget, emulator } = await setup({ rateLimit: { daily: 20 } }, { reserve: { kind: 'percent', value: 50 } });
    for (let i = 0; i < 10; i++) await requester.send('contactsUpsert', upsert(`a${i}@example.com`));
    expect(budget.exhausted).toContain('10 remaining');
    await expect(requester.send('contactsUpsert', upsert('late@example.com'))).rejects.toBeInstanceOf(PauseError);
    expect(emulator.stats().requests.total).toBe(10);
  });

  it("pauses on a DAILY 429 when other integrations spent the portal's day", async () => {
    const { requester, emulator } = await setup({ rateLimit: { daily: 2 } }, { reserve: { kind: 'requests', value: 0 } });
    await requester.send('contactsUpsert', upsert('a@example.com'));
    await fetch(`${emulator.url}/crm/properties/2026-03/contacts`, { headers: { authorization: `Bearer ${emulator.token}` } });
    const error = await requester.send('contactsUpsert', upsert('b@example.com')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PauseError);
    expect((error as Error).message).toContain('daily limit');
    expect(emulator.stats().rateLimitedByPolicy.DAILY).toBe(1);
  });
});

describe('Requester against an unpleasant HubSpot', () => {
  it('waits what Retry-After says on a 429, not its own 10 s', async () => {
    const { requester, tally, clock, emulator } = await setup({ faults: { seed: 2, rateLimitRate: 0.5, retryAfterSeconds: 7 } });
    for (let i = 0; i < 6; i++) await requester.send('contactsUpsert', upsert(`a${i}@example.com`));
    const limited = emulator.stats().faults.rateLimited;
    expect(limited).toBeGreaterThan(0);
    expect(tally.data.requests.rateLimited).toBe(limited);
    expect(clock.slept.filter((ms) => ms > 0)).toEqual(Array<number>(limited).fill(7000));
    expect(Object.keys(emulator.snapshot().contacts)).toHaveLength(6);
  });

  it('without Retry-After, a ten-secondly 429 waits the window', async () => {
    const { requester, clock, emulator } = await setup({ faults: { seed: 2, rateLimitRate: 0.5 } });
    for (let i = 0; i < 6; i++) await requester.send('contactsUpsert', upsert(`a${i}@example.com`));
    expect(clock.slept.filter((ms) => ms > 0)).toEqual(Array<number>(emulator.stats().faults.rateLimited).fill(10_000));
  });

  it('backs off at least 2 s on a 423, and retries it even for a create (a 423 was not applied)', async () => {
    const { requester, clock, emulator } = await setup({ faults: { seed: 5, lockedRate: 0.6 } }, { maxRetries: 10 });
    for (let i = 0; i < 4; i++) await requester.send('contactsUpsert', upsert(`l${i}@example.com`));
    await requester.send('companiesCreate', { body: { inputs: [{ properties: { domain: 'acme.com' } }] } }, { retryAmbiguous: false });
    expect(emulator.stats().faults.locked).toBeGreaterThan(0);
    expect(clock.slept.filter((ms) => ms > 0).every((ms) => ms >= 2000)).toBe(true);
    expect(clock.slept.filter((ms) => ms > 0)).toHaveLength(emulator.stats().faults.locked);
    expect(emulator.snapshot().companies).toEqual([{ domain: 'acme.com' }]);
  });

  it("retries a proxy's HTML error page as a transient failure, and says so in one line", async () => {
    const { requester, emulator } = await setup({ faults: { htmlErrorRate: 1 } }, { maxRetries: 2 });
    const error = await requester.send('contactsUpsert', upsert('h@example.com')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PauseError);
    expect((error as Error).message).toMatch(/answered 50[23]: an HTML page "50[23] [^"]+", likely from a proxy in front of HubSpot/);
    expect((error as Error).message).not.toContain('<');
    expect(emulator.stats().requests.total).toBe(3);
    emulator.setFaults({ htmlErrorRate: 0.3, seed: 3 });
    for (let i = 0; i < 4; i++) await requester.send('contactsUpsert', upsert(`h${i}@example.com`));
    expect(Object.keys(emulator.snapshot().contacts)).toHaveLength(4);
    expect(emulator.stats().faults.html).toBeGreaterThan(3);
  });

  it('never takes a 200 whose body is not JSON as an answer: retried, or handed back as possibly applied', async () => {
    const { requester, tally, emulator } = await setup({ faults: { badJsonRate: 1 } }, { maxRetries: 2 });
    const error = await requester.send('contactsUpsert', upsert('b@example.com')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PauseError);
    expect((error as Error).message).toContain('answered 200 with a body that is not JSON');
    expect(tally.data.requests.retried).toBe(2);
    const create = await requester.send('companiesCreate', { body: { inputs: [{ properties: { domain: 'acme.com' } }] } }, { retryAmbiguous: false }).catch((e: unknown) => e);
    expect(create).toBeInstanceOf(UnreadableAnswerError);
    // It was applied: that is why a create cannot simply be sent again.
    expect(emulator.snapshot().companies).toEqual([{ domain: 'acme.com' }]);
    emulator.setFaults({ badJsonRate: 0.5, seed: 9 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await requester.send<{ results: unknown[] }>('contactsUpsert', upsert(`j${i}@example.com`))).body.results.length);
    expect(answers).toEqual([1, 1, 1, 1]);
    expect(emulator.stats().faults.badJson).toBeGreaterThan(2);
  });

  it('keeps its own pace when answers carry no rate-limit headers: no 429', async () => {
    const { requester, emulator } = await setup({ rateLimit: { perTenSeconds: 3 }, faults: { omitRateLimitHeaders: true } }, { rate: 3 });
    for (let i = 0; i < 10; i++) await requester.send('contactsUpsert', upsert(`p${i}@example.com`));
    expect(emulator.stats().rateLimited).toBe(0);
    expect(emulator.stats().maxInTenSeconds).toBe(3);
  });

  it('hands a 403 back as it is when the caller has another way (authFatal: false)', async () => {
    const { requester } = await setup({ tokens: { objects: ['crm.objects.companies.read'] } }, { token: 'objects' });
    const error = await requester
      .send('companyPropertyCreate', { body: { name: 'x', label: 'x', type: 'string', fieldType: 'text', groupName: 'companyinformation' } }, { authFatal: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect((error as HubSpotApiError).status).toBe(403);
  });
});

describe('Requester at a tenth of the time (the test settings HUBSPOT_SYNC_RATE_WINDOW_MS and HUBSPOT_SYNC_BACKOFF_MS)', () => {
  async function scaled(options: EmulatorOptions, rate = 2) {
    const clock = new VirtualClock();
    emulator = await startEmulator({ ...options, now: () => clock.now() });
    const tally = new RunTally();
    const client = new HubSpotClient({ baseUrl: emulator.url, token: emulator.token });
    const requester = new Requester({
      client,
      options: { rate, concurrency: 2, maxRetries: 10, rateWindowMs: 1000, backoffMs: 100, maxBackoffMs: 6000 },
      tally,
      budget: new DailyBudget({ kind: 'percent', value: 10 }),
      clock,
      random: () => 0.5,
    });
    return { clock, requester, emulator, start: clock.now() };
  }

  it("paces to a 1 s window as it does to HubSpot's 10 s one: full windows, no 429", async () => {
    const { clock, requester, emulator, start } = await scaled({ rateLimit: { perTenSeconds: 2, windowMs: 1000 } });
    for (let i = 0; i < 6; i++) await requester.send('contactsUpsert', upsert(`s${i}@example.com`));
    expect(emulator.stats().rateLimited).toBe(0);
    expect(emulator.stats().maxInTenSeconds).toBe(2);
    // Six requests, two per window: two windows waited out, each of 1 s (and the margin).
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
    expect(clock.now() - start).toBeLessThan(3000);
  });

  it('backs off from 100 ms, doubling, with the same jitter', async () => {
    const { clock, requester } = await scaled({ faults: { errorRate: 1 } }, 100);
    await expect(requester.send('contactsUpsert', upsert('a@example.com'))).rejects.toBeInstanceOf(PauseError);
    // Half the step plus half of it times the jitter (0.5): 75 % of 100, 200, 400, ... up to 6 s.
    expect(clock.slept.filter((ms) => ms > 0)).toEqual([75, 150, 300, 600, 1200, 2400, 4500, 4500, 4500, 4500]);
  });
});
