// The config file end to end: `hubspot-sync.config.json` in the working directory or
// `--config FILE`; flags beat environment, environment beats the file. The hub ID shows
// in every custom event name (pe<hubId>_…), so a dry run tells which value won.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { FIXTURES, parseLines, runCli, tempDir } from '../support/cli.js';

const EVENTS = join(FIXTURES, 'events.ndjson');

let cwd: string;

beforeEach(async () => {
  cwd = await tempDir('hubspot-sync-config-');
});

async function writeConfig(values: Record<string, unknown>, name = 'hubspot-sync.config.json'): Promise<string> {
  const path = join(cwd, name);
  await writeFile(path, JSON.stringify(values, null, 2));
  return path;
}

/** A dry run in the temp working directory: the custom event names it would send. */
async function eventNamesOfDryRun(args: readonly string[] = [], env: Record<string, string> = {}): Promise<string[]> {
  const run = await runCli(['replay', EVENTS, '--dry-run', '--state-dir', join(cwd, 'state'), ...args], { cwd, env });
  expect(run.code, run.stderr).toBe(0);
  const names = (parseLines(run.stdout) as Array<{ op: string; eventName?: string }>).filter((op) => op.op === 'event.send').map((op) => op.eventName!);
  expect(names.length).toBeGreaterThan(0);
  return names;
}

/** The hub IDs a dry run's event names carry. */
async function hubIdsOfDryRun(args: readonly string[] = [], env: Record<string, string> = {}): Promise<string[]> {
  return [...new Set((await eventNamesOfDryRun(args, env)).map((name) => /^pe(\d+)_/.exec(name)![1]!))];
}

describe('config file', () => {
  it('hubspot-sync.config.json in the working directory fills options; the environment beats it; a flag beats both', async () => {
    await writeConfig({ hubId: '77', catalog: join(FIXTURES, 'catalog.json'), pagesAsEvents: true });
    expect(await hubIdsOfDryRun()).toEqual(['77']);
    // A boolean from the file: page calls become page_viewed events.
    expect(await eventNamesOfDryRun()).toContain('pe77_page_viewed');
    expect(await hubIdsOfDryRun([], { HUBSPOT_HUB_ID: '88' })).toEqual(['88']);
    expect(await hubIdsOfDryRun(['--hub-id', '99'], { HUBSPOT_HUB_ID: '88' })).toEqual(['99']);
  });

  it('--config FILE is read instead of the working directory file', async () => {
    await writeConfig({ hubId: '77' });
    const other = await writeConfig({ hubId: '55' }, 'nightly.json');
    expect(await hubIdsOfDryRun(['--config', other])).toEqual(['55']);
    expect(await hubIdsOfDryRun(['--config', 'nightly.json'])).toEqual(['55']);
  });

  it('exits 2 on an unknown key, naming it', async () => {
    await writeConfig({ hubId: '77', ratelimit: 50 });
    const run = await runCli(['replay', EVENTS, '--dry-run'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Unknown option "ratelimit" in the config file hubspot-sync.config.json');
  });

  it('exits 2 on a bad value, naming the key and what it must be', async () => {
    await writeConfig({ hubId: '77', rate: 0 });
    const run = await runCli(['replay', EVENTS, '--dry-run'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"rate" in the config file hubspot-sync.config.json');
    expect(run.stderr).toContain('at least 1');

    await writeConfig({ logFormat: 'xml' });
    const choice = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '1'], { cwd });
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain('"logFormat"');
    expect(choice.stderr).toContain('text, json');

    await writeConfig({ apiVersion: 'v3' });
    const version = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '1'], { cwd });
    expect(version.code).toBe(2);
    expect(version.stderr).toContain('"apiVersion"');
    expect(version.stderr).toContain('2026-03, 2026-09');
    const flag = await runCli(['replay', EVENTS, '--dry-run', '--hub-id', '1', '--api-version', '2025-09'], { cwd });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--api-version');
    expect(flag.stderr).toContain('2026-03, 2026-09');
  });

  it('exits 2 on a file that is not JSON and on a missing --config file', async () => {
    await writeFile(join(cwd, 'hubspot-sync.config.json'), '{ hubId: 77 }');
    const broken = await runCli(['replay', EVENTS, '--dry-run'], { cwd });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON at line 1, column 3');
    const missing = await runCli(['replay', EVENTS, '--dry-run', '--config', 'nope.json'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });
});

describe('one config file for every command', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('`properties pull` takes its connection from the file and ignores the replay-only keys', async () => {
    await writeConfig({ token: emulator.token, baseUrl: emulator.url, apiVersion: '2026-09', rate: 20, hubId: '77', quiet: true });
    const run = await runCli(['properties', 'pull', '--object', 'companies'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { companies: { results: unknown[] } };
    expect(doc.companies.results.length).toBeGreaterThan(0);
    expect(emulator.stats().requests.byEndpoint).toEqual({ 'GET /crm/properties/2026-09/companies': 1 });
  });
});
