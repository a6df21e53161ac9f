// The property plan, --create-properties and --property-map end to end: the built CLI
// against the stand-in, and what the stand-in holds afterwards.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';

const NO_SCHEMA_WRITE = 'pat-no-schema-write';

/** An export with every kind of value the plan types, nested traits and a name starting with a digit. */
const EXPORT = [
  { type: 'identify', messageId: 'm1', userId: 'u1', timestamp: '2026-03-01T10:00:00Z', traits: { email: 'ada@example.com', is_admin: true, seat_count: 14, account_code: '00123', trial_start: '2026-03-01', last_seen: '2026-03-02T10:15:00Z', renewal: '2026-04-01', due: '2026-02-30', plan: { name: 'pro', level: 3 }, '2fa_enabled': 'yes', createdate: '2026-01-01', opted_in: 'TRUE', empty: '' } },
  { type: 'identify', messageId: 'm2', userId: 'u2', timestamp: '2026-03-01T11:00:00Z', traits: { email: 'bob@example.com', is_admin: false, seat_count: 3.5, account_code: '42', trial_start: '2026-03-05', last_seen: '2026-03-03 08:00:00 UTC', renewal: '2026-05-01T00:00:00Z', due: '2026-03-01', plan: { name: 'free', level: 1 }, opted_in: 'false' } },
  { type: 'group', messageId: 'm3', userId: 'u1', groupId: 'g1', timestamp: '2026-03-01T12:00:00Z', traits: { name: 'Initech', website: 'initech.com', email: 'info@initech.com', arr: 120000, founded: '1999-02-14' } },
  { type: 'track', messageId: 'm4', userId: 'u1', event: 'Order Completed', timestamp: '2026-03-01T13:00:00Z', properties: { total: 10, ref: 'A-1' } },
  { type: 'track', messageId: 'm5', userId: 'u2', event: 'Order Completed', timestamp: '2026-03-01T14:00:00Z', properties: { total: 'n/a', ref: 'A-2' } },
];

interface Planned { object: string; name: string; type: string; fieldType: string; label: string; values: number; sample?: string; creatable: boolean; created?: true }
interface Report { status: string; propertyPlan?: Planned[]; droppedProperties: Record<string, Record<string, number>>; requests: { byEndpoint: Record<string, number> } }
interface PropertyJson { name: string; type: string; fieldType: string; groupName: string; description: string; options: Array<{ value: string }> }

let emulator: Emulator;
let dir: string;
let input: string;

