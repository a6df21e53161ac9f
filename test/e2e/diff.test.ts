// `diff` end to end: the built CLI against the HubSpot stand-in, with a read-only token.
// It must report new, changed and unchanged records and send no write request.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_VERSIONS, startEmulator, type ApiVersion, type Emulator } from '../emulator/index.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';
import { expectOnlyVersion } from '../support/emulatorRun.js';
import { ESC, runInPty, screenLines } from '../support/pty.js';

const READ_ONLY = 'pat-read-only';
const READ_SCOPES = ['crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.schemas.contacts.read', 'crm.schemas.companies.read'];
const EVENTS = join(FIXTURES, 'events.ndjson');

/** What a read may be: a GET, a batch read or a search. Anything else writes. */
const READ_ENDPOINT = /^GET |^POST \/crm\/objects\/[0-9-]+\/(contacts|companies)\/(batch\/read|search)$/;

interface DiffLine {
  object: 'contact' | 'company';
  key: string;
  status: 'new' | 'changed' | 'unchanged';
  changes: Record<string, { from: string | null; to: string }>;
}

let emulator: Emulator;
let stateDir: string;

beforeEach(async () => {
  stateDir = join(await tempDir(), 'state');
  emulator = await startEmulator({ tokens: { [READ_ONLY]: READ_SCOPES } });
  // peter: firstname as the export has it, lastname different (the export says Gibbons).
  emulator.seedContact('peter@initech.com', { firstname: 'Peter', lastname: 'Smith' });
  // joanna: exactly what the export maps to, so unchanged.
  emulator.seedContact('joanna@chotchkies.com', { firstname: 'Joanna' });
  // initech.com: the export says Austin.
  emulator.seedCompany({ name: 'Initech', domain: 'initech.com', city: 'Dallas' });
});

afterEach(async () => {
  await emulator.close();
});

function diff(args: readonly string[], env: Record<string, string | undefined> = {}) {
  return runCli(['diff', EVENTS, '--state-dir', stateDir, ...args], {
    env: { HUBSPOT_ACCESS_TOKEN: READ_ONLY, HUBSPOT_BASE_URL: emulator.url, ...env },
  });
}

/** The indented lines under a record's header line in the text output. */
function block(stdout: string, header: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(header);
  expect(start, `"${header}" in the output`).toBeGreaterThanOrEqual(0);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    ')) break;
    body.push(line.trim());
  }
  return body;
}

function expectReadOnly(version: ApiVersion = '2026-03'): void {
  const stats = emulator.stats();
  expect(stats.writes).toBe(0);
  const endpoints = Object.keys(stats.requests.byEndpoint);
  expect(endpoints.filter((endpoint) => !READ_ENDPOINT.test(endpoint))).toEqual([]);
  // It did read the records it compares, on the chosen version only.
  expect(endpoints).toContain(`POST /crm/objects/${version}/contacts/batch/read`);
  expect(endpoints).toContain(`POST /crm/objects/${version}/companies/search`);
  expectOnlyVersion(emulator, version);
}

