// A saved catalog gone stale (an option, a property removed in HubSpot since it was
// pulled): the mapping lets the values through, HubSpot refuses them. Records merged into
// one contact or company are judged one by one: only those that supplied a rejected value
// become dead letters, and the contact and company are made from the others, whether
// HubSpot answers with a whole-batch 400 or a 207 per input, and whether the export is
// a file or standard input (which can only be streamed).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { FIXTURES, parseLines, tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { testLiveRun } from '../support/emulatorRun.js';

type CatalogFile = { contacts: { results: Array<Record<string, unknown> & { name: string; options?: Array<Record<string, unknown>> }> } };

/** The fixture catalog plus what HubSpot no longer has: a plan tier "gold", a property `loyalty_tier`. */
async function staleCatalog(dir: string): Promise<string> {
  const catalog = JSON.parse(await readFile(join(FIXTURES, 'catalog.json'), 'utf8')) as CatalogFile;
  const planTier = catalog.contacts.results.find((p) => p.name === 'plan_tier')!;
  planTier.options!.push({ label: 'Gold', value: 'gold', displayOrder: 9, hidden: false, description: '' });
  const firstname = catalog.contacts.results.find((p) => p.name === 'firstname')!;
  catalog.contacts.results.push({ ...firstname, name: 'loyalty_tier', label: 'Loyalty tier' });
  const file = join(dir, 'catalog.json');
  await writeFile(file, JSON.stringify(catalog));
  return file;
}

const calls = [
  { type: 'identify', messageId: 'a1', userId: 'u-ada', traits: { email: 'ada@example.com', firstName: 'Ada', plan_tier: 'pro' } },
  { type: 'identify', messageId: 'a2', userId: 'u-ada', traits: { email: 'ada@example.com', plan_tier: 'gold' } },
  { type: 'identify', messageId: 'a3', userId: 'u-ada', traits: { email: 'ada@example.com', lastName: 'Lovelace' } },
  { type: 'identify', messageId: 'g1', userId: 'u-grace', traits: { email: 'grace@example.com', firstName: 'Grace', loyalty_tier: 'silver' } },
  { type: 'identify', messageId: 'g2', userId: 'u-grace', traits: { email: 'grace@example.com', lastName: 'Hopper' } },
  { type: 'group', messageId: 'c1', userId: 'u-ada', groupId: 'acme', traits: { website: 'acme.com', name: 'Acme' }, context: { traits: { email: 'ada@example.com' } } },
  { type: 'group', messageId: 'c2', userId: 'u-ada', groupId: 'acme', traits: { website: 'acme.com', industry: 'AIRLINES_AVIATION' }, context: { traits: { email: 'ada@example.com' } } },
  { type: 'group', messageId: 'c3', userId: 'u-ada', groupId: 'acme', traits: { website: 'acme.com', address: { city: 'Paris' } }, context: { traits: { email: 'ada@example.com' } } },
];

describe.each([
  ['a 207 per input', false],
  ['a whole-batch 400', true],
])('a stale saved catalog, HubSpot answering %s', (_how, wholeBatchErrors) => {
  it.each(['a file', 'standard input'])('dead-letters only the records that supplied a rejected value; the contacts and the company are made from the rest: %s', async (source) => {
    const run = await testLiveRun({ faults: { wholeBatchErrors }, searchLagMs: 0 });
    const dir = await tempDir();
    const input = await writeNdjson(dir, 'export.ndjson', calls);
    const args = ['--catalog', await staleCatalog(dir), '--report', join(dir, 'report.json')];
    const result = source === 'a file' ? await run.replay([input, ...args]) : await run.replay(['-', ...args], { stdin: await readFile(input) });
    expect(result.code).toBe(0);

    const { contacts, companies, associations } = run.emulator.snapshot();
    expect(contacts['ada@example.com']).toMatchObject({ firstname: 'Ada', plan_tier: 'pro', lastname: 'Lovelace' });
    // Grace's first record named a property HubSpot does not have: it is refused whole.
    expect(contacts['grace@example.com']).toMatchObject({ lastname: 'Hopper' });
    expect(contacts['grace@example.com']!.firstname).toBeUndefined();
    expect(Object.values(companies)).toEqual([expect.objectContaining({ domain: 'acme.com', name: 'Acme', city: 'Paris' })]);
    expect(Object.values(companies)[0]!.industry).toBeUndefined();
    expect(associations).toHaveLength(1);

    const deadLetters = parseLines(await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8')) as Array<{ code: string; reason: string; source: { line: number } }>;
    expect(deadLetters.map((d) => [d.code, d.source.line])).toEqual([['HUBSPOT_REJECTED', 2], ['HUBSPOT_REJECTED', 4], ['HUBSPOT_REJECTED', 7]]);
    expect(deadLetters[0]!.reason).toContain('gold');
    expect(deadLetters[1]!.reason).toContain('loyalty_tier');
    expect(deadLetters[2]!.reason).toContain('AIRLINES_AVIATION');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunReport;
    expect(report.counts).toEqual({ read: 8, delivered: 5, skipped: 0, deadLettered: 3 });
  });
});
