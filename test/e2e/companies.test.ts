// Companies end to end: the built CLI against a stand-in whose search lags by seconds (run
// at a tenth of the time) and whose answers get lost after HubSpot applied the request.
// Whatever happens, HubSpot ends with exactly one company per domain, and every group is
// delivered.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.js';
import type { RunReport } from '../../src/report/tally.js';
import { tempDir } from '../support/cli.js';
import { companyCalls, writeNdjson } from '../support/corpus.js';
import { testLiveRun } from '../support/emulatorRun.js';

const CREATE = 'POST /crm/objects/2026-03/companies/batch/create';
const UPSERT = 'POST /crm/objects/2026-03/companies/batch/upsert';
const UPDATE = 'POST /crm/objects/2026-03/companies/batch/update';
const SEARCH = 'POST /crm/objects/2026-03/companies/search';
const COMPANY_WRITES = [CREATE, UPSERT, UPDATE, SEARCH];
/**
 * The lags below are HubSpot's, in seconds; the stand-in and the CLI run them at a tenth of
 * the time, back-off and rate window included, so each lag still outlasts the same steps.
 */
const TIME_SCALE = 0.1;

/** domain → how many companies HubSpot holds with it as their domain. */
function perDomain(e: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const company of e.state.companies.values()) {
    const domain = company.properties.domain ?? '(none)';
    counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return counts;
}

function expectOnePerDomain(e: Emulator, domains: readonly string[]): void {
  const counts = perDomain(e);
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  expect([...counts.keys()].sort()).toEqual([...domains].sort());
}

async function report(path: string): Promise<RunReport> {
  return JSON.parse(await readFile(path, 'utf8')) as RunReport;
}