beforeEach(async () => {
  emulator = await startEmulator({
    tokens: { [NO_SCHEMA_WRITE]: ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.contacts.read', 'crm.schemas.companies.read', 'crm.schemas.companies.write', 'analytics.behavioral_events.send', 'behavioral_events.event_definitions.read_write'] },
  });
  dir = await tempDir();
  input = join(dir, 'export.ndjson');
  await writeFile(input, EXPORT.map((call) => JSON.stringify(call)).join('\n') + '\n');
});

afterEach(async () => {
  await emulator.close();
});

async function replay(args: readonly string[], token = emulator.token) {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const run = await runCli(['replay', input, '--token', token, '--base-url', emulator.url, '--state-dir', join(dir, 'state'), '--company-key', 'none', '--report', report, ...args]);
  const text = await readFile(report, 'utf8').catch(() => undefined);
  return { ...run, report: text === undefined ? undefined : (JSON.parse(text) as Report) };
}

async function catalogOf(object: 'contacts' | 'companies'): Promise<Map<string, PropertyJson>> {
  const answer = await fetch(`${emulator.url}/crm/properties/2026-03/${object}`, { headers: { authorization: `Bearer ${emulator.token}` } });
  const body = (await answer.json()) as { results: PropertyJson[] };
  return new Map(body.results.map((p) => [p.name, p]));
}

const planOf = (report: Report | undefined) => new Map((report?.propertyPlan ?? []).map((p) => [`${p.object} ${p.name}`, p]));
const contact = (email: string) => emulator.state.contactStore.byEmail.get(email)?.properties;

describe('the property plan', () => {
  it('a dry run types every name the catalog lacks from all its values, each object apart', async () => {
    const run = await replay(['--dry-run', '--out', join(dir, 'ops.ndjson')]);
    expect(run.code, run.stderr).toBe(0);
    const plan = planOf(run.report);
    expect(Object.fromEntries([...plan].map(([key, p]) => [key, [p.type, p.fieldType, p.values, p.sample ?? null, p.creatable]]))).toEqual({
      'contact is_admin': ['bool', 'booleancheckbox', 2, 'true', true],
      'contact seat_count': ['number', 'number', 2, '14', true],
      // Numeric strings stay text, as Segment's own destination infers.
      'contact account_code': ['string', 'text', 2, null, true],
      'contact trial_start': ['date', 'date', 2, '2026-03-01', true],
      'contact last_seen': ['datetime', 'date', 2, '2026-03-02T10:15:00.000Z', true],
      // A date and a date-time make a date-time.
      'contact renewal': ['datetime', 'date', 2, '2026-04-01T00:00:00.000Z', true],
      // An impossible date is text.
      'contact due': ['string', 'text', 2, null, true],
      'contact plan_name': ['string', 'text', 2, null, true],
      'contact plan_level': ['number', 'number', 2, '3', true],
      'contact 2fa_enabled': ['string', 'text', 1, null, false],
      'contact createdate': ['date', 'date', 1, '2026-01-01', false],
      'contact opted_in': ['bool', 'booleancheckbox', 2, 'true', true],
      // The company's own traits are the company's, never the contact's.
      'company email': ['string', 'text', 1, null, true],
      'company arr': ['number', 'number', 1, '120000', true],
      'company founded': ['date', 'date', 1, '1999-02-14', true],
    });
    expect(plan.get('contact seat_count')!.label).toBe('Seat count');
    // The summary names each object apart and never asks to create HubSpot's read-only names.
    expect(run.stderr).toMatch(/unknown contact properties .*account_code \(2\)/);
    expect(run.stderr).toMatch(/unknown company properties .*arr \(1\)/);
    expect(run.stderr).toMatch(/read-only, not sent +contact createdate \(1\)/);
    expect(run.stderr).toContain('contact seat_count: number/number "Seat count", 2 value(s), e.g. 14; creatable');
    expect(run.stderr).not.toMatch(/unknown contact properties.*createdate/);
  });

  it('--create-properties creates the plan before any record, and the values are sent by the created types', async () => {
    const run = await replay(['--create-properties']);
    expect(run.code, run.stderr).toBe(0);
    const contacts = await catalogOf('contacts');
    const types = (names: string[], catalog: Map<string, PropertyJson>) => Object.fromEntries(names.map((n) => [n, catalog.get(n) && `${catalog.get(n)!.type}/${catalog.get(n)!.fieldType}`]));
    expect(types(['is_admin', 'seat_count', 'account_code', 'trial_start', 'last_seen', 'renewal', 'due', 'plan_name', 'plan_level', 'opted_in', '2fa_enabled'], contacts)).toEqual({
      is_admin: 'bool/booleancheckbox', seat_count: 'number/number', account_code: 'string/text', trial_start: 'date/date', last_seen: 'datetime/date',
      renewal: 'datetime/date', due: 'string/text', plan_name: 'string/text', plan_level: 'number/number', opted_in: 'bool/booleancheckbox', '2fa_enabled': undefined,
    });
    expect(contacts.get('seat_count')).toMatchObject({ groupName: 'contactinformation', description: 'Created by hubspot-sync from the Segment key "seat_count"' });
    expect(contacts.get('is_admin')!.options.map((o) => o.value)).toEqual(['true', 'false']);
    expect(types(['email', 'arr', 'founded'], await catalogOf('companies'))).toEqual({ email: 'string/text', arr: 'number/number', founded: 'date/date' });

    expect(contact('ada@example.com')).toMatchObject({ is_admin: 'true', seat_count: '14', account_code: '00123', trial_start: '2026-03-01', last_seen: '2026-03-02T10:15:00.000Z', renewal: '2026-04-01T00:00:00.000Z', due: '2026-02-30', plan_name: 'pro', plan_level: '3', opted_in: 'true' });
    expect(contact('bob@example.com')).toMatchObject({ is_admin: 'false', seat_count: '3.5', last_seen: '2026-03-03T08:00:00.000Z', opted_in: 'false' });
    // Nothing planned is dropped any more; the names that cannot be created still are.
    expect(run.report!.droppedProperties.contact).toEqual({ '2fa_enabled': 1, createdate: 1 });
    expect(run.report!.droppedProperties.company).toEqual({});
    expect(planOf(run.report).get('contact seat_count')).toMatchObject({ created: true });
    // Created before any record was sent.
    const paths = emulator.requests().map((r) => `${r.method} ${r.path}`);
    const firstUpsert = paths.findIndex((p) => p.includes('/crm/objects/') || p.includes('/send/batch'));
    expect(firstUpsert).toBeGreaterThan(-1);
    expect(paths.indexOf('POST /crm/properties/2026-03/contacts/batch/create')).toBeGreaterThan(-1);
    expect(paths.indexOf('POST /crm/properties/2026-03/companies/batch/create')).toBeLessThan(firstUpsert);

    // An event property takes its type from every value of the run: a number, then text.
    const definition = [...emulator.state.eventDefinitions.values()].find((d) => d.name === 'order_completed');
    expect(definition?.properties.find((p) => p.name === 'total')?.type).toBe('string');

    // A second run finds them in the catalog and creates nothing.
    const again = await replay(['--create-properties', '--fresh']);
    expect(again.code, again.stderr).toBe(0);
    expect(emulator.requests().filter((r) => r.path.endsWith('/batch/create') && r.path.includes('/properties/')).length).toBe(2);
  });

  it('a property map renames, drops and forces a type; the plan follows it', async () => {
    const map = join(dir, 'map.json');
    await writeFile(map, JSON.stringify({ contact: { account_code: { name: 'account_number', type: 'number' }, due: null, 'Plan.Name': 'favorite_color', seat_count: 'licences' }, company: { arr: { name: 'annual_recurring', type: 'string' } } }, null, 2));
    const run = await replay(['--create-properties', '--property-map', map]);
    expect(run.code, run.stderr).toBe(0);
    const contacts = await catalogOf('contacts');
    expect(contacts.get('account_number')).toMatchObject({ type: 'number', fieldType: 'number' });
    expect(contacts.get('licences')).toMatchObject({ type: 'number' });
    expect(contacts.has('due')).toBe(false);
    expect(contacts.has('account_code')).toBe(false);
    expect((await catalogOf('companies')).get('annual_recurring')).toMatchObject({ type: 'string', fieldType: 'text' });
    expect(contact('ada@example.com')).toMatchObject({ account_number: '123', licences: '14', favorite_color: 'pro' });
    expect(contact('ada@example.com')).not.toHaveProperty('due');
    // A dropped key is left out on purpose, not counted as dropped.
    expect(run.report!.droppedProperties.contact).not.toHaveProperty('due');
    expect(emulator.state.companyStore.findBy('domain', 'initech.com')?.properties.annual_recurring).toBe('120000');
  });

  it('a dry run and diff with --create-properties map as if the creatable names existed, and create nothing', async () => {
    const out = join(dir, 'ops.ndjson');
    const dry = await replay(['--dry-run', '--create-properties', '--no-retroactive-identities', '--out', out]);
    expect(dry.code, dry.stderr).toBe(0);
    const ops = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { op: string; email?: string; properties?: Record<string, string> });
    expect(ops.find((op) => op.op === 'contact.upsert' && op.email === 'ada@example.com')!.properties).toMatchObject({ seat_count: '14', is_admin: 'true', last_seen: '2026-03-02T10:15:00.000Z', renewal: '2026-04-01T00:00:00.000Z' });
    expect(dry.report!.droppedProperties.contact).toEqual({ '2fa_enabled': 1, createdate: 1 });
    // The request plan counts the batch creates the live run makes for the plan, one per object here.
    const planned = (dry.report as unknown as { requestPlan: { byEndpoint: Record<string, number> } }).requestPlan.byEndpoint;
    expect([planned['POST /crm/properties/2026-03/contacts/batch/create'], planned['POST /crm/properties/2026-03/companies/batch/create']]).toEqual([1, 1]);

    emulator.seedContact('ada@example.com', { firstname: 'Ada' });
    const diff = await runCli(['diff', input, '--token', emulator.token, '--base-url', emulator.url, '--state-dir', join(dir, 'state'), '--company-key', 'none', '--create-properties', '--format', 'json']);
    expect(diff.code, diff.stderr).toBe(0);
    const ada = diff.stdout.trim().split('\n').map((line) => JSON.parse(line) as { key: string; changes: Record<string, { from: string | null; to: string; newProperty?: true }> }).find((d) => d.key === 'ada@example.com')!;
    expect(ada.changes.seat_count).toEqual({ from: null, to: '14', newProperty: true });
    expect(diff.stderr).toContain('contact seat_count: number/number "Seat count", 2 value(s), e.g. 14; creatable');
    expect(emulator.requests().filter((r) => r.method === 'POST' && !r.path.endsWith('/batch/read') && !r.path.endsWith('/search'))).toEqual([]);
    expect((await catalogOf('contacts')).has('seat_count')).toBe(false);
  });

  it('refuses a plan above --max-new-properties with exit 2, printing it, nothing created or sent', async () => {
    const run = await replay(['--create-properties', '--max-new-properties', '3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('more than --max-new-properties 3: nothing was created or sent');
    expect(run.stderr).toContain('contact seat_count: number/number');
    const writes = emulator.requests().filter((r) => r.method === 'POST');
    expect(writes).toEqual([]);
    expect(emulator.state.contactStore.byEmail.size).toBe(0);
  });

  it('a token without the schema write scope is exit 2 naming the scope, nothing sent', async () => {
    const run = await replay(['--create-properties'], NO_SCHEMA_WRITE);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('crm.schemas.contacts.write');
    expect(run.stderr).not.toContain('    at ');
    expect(emulator.state.contactStore.byEmail.size).toBe(0);
    expect(emulator.requests().filter((r) => r.path.includes('/objects/') || r.path.includes('/send/'))).toEqual([]);
  });

  it('standard input with --create-properties is a usage error that says to save it to a file', async () => {
    const run = await runCli(['replay', '-', '--dry-run', '--hub-id', '123456', '--create-properties', '--state-dir', join(dir, 'state')], { stdin: await readFile(input) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('save the input to a file first');
  });

  it('a run from standard input plans from its single reading and reports the plan at the end', async () => {
    const report = join(dir, 'stdin-report.json');
    const run = await runCli(['replay', '-', '--dry-run', '--hub-id', '123456', '--state-dir', join(dir, 'state'), '--report', report, '--out', join(dir, 'stdin-ops.ndjson')], { stdin: await readFile(input) });
    expect(run.code, run.stderr).toBe(0);
    const plan = planOf(JSON.parse(await readFile(report, 'utf8')) as Report);
    expect(plan.get('contact last_seen')).toMatchObject({ type: 'datetime', values: 2 });
    expect(plan.get('company arr')).toMatchObject({ type: 'number', values: 1 });
    expect(run.stderr).toContain('property plan');
  });

  it.each([
    ['a syntax error', '{\n  "contact": {\n    "seats": x\n  }\n}', /not valid JSON at line \d+, column \d+/],
    ['an entry targeting email', '{"contact": {\n  "work_email": "email"\n}}', /line 2, column 3, entry contact\.work_email: no entry may target `email`/],
    ['a special field', '{"contact": {"firstName": "given_name"}}', /entry contact\.firstName: firstName is a special field's source/],
    ['an unknown section', '{"deal": {}}', /entry deal: the sections are contact, company and event/],
  ])('a property map with %s is exit 2 naming where', async (_what, text, message) => {
    const map = join(dir, 'bad-map.json');
    await writeFile(map, text);
    const run = await runCli(['replay', input, '--dry-run', '--hub-id', '123456', '--property-map', map, '--state-dir', join(dir, 'state')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
