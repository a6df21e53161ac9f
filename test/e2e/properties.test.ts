// `properties pull` end to end: save the portal's catalog, then dry-run offline with it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';

const READ_ONLY = 'pat-schemas-read';
const EVENTS = join(FIXTURES, 'events.ndjson');

interface CatalogFile {
  contacts: { results: Array<{ name: string; type: string }> };
  companies: { results: Array<{ name: string; type: string }> };
}
type Operation = { op: string; email?: string; properties?: Record<string, string> };

let emulator: Emulator;
let dir: string;

beforeEach(async () => {
  emulator = await startEmulator({ tokens: { [READ_ONLY]: ['crm.schemas.contacts.read', 'crm.schemas.companies.read'] } });
  dir = await tempDir();
});

afterEach(async () => {
  await emulator.close();
});

const connection = () => ['--token', READ_ONLY, '--base-url', emulator.url];

/** A dry run that never talks to HubSpot: no token in the arguments or the environment. */
async function offlineDryRun(args: readonly string[]): Promise<Operation[]> {
  const run = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'state'), ...args]);
  expect(run.code, run.stderr).toBe(0);
  return parseLines(run.stdout) as Operation[];
}

describe('properties pull', () => {
  it('--out saves the catalog; a dry run with --catalog maps exactly as with the live portal', async () => {
    const file = join(dir, 'catalog.json');
    const pull = await runCli(['properties', 'pull', '--out', file, ...connection()]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toBe('');

    const saved = JSON.parse(await readFile(file, 'utf8')) as CatalogFile;
    expect(saved.contacts.results.map((p) => p.name)).toEqual(expect.arrayContaining(['email', 'firstname', 'plan_tier', 'favorite_color']));
    expect(saved.companies.results.map((p) => p.name)).toEqual(expect.arrayContaining(['domain', 'name', 'city']));
    expect(pull.stderr).toContain(`Saved ${saved.contacts.results.length} contact and ${saved.companies.results.length} company properties to ${file}`);
    expect(pull.stderr).toContain(`--catalog ${file}`);

    const withFile = await offlineDryRun(['--catalog', file]);
    // With a token the hub ID is the token's portal's (a --hub-id naming another is refused).
    const live = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'state'), ...connection()]);
    expect(live.code, live.stderr).toBe(0);
    expect(withFile).toEqual(parseLines(live.stdout));

    // The saved catalog is what keeps the portal's custom properties: the built-in
    // defaults would drop them.
    const peter = (ops: Operation[]) => ops.find((op) => op.op === 'contact.upsert' && op.email === 'peter@initech.com')!;
    expect(peter(withFile).properties).toMatchObject({ plan_tier: 'pro', favorite_color: 'blue' });
    expect(peter(await offlineDryRun([])).properties).not.toHaveProperty('plan_tier');

    expect(emulator.stats().writes).toBe(0);
  });

  it('writes the catalog to standard output without --out, and --object limits it to one object type', async () => {
    const all = await runCli(['properties', 'pull', ...connection()]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toBe('');
    const doc = JSON.parse(all.stdout) as CatalogFile;
    expect(doc.contacts.results.length).toBeGreaterThan(0);
    expect(doc.companies.results.length).toBeGreaterThan(0);

    const contactsOnly = await runCli(['properties', 'pull', '--object', 'contacts', ...connection()]);
    expect(contactsOnly.code).toBe(0);
    const contacts = JSON.parse(contactsOnly.stdout) as CatalogFile;
    expect(contacts.contacts.results).toEqual(doc.contacts.results);
    expect(contacts.companies.results).toEqual([]);
    expect(emulator.stats().requests.byEndpoint).toEqual({
      'GET /crm/properties/2026-03/contacts': 2,
      'GET /crm/properties/2026-03/companies': 1,
    });
  });

  it('a dry run with a token reads the portal on the chosen --api-version, and maps the same on each', async () => {
    const outputs: unknown[] = [];
    for (const version of ['2026-09', '2026-03']) {
      const before = emulator.requests().length;
      const run = await runCli(['replay', EVENTS, '--dry-run', '--api-version', version, '--state-dir', join(dir, 'state'), ...connection()]);
      expect(run.code, run.stderr).toBe(0);
      outputs.push(parseLines(run.stdout));
      const events = version === '2026-03' ? `/events/${version}` : `/events/custom/${version}`;
      expect(emulator.requests().slice(before).map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual([
        `GET /account-info/${version}/details 200`,
        `GET /crm/properties/${version}/companies 200`,
        // For the request plan, what exists (this token may read neither the definitions
        // nor the companies: the plan assumes an empty portal, and the run goes on).
        `GET /crm/properties/${version}/companies/hubspot_sync_domain 404`,
        `GET /crm/properties/${version}/contacts 200`,
        `GET ${events}/event-definitions 403`,
        `POST /crm/objects/${version}/companies/search 403`,
      ]);
    }
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('--rate limits its requests like every other command (it once sent at a fixed 10 per 10 s)', async () => {
    const help = await runCli(['properties', 'pull', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--rate <n> requests per rolling 10 seconds (default: 100)');
    // Two requests (contacts, companies) at one per rolling window: the second waits out the
    // window. HubSpot's 10 s at a tenth, for the stand-in and the CLI alike (its test setting).
    await emulator.close();
    emulator = await startEmulator({ tokens: { [READ_ONLY]: ['crm.schemas.contacts.read', 'crm.schemas.companies.read'] }, rateLimit: { windowMs: 1000 } });
    const run = await runCli(['properties', 'pull', '--rate', '1', ...connection()], { env: { HUBSPOT_SYNC_RATE_WINDOW_MS: '1000' } });
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.stats().requests.total).toBe(2);
    expect(emulator.stats().maxInTenSeconds).toBe(1);
  });

  it('exits 2 on an unknown --object and without a token', async () => {
    const bad = await runCli(['properties', 'pull', '--object', 'deals', ...connection()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('deals');
    const noToken = await runCli(['properties', 'pull', '--base-url', emulator.url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('HUBSPOT_ACCESS_TOKEN');
  });

  it('a dry run refuses a --catalog file that is not a catalog, naming the command that writes one', async () => {
    const run = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '123', '--catalog', join(FIXTURES, 'events.ndjson')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not valid JSON');
    const wrongShape = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '123', '--catalog', join(FIXTURES, '..', 'package.json')]);
    expect(wrongShape.code).toBe(2);
    expect(wrongShape.stderr).toContain('properties pull --out FILE');
  });
});