describe('one company per domain, whatever the lag', () => {
  it('search 6 s behind, company answers lost after HubSpot applied them, 5xx too: one company per domain, exit 0', async () => {
    // Faults on the company endpoints, drawn in their order alone: the first company
    // write is cut off after it was applied, which is what made duplicates before.
    const run = await testLiveRun({ timeScale: TIME_SCALE, searchLagMs: 6000, faults: { seed: 3, resetRate: 0.3, errorRate: 0.1, endpoints: COMPANY_WRITES } });
    const dir = await tempDir();
    const { calls, domains } = companyCalls(160, { groupsPerDomain: 3 });
    const input = await writeNdjson(dir, 'groups.ndjson', calls);
    const result = await run.replay([input, '--report', join(dir, 'report.json')]);
    expect(result.code, result.stderr).toBe(0);
    const stats = run.emulator.stats();
    expect(stats.faults.resets).toBeGreaterThan(0);
    expectOnePerDomain(run.emulator, domains);
    const summary = await report(join(dir, 'report.json'));
    expect(summary.counts).toEqual({ read: calls.length, delivered: calls.length, skipped: 0, deadLettered: 0 });
    // Created by upsert on the unique key; the key was made once.
    expect(stats.requests.byEndpoint[CREATE]).toBeUndefined();
    expect(stats.requests.byEndpoint['POST /crm/properties/2026-03/companies']).toBe(1);
    expect(result.stderr).toContain('Created the company property hubspot_sync_domain');
    // Every group's user is associated with its one company.
    expect(run.emulator.snapshot().associations).toHaveLength(calls.length / 2);
  });

  it('without the schema scope (the safe path): creates are never repeated while search lags, one company per domain', async () => {
    const limited = 'pat-no-schema-write';
    const run = await testLiveRun({
      timeScale: TIME_SCALE,
      searchLagMs: 5000,
      tokens: { [limited]: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.contacts.read', 'crm.schemas.companies.read', 'analytics.behavioral_events.send', 'behavioral_events.event_definitions.read_write'] },
      faults: { seed: 2, resetRate: 0.4, endpoints: [CREATE] },
    });
    const dir = await tempDir();
    const { calls, domains } = companyCalls(150, { groupsPerDomain: 2 });
    const input = await writeNdjson(dir, 'groups.ndjson', calls);
    const result = await run.replay([input], { env: { HUBSPOT_ACCESS_TOKEN: limited } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('lacks the scope crm.schemas.companies.write');
    expect(run.emulator.stats().faults.resets).toBeGreaterThan(0);
    expectOnePerDomain(run.emulator, domains);
    expect(run.emulator.stats().requests.byEndpoint[UPSERT]).toBeUndefined();
  });

  it('the safe path pauses (exit 75) when HubSpot cannot confirm a lost create yet; the next run searches first and finds it', async () => {
    const run = await testLiveRun({ timeScale: TIME_SCALE, searchLagMs: 4000, faults: { resetRate: 1, endpoints: [CREATE] } });
    const dir = await tempDir();
    const { calls, domains } = companyCalls(5, { groupsPerDomain: 1 });
    const input = await writeNdjson(dir, 'groups.ndjson', calls);
    const first = await run.replay([input, '--company-key', 'none', '--max-retries', '0', '--report', join(dir, 'first.json')]);
    expect(first.code, first.stderr).toBe(75);
    expect(first.stderr).toMatch(/5 companies \(.+\) may have been created by a request that got no answer/);
    expect((await report(join(dir, 'first.json'))).status).toBe('paused');
    const memory = JSON.parse(await readFile(join(run.stateDir, 'companies.json'), 'utf8')) as { unconfirmed: Record<string, number> };
    expect(Object.keys(memory.unconfirmed).sort()).toEqual([...domains].sort());

    run.emulator.setFaults({});
    const second = await run.replay([input, '--company-key', 'none', '--report', join(dir, 'second.json')]);
    expect(second.code, second.stderr).toBe(0);
    expect(run.emulator.stats().requests.byEndpoint[CREATE]).toBe(1);
    expectOnePerDomain(run.emulator, domains);
    expect((await report(join(dir, 'second.json'))).counts).toMatchObject({ read: calls.length, delivered: calls.length });
    const after = JSON.parse(await readFile(join(run.stateDir, 'companies.json'), 'utf8')) as { unconfirmed: Record<string, number> };
    expect(after.unconfirmed).toEqual({});
  });

  it('companies deleted or merged in HubSpot between runs: the cached ids are dropped and the domains resolved again', async () => {
    const run = await testLiveRun({ timeScale: TIME_SCALE });
    const dir = await tempDir();
    const group = (domain: string, n: number, traits: Record<string, unknown>) => [
      { type: 'identify', messageId: `id-${domain}-${n}`, userId: `u-${domain}-${n}`, traits: { email: `u${n}@${domain}` } },
      { type: 'group', messageId: `gr-${domain}-${n}`, userId: `u-${domain}-${n}`, groupId: domain, traits: { website: domain, ...traits } },
    ];
    const first = await writeNdjson(dir, 'first.ndjson', ['acme.com', 'globex.com', 'initech.com'].flatMap((d) => group(d, 1, { name: d })));
    expect((await run.replay([first])).code).toBe(0);
    const id = (domain: string) => [...run.emulator.state.companies.values()].find((c) => c.properties.domain === domain)!.id;
    const [acme, globex, initech] = [id('acme.com'), id('globex.com'), id('initech.com')];
    // A user deletes Acme and merges Globex into Initech, through the stand-in's controls.
    const control = (path: string, body: unknown) => fetch(`${run.emulator.url}/_emulator/companies/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await control('delete', { id: acme })).status).toBe(200);
    expect((await control('merge', { primaryObjectId: initech, objectIdToMerge: globex })).status).toBe(200);
    await indexShows(run.emulator, 'globex.com');

    const second = await writeNdjson(dir, 'second.ndjson', ['acme.com', 'globex.com'].flatMap((d) => group(d, 2, { city: 'Austin' })));
    const result = await run.replay([second, '--report', join(dir, 'second.json')]);
    expect(result.code, result.stderr).toBe(0);
    expect((await report(join(dir, 'second.json'))).counts).toEqual({ read: 4, delivered: 4, skipped: 0, deadLettered: 0 });
    const companies = [...run.emulator.state.companies.values()].map((c) => c.properties);
    expect(companies.map((p) => [p.domain, p.city ?? null, p.hs_additional_domains ?? null]).sort()).toEqual([
      ['acme.com', 'Austin', null], // a new company: the old one is gone
      ['initech.com', 'Austin', 'globex.com'], // Globex's group lands on the company it was merged into
    ]);
    expect(id('acme.com')).not.toBe(acme);
    expect(run.emulator.snapshot().associations).toEqual(expect.arrayContaining([['u2@acme.com', 'acme.com'], ['u2@globex.com', 'initech.com']]));
  });
});

/** Waits (bounded) until HubSpot's lagging index shows the merge: "between runs" means after it caught up. */
async function indexShows(e: Emulator, additionalDomain: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${e.url}/crm/objects/2026-03/companies/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'hs_additional_domains', operator: 'CONTAINS_TOKEN', value: additionalDomain }] }] }),
    });
    if (response.ok && ((await response.json()) as { total: number }).total > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the stand-in's search never showed ${additionalDomain}`);
}
