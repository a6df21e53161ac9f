// Creating the property plan against the stand-in: the batch create, a property that
// appeared meanwhile (409, read back and used as it is), --property-group, the scope.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../../test/emulator/index.js';
import { VirtualClock } from '../../../test/support/virtualClock.js';
import type { PlannedProperty, PropertyPlan } from '../../core/propertyPlan.js';
import { AuthError, UsageError } from '../../errors.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { RunTally } from '../../report/tally.js';
import { DailyBudget } from '../requests/dailyBudget.js';
import { createPlannedProperties } from './propertyCreator.js';
import { Requester } from '../requests/requester.js';

let emulator: Emulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setUp(token?: string, scopes?: string[]) {
  emulator = await startEmulator(token ? { tokens: { [token]: scopes ?? [] } } : {});
  const client = new HubSpotClient({ baseUrl: emulator.url, token: token ?? emulator.token });
  const requester = new Requester({ client, options: { rate: 100, concurrency: 2, maxRetries: 2 }, tally: new RunTally(), budget: new DailyBudget({ kind: 'percent', value: 10 }), clock: new VirtualClock(), random: () => 0.5 });
  return { emulator, requester };
}

const planned = (object: 'contact' | 'company', name: string, type: PlannedProperty['type'], fieldType: string): PlannedProperty => ({ object, name, type, fieldType, label: name, values: 1, creatable: true });
const planOf = (...properties: PlannedProperty[]): PropertyPlan => ({ properties, untracked: { contact: 0, company: 0 } });

async function createOne(em: Emulator, object: 'contacts' | 'companies', body: Record<string, unknown>): Promise<number> {
  const answer = await fetch(`${em.url}/crm/properties/2026-03/${object}/batch/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${em.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [body] }),
  });
  return answer.status;
}

describe('createPlannedProperties', () => {
  it('creates each object in its default group; a name created meanwhile is read back, never altered', async () => {
    const { emulator: em, requester } = await setUp();
    // Someone created `tier` as text while the run read its inputs.
    expect(await createOne(em, 'contacts', { name: 'tier', label: 'Tier', type: 'string', fieldType: 'text', groupName: 'contactinformation' })).toBe(201);
    const result = await createPlannedProperties(requester, planOf(planned('contact', 'tier', 'number', 'number'), planned('contact', 'active', 'bool', 'booleancheckbox'), planned('company', 'arr', 'number', 'number')), undefined);
    expect(result.created).toBe(2);
    expect(result.properties.contact.map((p) => [p.name, p.type, p.groupName])).toEqual(expect.arrayContaining([['tier', 'string', 'contactinformation'], ['active', 'bool', 'contactinformation']]));
    expect(result.properties.company.map((p) => [p.name, p.type, p.groupName])).toEqual([['arr', 'number', 'companyinformation']]);
    const statuses = em.requests().filter((r) => r.path.includes('/properties/')).map((r) => `${r.status} ${r.method} ${r.path}`);
    expect(statuses).toEqual([
      '201 POST /crm/properties/2026-03/contacts/batch/create',
      '409 POST /crm/properties/2026-03/contacts/batch/create',
      '200 GET /crm/properties/2026-03/contacts/tier',
      '201 POST /crm/properties/2026-03/contacts/batch/create',
      '201 POST /crm/properties/2026-03/companies/batch/create',
    ]);
  });

  it('--property-group must name an existing group', async () => {
    const { requester } = await setUp();
    await expect(createPlannedProperties(requester, planOf(planned('contact', 'active', 'bool', 'booleancheckbox')), 'segment_traits')).rejects.toThrow(UsageError);
    const made = await createPlannedProperties(requester, planOf(planned('contact', 'active', 'bool', 'booleancheckbox')), 'contactinformation');
    expect(made.properties.contact[0]?.groupName).toBe('contactinformation');
  });

  it('without the write scope: an AuthError naming it, nothing created', async () => {
    const { emulator: em, requester } = await setUp('pat-read-only', ['oauth', 'crm.schemas.contacts.read']);
    const failure = await createPlannedProperties(requester, planOf(planned('contact', 'active', 'bool', 'booleancheckbox')), undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as Error).message).toContain('crm.schemas.contacts.write');
    expect(em.requests().map((r) => r.status)).toEqual([403]);
  });
});
