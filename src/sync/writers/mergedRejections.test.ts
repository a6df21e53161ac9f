// A merged operation that HubSpot refuses, against the stand-in answering both ways (a
// whole-batch 400, a 207 per input): only the records at fault get a verdict, the key is
// sent again merged from the others, and what HubSpot holds is the merge of those.
import { afterEach, describe, expect, it } from 'vitest';
import { catalogWith, startEmulator, type CatalogInput, type Emulator } from '../../../test/emulator/index.js';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import type { PropertyValues } from '../../core/types.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { RunTally } from '../../report/tally.js';
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

async function writers(wholeBatchErrors: boolean, catalog?: CatalogInput) {
  const clock = new VirtualClock();
  emulator = await startEmulator({ now: () => clock.now(), catalog, faults: { wholeBatchErrors } });
  const client = new HubSpotClient({ baseUrl: emulator.url, token: emulator.token, apiVersion: '2026-03' });
  const requester = new Requester({ client, options: { rate: 100, concurrency: 2, maxRetries: 2 }, tally: new RunTally(), budget: new DailyBudget({ kind: 'percent', value: 10 }), clock, random: () => 0.5 });
  const fatal = (error: unknown) => {
    throw error;
  };
  const contacts = new ContactWriter(requester, fatal, 1);
  const companies = new CompanyWriter(requester, new Map(), new CompanyMemory(), clock, { keyProperty: 'hubspot_sync_domain', maxRetries: 2, lingerMs: 1 }, fatal);
  return { emulator, contacts, companies };
}

/** Identifies of one contact, merged in one batch beside another contact's. */
async function identifies(contacts: ContactWriter, email: string, parts: PropertyValues[]) {
  const bystander = contacts.upsert({ op: 'contact.upsert', email: 'bob@example.com', properties: { firstname: 'Bob' } }, 0);
  const verdicts = await Promise.all(parts.map((properties, i) => contacts.upsert({ op: 'contact.upsert', email, properties }, i + 1)));
  expect(await bystander).toBeUndefined();
  return verdicts.map((verdict) => verdict && verdict.code);
}

const upserts = (e: Emulator, object = 'contacts') => e.requests().filter((r) => r.path.endsWith(`/${object}/batch/upsert`)).length;

describe.each([
  ['a 207 per input', false],
  ['a whole-batch 400', true],
])('rejections of a merged operation, HubSpot answering %s', (_how, wholeBatchErrors) => {
  it('an option HubSpot does not have: only the record that supplied it; the contact is created from the other two (2 requests)', async () => {
    const { emulator, contacts } = await writers(wholeBatchErrors);
    const verdicts = await identifies(contacts, 'ada@example.com', [{ firstname: 'Ada', plan_tier: 'pro' }, { plan_tier: 'gold' }, { lastname: 'Lovelace' }]);
    expect(verdicts).toEqual([undefined, 'HUBSPOT_REJECTED', undefined]);
    expect(emulator.snapshot().contacts['ada@example.com']).toMatchObject({ firstname: 'Ada', plan_tier: 'pro', lastname: 'Lovelace' });
    expect(emulator.snapshot().contacts['bob@example.com']).toMatchObject({ firstname: 'Bob' });
    // A 207 names ada; a 400 names plan_tier, which only ada holds, and bob is sent again apart.
    expect(upserts(emulator)).toBe(wholeBatchErrors ? 3 : 2);
  });

  it('a value a later record supersedes is never sent, so never refused: every record arrives (1 request)', async () => {
    const { emulator, contacts } = await writers(wholeBatchErrors);
    expect(await identifies(contacts, 'ada@example.com', [{ plan_tier: 'gold' }, { plan_tier: 'pro' }])).toEqual([undefined, undefined]);
    expect(emulator.snapshot().contacts['ada@example.com']).toMatchObject({ plan_tier: 'pro' });
    expect(upserts(emulator)).toBe(1);
  });

  it('a property HubSpot no longer has: every record that gave it a value, the rest arrive (2 requests)', async () => {
    const { emulator, contacts } = await writers(wholeBatchErrors, catalogWith((c) => {
      c.contacts.results = c.contacts.results.filter((p) => p.name !== 'plan_tier');
    }));
    const verdicts = await identifies(contacts, 'ada@example.com', [{ firstname: 'Ada', plan_tier: 'pro' }, { lastname: 'Lovelace' }, { plan_tier: 'free' }]);
    expect(verdicts).toEqual(['HUBSPOT_REJECTED', undefined, 'HUBSPOT_REJECTED']);
    expect(emulator.snapshot().contacts['ada@example.com']).toEqual({ email: 'ada@example.com', lastname: 'Lovelace' });
    expect(upserts(emulator)).toBe(wholeBatchErrors ? 3 : 2);
  });

  it('the key itself (an email HubSpot refuses): every record of it, no re-send (1 request)', async () => {
    const { emulator, contacts } = await writers(wholeBatchErrors);
    const verdicts = await identifies(contacts, 'ada@example.con', [{ firstname: 'Ada' }, { lastname: 'Lovelace' }, { plan_tier: 'pro' }]);
    expect(verdicts).toEqual(['HUBSPOT_REJECTED', 'HUBSPOT_REJECTED', 'HUBSPOT_REJECTED']);
    expect(Object.keys(emulator.snapshot().contacts)).toEqual(['bob@example.com']);
    // A 207 names it at once; a 400 names its email, and the rest is sent again.
    expect(upserts(emulator)).toBe(wholeBatchErrors ? 2 : 1);
  });

  it('a rejection that names nothing (a unique value another contact holds): found by halving the records', async () => {
    const { emulator, contacts } = await writers(wholeBatchErrors, catalogWith((c) => {
      const text = c.contacts.results.find((p) => p.name === 'firstname')!;
      c.contacts.results.push({ ...text, name: 'customer_number', label: 'Customer number', hasUniqueValue: true });
    }));
    emulator.seedContact('carol@example.com', { customer_number: '42' });
    const verdicts = await identifies(contacts, 'ada@example.com', [{ firstname: 'Ada' }, { customer_number: '42' }, { lastname: 'Lovelace' }]);
    expect(verdicts).toEqual([undefined, 'HUBSPOT_REJECTED', undefined]);
    expect(emulator.snapshot().contacts['ada@example.com']).toEqual({ email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });
    // The batch (409), then bob alone and ada alone (the batch halved), then ada's
    // records by halves ([1,2] refused, [1] arrives, [2] refused, [3] arrives), then ada
    // once more from the two that are left.
    expect(upserts(emulator)).toBe(8);
  });

  it('three group calls of one company, the second with an industry HubSpot does not have: created from the first and third (2 requests)', async () => {
    const { emulator, companies } = await writers(wholeBatchErrors);
    const verdicts = await Promise.all(
      ([{ name: 'Acme' }, { industry: 'Technology' }, { city: 'Paris' }] as PropertyValues[]).map((properties, i) => companies.upsert({ op: 'company.upsert', domain: 'acme.com', properties }, i)),
    );
    expect(verdicts.map((verdict) => verdict && verdict.code)).toEqual([undefined, 'HUBSPOT_REJECTED', undefined]);
    expect(verdicts[1]!.reason).toContain('Technology');
    const stored = Object.values(emulator.snapshot().companies);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ domain: 'acme.com', name: 'Acme', city: 'Paris' });
    expect(stored[0]!.industry).toBeUndefined();
    expect(upserts(emulator, 'companies')).toBe(2);
  });
});