describe('diff with a read-only token', () => {
  it('the token really is read-only: HubSpot refuses it a write', async () => {
    const response = await fetch(`${emulator.url}/crm/objects/2026-03/contacts/batch/upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${READ_ONLY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ id: 'x@example.com', idProperty: 'email', properties: {} }] }),
    });
    expect(response.status).toBe(403);
  });

  it('prints new records, changed properties old → new, unchanged records counted, and a summary', async () => {
    const before = emulator.snapshot();
    const run = await diff([]);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;

    // A changed contact lists only the properties that differ, old → new.
    const peter = block(out, '~ contact peter@initech.com');
    expect(peter).toContain('~ lastname: "Smith" → "Gibbons"');
    expect(peter).toContain('~ lifecyclestage: (empty) → "lead"');
    expect(peter.some((line) => line.includes('firstname'))).toBe(false);

    // A new contact comes with the properties it would get.
    expect(block(out, '+ contact milton@initech.com')).toEqual(['firstname: "Milton"', 'lastname: "Waddams"']);
    expect(block(out, '+ contact bill@initech.com')).toContain('jobtitle: "Vice President"');

    // The company, found by its domain.
    expect(block(out, '~ company initech.com')).toContain('~ city: "Dallas" → "Austin"');

    // The unchanged contact is only counted.
    expect(out).not.toContain('joanna@chotchkies.com');
    expect(out).toContain('= 1 record unchanged (1 contacts, 0 companies)');

    // The summary: counts per object, the most-changed properties, the dead letters.
    const summary = out.slice(out.indexOf('\nSummary\n'));
    expect(summary).toContain('contacts   new 4 · changed 1 · unchanged 1');
    expect(summary).toContain('companies  new 0 · changed 1 · unchanged 0');
    // Changed records only (peter and the company), most first, then by name; the top five.
    expect(summary).toContain('most changed properties: city (2), state (2), address (1), company (1), country (1)');
    expect(summary).toContain('dead letters: 6 (INVALID_WEBSITE 1, INVALID_JSON 1, INVALID_RECORD 3, INVALID_EMAIL 1)');
    expect(summary).toContain('not compared: 6 event.send, 2 association');

    // Not a colour in sight (NO_COLOR, and standard output is not a terminal).
    expect(out).not.toContain(ESC);
    expectReadOnly();
    expect(emulator.snapshot()).toEqual(before);
  });

  // 2026-09's search answers null for a property without a value, 2026-03's leaves it out:
  // the diff is the same.
  it.each(API_VERSIONS)('--format json writes one object per record with its status and changes (API version %s)', async (version) => {
    const run = await diff(['--format', 'json', '--api-version', version]);
    expect(run.code, run.stderr).toBe(0);
    const lines = parseLines(run.stdout) as DiffLine[];
    for (const line of lines) expect(Object.keys(line)).toEqual(['object', 'key', 'status', 'changes']);
    const byKey = new Map(lines.map((line) => [`${line.object} ${line.key}`, line]));

    expect([...byKey.keys()].sort()).toEqual([
      'company initech.com',
      'contact bill@initech.com',
      'contact joanna@chotchkies.com',
      'contact michael@initech.com',
      'contact milton@initech.com',
      'contact nina@initech.com',
      'contact peter@initech.com',
    ]);
    expect(byKey.get('contact joanna@chotchkies.com')).toEqual({ object: 'contact', key: 'joanna@chotchkies.com', status: 'unchanged', changes: {} });
    expect(byKey.get('contact milton@initech.com')).toEqual({
      object: 'contact',
      key: 'milton@initech.com',
      status: 'new',
      changes: { firstname: { from: null, to: 'Milton' }, lastname: { from: null, to: 'Waddams' } },
    });
    const peter = byKey.get('contact peter@initech.com')!;
    expect(peter.status).toBe('changed');
    expect(peter.changes.lastname).toEqual({ from: 'Smith', to: 'Gibbons' });
    expect(peter.changes).not.toHaveProperty('firstname');
    const initech = byKey.get('company initech.com')!;
    expect(initech.status).toBe('changed');
    expect(initech.changes.city).toEqual({ from: 'Dallas', to: 'Austin' });

    expect(initech.changes.state).toEqual({ from: null, to: 'TX' });
    expect(initech.changes).not.toHaveProperty('name');

    // Standard output holds only the records; no summary text in the JSON stream.
    expect(run.stdout.trim().split('\n')).toHaveLength(lines.length);
    expectReadOnly(version);
  });

  it('uses no colour off a terminal, even when NO_COLOR is not set', async () => {
    const run = await diff([], { NO_COLOR: undefined });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('~ lastname: "Smith" → "Gibbons"');
    expect(run.stdout).not.toContain(ESC);
  });

  it('colours the diff on a terminal, and not with NO_COLOR', async () => {
    const args = ['diff', EVENTS, '--state-dir', stateDir, '--token', READ_ONLY, '--base-url', emulator.url];
    const coloured = await runInPty(args, { env: { NO_COLOR: undefined } });
    expect(coloured.code).toBe(0);
    expect(coloured.output).toContain('\u001b[33m~ contact peter@initech.com\u001b[0m');
    expect(coloured.output).toContain('\u001b[32m+ contact milton@initech.com\u001b[0m');
    expect(screenLines(coloured.output)).toContain('~ lastname: "Smith" → "Gibbons"');

    const plain = await runInPty(args, { env: { NO_COLOR: '1' } });
    expect(plain.code).toBe(0);
    expect(plain.output).toContain('~ contact peter@initech.com');
    expect(plain.output).not.toContain(ESC);
    expectReadOnly();
  });

  it('exits 2 without a token, saying that read scopes are enough', async () => {
    const run = await diff([], { HUBSPOT_ACCESS_TOKEN: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('read scopes are enough');
    expect(emulator.stats().requests.total).toBe(0);
  });
});

describe('diff over more records than it keeps in memory', () => {
  it('compares every record in the order first seen, later records winning, as with a few', async () => {
    // 21,000 contacts: past the 20,000 the diff keeps in memory, so most of them are merged
    // on disk; the first contact is identified again at the very end.
    const count = 21_000;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(JSON.stringify({ type: 'identify', userId: `u${i}`, traits: { email: `c${i}@example.com`, firstName: `First${i}`, lastName: 'Early' } }));
    lines.push(JSON.stringify({ type: 'identify', userId: 'u0', traits: { lastName: 'Later', city: 'Austin' } }));
    const input = join(await tempDir(), 'many.ndjson');
    await writeFile(input, lines.join('\n') + '\n');
    const big = await startEmulator({ tokens: { [READ_ONLY]: READ_SCOPES }, rateLimit: { perTenSeconds: 100_000 } });
    try {
      big.seedContact('c0@example.com', { firstname: 'First0', lastname: 'Early' });
      big.seedContact('c1@example.com', { firstname: 'First1', lastname: 'Early' });
      const run = await runCli(['diff', input, '--state-dir', stateDir, '--format', 'json', '--rate', '100000', '--concurrency', '16'], {
        env: { HUBSPOT_ACCESS_TOKEN: READ_ONLY, HUBSPOT_BASE_URL: big.url },
      });
      expect(run.code, run.stderr).toBe(0);
      const diffs = parseLines(run.stdout) as DiffLine[];
      expect(diffs.map((d) => d.key)).toEqual(Array.from({ length: count }, (_, i) => `c${i}@example.com`));
      expect(diffs[0]).toEqual({
        object: 'contact',
        key: 'c0@example.com',
        status: 'changed',
        changes: { lastname: { from: 'Early', to: 'Later' }, city: { from: null, to: 'Austin' } },
      });
      expect(diffs[1]!.status).toBe('unchanged');
      expect(diffs[count - 1]).toEqual({
        object: 'contact',
        key: `c${count - 1}@example.com`,
        status: 'new',
        changes: { firstname: { from: null, to: `First${count - 1}` }, lastname: { from: null, to: 'Early' } },
      });
      expect(diffs.filter((d) => d.status === 'new')).toHaveLength(count - 2);
      expect(big.stats().writes).toBe(0);
    } finally {
      await big.close();
    }
  });
});
