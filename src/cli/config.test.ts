import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../errors.js';
import { applyConfig, readConfigFile, syntaxErrorPlace } from './config.js';
import { optionsIn, toCommanderOption, type OptionGroup } from './options.js';

/** Parses `args` as a command taking `groups` would, then applies `config` as the file. */
function resolveOptions(args: string[], config: Record<string, unknown>, groups: OptionGroup[] = ['connection', 'requests', 'delivery', 'state', 'output', 'input', 'mapping']) {
  const specs = optionsIn(groups);
  const command = new Command('test').exitOverride();
  for (const spec of specs) command.addOption(toCommanderOption(spec));
  command.parse(args, { from: 'user' });
  applyConfig(command, specs, { path: 'test.config.json', values: config });
  return command.opts();
}

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

beforeEach(() => {
  // The machine's own HubSpot settings must not leak into the precedence checks.
  for (const name of ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_HUB_ID', 'HUBSPOT_BASE_URL']) vi.stubEnv(name, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('config precedence: flag > environment > file > default', () => {
  it('the file fills options neither a flag nor the environment set, parsed like flags', () => {
    const opts = resolveOptions([], { rate: 7, hubId: '42', stateDir: '/tmp/x', quiet: true, types: ['identify', 'track'] });
    expect(opts).toMatchObject({ rate: 7, hubId: '42', stateDir: '/tmp/x', quiet: true, types: ['identify', 'track'] });
    // Untouched options keep their defaults.
    expect(opts).toMatchObject({ concurrency: 4, baseUrl: 'https://api.hubapi.com', logFormat: 'text' });
  });

  it('a number given as a string is parsed like the flag', () => {
    expect(resolveOptions([], { rate: '12' }).rate).toBe(12);
  });

  it('the environment beats the file', () => {
    vi.stubEnv('HUBSPOT_HUB_ID', '9');
    expect(resolveOptions([], { hubId: '42' }).hubId).toBe('9');
  });

  it('a flag beats the environment and the file', () => {
    vi.stubEnv('HUBSPOT_HUB_ID', '9');
    expect(resolveOptions(['--hub-id', '1'], { hubId: '42' }).hubId).toBe('1');
    expect(resolveOptions(['--rate', '3'], { rate: 7 }).rate).toBe(3);
  });

  it('a negated flag can be set from the file', () => {
    expect(resolveOptions([], { createEventDefinitions: false }).createEventDefinitions).toBe(false);
    expect(resolveOptions([], {}).createEventDefinitions).toBe(true);
  });
});

describe('config validation', () => {
  it('rejects an unknown key, naming it and the file', () => {
    const error = usageError(() => resolveOptions([], { rate: 5, ratee: 5 }));
    expect(error.message).toContain('"ratee"');
    expect(error.message).toContain('test.config.json');
    expect(error.message).toContain('rate');
  });

  it('leaves a key another command takes to that command (one file serves every command)', () => {
    // `status` takes only the state and view options; a replay's rate and token are not errors.
    const opts = resolveOptions([], { rate: 5, token: 'pat-x', stateDir: '/tmp/s' }, ['state', 'viewFormat']);
    expect(opts).toEqual({ stateDir: '/tmp/s', format: 'text' });
  });

  it('reads `format` as each command means it: input format for replay, output format for status', () => {
    const shared = { format: 'csv' };
    expect(resolveOptions([], shared, ['replayFormat']).format).toBe('csv');
    expect(resolveOptions([], shared, ['state', 'viewFormat']).format).toBe('text');
    expect(resolveOptions([], { format: 'json' }, ['state', 'viewFormat']).format).toBe('json');
    expect(usageError(() => resolveOptions([], { format: 'xml' }, ['state', 'viewFormat'])).message).toContain('"format"');
  });

  it.each([
    [{ rate: 0 }, '"rate"', 'at least 1'],
    [{ rate: 'fast' }, '"rate"', 'whole number'],
    [{ logFormat: 'xml' }, '"logFormat"', 'text, json'],
    [{ quiet: 'yes' }, '"quiet"', 'true or false'],
    [{ hubId: { id: 1 } }, '"hubId"', 'a string or a number'],
    [{ since: 'yesterday' }, '"since"', 'ISO-8601'],
    [{ since: 'March 5, 2026' }, '"since"', 'ISO-8601'],
    [{ until: '2026-02-30 00:00:00 UTC' }, '"until"', 'ISO-8601'],
  ])('rejects a bad value %j', (config, key, why) => {
    const error = usageError(() => resolveOptions([], config));
    expect(error.message).toContain(key);
    expect(error.message).toContain(why);
  });
});

it.each(['2026-03-02 02:16:51.272 +0000', '2026-03-02 02:16:51.272000 UTC', '2026-03-02 02:16:51.272+00', '20260302'])(
  'reads --since %j with the one time parser, as a warehouse cell reads',
  (since) => {
    expect(resolveOptions([], { since }).since).toBe(since);
  },
);

it.each([
  ['tab', '\t'],
  [';', ';'],
  ['pipe', '|'],
  ['|', '|'],
])('reads the delimiter %j as %j', (delimiter, char) => {
  expect(resolveOptions([], { delimiter }).delimiter).toBe(char);
});

it.each(['ab', '"', '', 'constructor'])('rejects the delimiter %j', (delimiter) => {
  expect(() => resolveOptions([], { delimiter })).toThrow(/delimiter/);
});

it('takes an encoding by name and no other', () => {
  expect(resolveOptions([], { encoding: 'windows-1252' }).encoding).toBe('windows-1252');
  expect(() => resolveOptions([], { encoding: 'ebcdic' })).toThrow(/encoding/);
});

describe('readConfigFile', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'hubspot-sync-config-'));

  it('reads hubspot-sync.config.json from the working directory when present, else nothing', () => {
    const cwd = dir();
    expect(readConfigFile(undefined, cwd)).toEqual({ values: {} });
    writeFileSync(join(cwd, 'hubspot-sync.config.json'), '{"rate": 5}');
    expect(readConfigFile(undefined, cwd)).toEqual({ path: 'hubspot-sync.config.json', values: { rate: 5 } });
  });

  it('reads the --config file instead, relative to the working directory', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'hubspot-sync.config.json'), '{"rate": 5}');
    writeFileSync(join(cwd, 'other.json'), '{"rate": 6}');
    expect(readConfigFile('other.json', cwd)).toEqual({ path: 'other.json', values: { rate: 6 } });
  });

  it('explains a missing file, invalid JSON and a non-object', () => {
    const cwd = dir();
    expect(usageError(() => readConfigFile('missing.json', cwd)).message).toContain('Cannot read the config file missing.json');
    writeFileSync(join(cwd, 'broken.json'), '{"rate": 5,');
    expect(usageError(() => readConfigFile('broken.json', cwd)).message).toContain('is not valid JSON');
    writeFileSync(join(cwd, 'array.json'), '[1, 2]');
    expect(usageError(() => readConfigFile('array.json', cwd)).message).toContain('must hold a JSON object');
  });
});

describe('syntaxErrorPlace', () => {
  it.each([
    ['{ hubId: 77 }', 'line 1, column 3'],
    ['{\n  "rate": 50,\n  hubId: 77\n}', 'line 3, column 3'],
    ['{\n  "rate": 50\n  "hubId": 77\n}', 'line 3, column 3'],
    ['{\n  "rate": 50,\n', 'line 3, column 1'],
    ['', 'line 1, column 1'],
  ])('places the error in %j at %s', (text, place) => {
    let message = '';
    try {
      JSON.parse(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(syntaxErrorPlace(text, message)).toBe(place);
  });

  it('reads a message that gives the line and column itself', () => {
    expect(syntaxErrorPlace('whatever', 'Unexpected token (line 4 column 9)')).toBe('line 4, column 9');
  });

  it('names the file, line and column in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubspot-sync-config-'));
    writeFileSync(join(dir, 'hubspot-sync.config.json'), '{\n  "rate": 50,\n  hubId: 77\n}\n');
    expect(() => readConfigFile(undefined, dir)).toThrow(/hubspot-sync\.config\.json is not valid JSON at line 3, column 3: Expected double-quoted property name/);
  });
});
