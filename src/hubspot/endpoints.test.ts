// The endpoint table in each API version: every path is a dated one of its family, custom
// events move in 2026-09, and no legacy path is left anywhere in the tool's source.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../test/emulator/index.js';
import { HubSpotClient } from './client.js';
import { API_VERSIONS, DEFAULT_API_VERSION, endpointLabel, endpointPath, ENDPOINTS, isApiVersion, type EndpointName } from './endpoints.js';

const NAMES = Object.keys(ENDPOINTS) as EndpointName[];

describe('endpoint paths', () => {
  it.each([
    ['accountDetails', '/account-info/2026-03/details', '/account-info/2026-09/details'],
    ['contactProperties', '/crm/properties/2026-03/contacts', '/crm/properties/2026-09/contacts'],
    ['companyProperties', '/crm/properties/2026-03/companies', '/crm/properties/2026-09/companies'],
    ['contactsUpsert', '/crm/objects/2026-03/contacts/batch/upsert', '/crm/objects/2026-09/contacts/batch/upsert'],
    ['contactsRead', '/crm/objects/2026-03/contacts/batch/read', '/crm/objects/2026-09/contacts/batch/read'],
    ['companiesSearch', '/crm/objects/2026-03/companies/search', '/crm/objects/2026-09/companies/search'],
    ['companiesCreate', '/crm/objects/2026-03/companies/batch/create', '/crm/objects/2026-09/companies/batch/create'],
    ['companiesUpdate', '/crm/objects/2026-03/companies/batch/update', '/crm/objects/2026-09/companies/batch/update'],
    ['associateDefault', '/crm/associations/2026-03/contact/company/batch/associate/default', '/crm/associations/2026-09/contact/company/batch/associate/default'],
    ['eventDefinitions', '/events/2026-03/event-definitions', '/events/custom/2026-09/event-definitions'],
    ['eventDefinitionCreate', '/events/2026-03/event-definitions', '/events/custom/2026-09/event-definitions'],
    ['eventPropertyCreate', '/events/2026-03/event-definitions/{eventName}/property', '/events/custom/2026-09/event-definitions/{eventName}/property'],
    ['eventsSend', '/events/2026-03/send/batch', '/events/custom/2026-09/send/batch'],
  ] as const)('%s: %s, %s', (name, march, september) => {
    expect(endpointPath(name, '2026-03')).toBe(march);
    expect(endpointPath(name, '2026-09')).toBe(september);
    expect(endpointLabel(name, '2026-09')).toBe(`${ENDPOINTS[name].method} ${september}`);
  });

  it('covers every endpoint of the table', () => {
    for (const version of API_VERSIONS) {
      for (const name of NAMES) expect(endpointPath(name, version), name).toMatch(new RegExp(`^/[a-z-]+(/[a-z]+)?/${version}/[a-z]`));
    }
  });

  it('knows the versions it speaks, 2026-03 by default', () => {
    expect(API_VERSIONS).toEqual(['2026-03', '2026-09']);
    expect(DEFAULT_API_VERSION).toBe('2026-03');
    expect(['2026-03', '2026-09', '2025-09', 'v3', ''].map(isApiVersion)).toEqual([true, true, false, false, false]);
  });
});

describe('no legacy path in the source', () => {
  it('names none of /crm/v3, /crm/v4, /events/v3 or /account-info/v3 in src/', async () => {
    const root = join(import.meta.dirname, '..');
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(50);
    const legacy = /\/(crm\/v[34]|events\/v3|account-info\/v3)\//;
    const offending: string[] = [];
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (legacy.test(line)) offending.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });
});

describe('the client', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it.each(API_VERSIONS)('sends every request of %s to that version, path parameters filled in', async (version) => {
    emulator = await startEmulator({ eventDefinitions: [{ name: 'signed_up', label: 'Signed up' }] });
    const client = new HubSpotClient({ baseUrl: emulator.url, token: emulator.token, apiVersion: version });
    expect(client.label('eventsSend')).toBe(endpointLabel('eventsSend', version));
    await client.send('accountDetails');
    await client.send('eventPropertyCreate', { pathParams: { eventName: 'signed_up' }, body: { name: 'plan', label: 'Plan', type: 'string' } });
    expect(emulator.requests()).toEqual([
      { method: 'GET', path: endpointPath('accountDetails', version), status: 200 },
      { method: 'POST', path: endpointPath('eventPropertyCreate', version).replace('{eventName}', 'signed_up'), status: 201 },
    ]);
  });

  it('uses 2026-03 when no version is given', () => {
    expect(new HubSpotClient({ baseUrl: 'https://api.hubapi.com', token: 't' }).apiVersion).toBe('2026-03');
  });
});
