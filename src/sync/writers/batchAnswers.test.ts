// Rejected inputs come back in the body of a batch answer: a 207 in 2026-03, a 200 or 201
// from 2026-09. The writers read them from the body whatever the status, so on both
// versions exactly the rejected inputs get a verdict and the rest arrive.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../../test/emulator/index.js';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { API_VERSIONS, type ApiVersion } from '../../hubspot/endpoints.js';
import { RunTally } from '../../report/tally.js';
import { AssociationWriter } from './associationWriter.js';
import { CompanyMemory } from '../../state/companyMemory.js';
import { CompanyWriter } from '../companies/companyWriter.js';
import { ContactWriter } from './contactWriter.js';
import { DailyBudget } from '../requests/dailyBudget.js';
import { Requester } from '../requests/requester.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** `keyProperty` null: no key property, companies are created on the safe path. */
async function writers(apiVersion: ApiVersion, keyProperty: string | null = 'hubspot_sync_domain') {
  const clock = new VirtualClock();
  emulator = await startEmulator({ now: () => clock.now() });
  const client = new HubSpotClient({ baseUrl: emulator.url, token: emulator.token, apiVersion });
  const requester = new Requester({ client, options: { rate: 100, concurrency: 2, maxRetries: 2 }, tally: new RunTally(), budget: new DailyBudget({ kind: 'percent', value: 10 }), clock, random: () => 0.5 });
  const fatal = (error: unknown) => {
    throw error;
  };
  const companyIds = new Map<string, string>();
  const contacts = new ContactWriter(requester, fatal, 1);
  const companies = new CompanyWriter(requester, companyIds, new CompanyMemory(), clock, { keyProperty: keyProperty ?? undefined, maxRetries: 2, lingerMs: 1 }, fatal);
  const associations = new AssociationWriter(requester, contacts, companies, fatal, 1);
  return { emulator, contacts, companies, companyIds, associations };
}

/** The statuses the stand-in answered on paths ending in `suffix`. */
const statuses = (e: Emulator, suffix: string) => e.requests().filter((r) => r.path.endsWith(suffix)).map((r) => r.status);

describe.each(API_VERSIONS)('rejected inputs in a batch answer, API version %s', (apiVersion) => {
  const partial = (usual: number) => (apiVersion === '2026-03' ? 207 : usual);

  it('contacts: only the rejected one gets a verdict', async () => {
    const { emulator, contacts } = await writers(apiVersion);
    const [good, bad] = await Promise.all([
      contacts.upsert({ op: 'contact.upsert', email: 'ada@example.com', properties: { firstname: 'Ada' } }, 0),
      contacts.upsert({ op: 'contact.upsert', email: 'bob@example.com', properties: { seats: 'lots' } }, 1),
    ]);
    expect(good).toBeUndefined();
    expect(bad).toMatchObject({ code: 'HUBSPOT_REJECTED', reason: expect.stringContaining('bob@example.com') });
    expect(bad!.reason).toContain('seats');
    expect(Object.keys(emulator.snapshot().contacts)).toEqual(['ada@example.com']);
    expect(statuses(emulator, '/contacts/batch/upsert')).toEqual([partial(200)]);
  });

  it.each([
    ['upserted by the key property', 'hubspot_sync_domain', '/companies/batch/upsert', 200],
    ['created on the safe path', null, '/companies/batch/create', 201],
  ] as const)('companies %s, and updated, with one rejected input each', async (_how, keyProperty, createPath, createStatus) => {
    const { emulator, companies, companyIds } = await writers(apiVersion, keyProperty);
    const [created, refused] = await Promise.all([
      companies.upsert({ op: 'company.upsert', domain: 'initech.com', properties: { name: 'Initech' } }, 0),
      companies.upsert({ op: 'company.upsert', domain: 'globex.com', properties: { numberofemployees: 'many' } }, 1),
    ]);
    expect(created).toBeUndefined();
    expect(refused).toMatchObject({ code: 'HUBSPOT_REJECTED', reason: expect.stringContaining('globex.com') });
    expect(companyIds.has('initech.com')).toBe(true);
    expect(statuses(emulator, createPath)).toEqual([partial(createStatus)]);

    emulator.seedCompany({ domain: 'acme.com', name: 'Acme' });
    const [updated, rejected] = await Promise.all([
      companies.upsert({ op: 'company.upsert', domain: 'initech.com', properties: { city: 'Austin' } }, 2),
      companies.upsert({ op: 'company.upsert', domain: 'acme.com', properties: { numberofemployees: 'lots' } }, 3),
    ]);
    expect(updated).toBeUndefined();
    expect(rejected).toMatchObject({ code: 'HUBSPOT_REJECTED', reason: expect.stringContaining('acme.com') });
    expect(emulator.snapshot().companies.map((c) => [c.domain, c.city])).toEqual([['acme.com', undefined], ['initech.com', 'Austin']]);
    expect(statuses(emulator, '/companies/batch/update')).toEqual([partial(200)]);
  });

  it('associations: an association with a company gone from HubSpot is rejected, the other made (a 200 in every version)', async () => {
    const { emulator, contacts, companies, companyIds, associations } = await writers(apiVersion);
    await contacts.upsert({ op: 'contact.upsert', email: 'ada@example.com', properties: {} }, 0);
    companyIds.set('initech.com', emulator.seedCompany({ domain: 'initech.com' }));
    // An id remembered from an earlier run, of a company deleted since.
    companyIds.set('gone.com', '987654');
    const [made, refused] = await Promise.all([
      associations.associate({ op: 'association', email: 'ada@example.com', domain: 'initech.com' }, 1),
      associations.associate({ op: 'association', email: 'ada@example.com', domain: 'gone.com' }, 2),
    ]);
    expect(made).toBeUndefined();
    expect(refused).toMatchObject({ code: 'HUBSPOT_REJECTED', reason: expect.stringContaining('987654') });
    expect(emulator.snapshot().associations).toEqual([['ada@example.com', 'initech.com']]);
    expect(statuses(emulator, '/batch/associate/default')).toEqual([200]);
    expect(companies.idFor('gone.com')).toBe('987654');
  });
});
