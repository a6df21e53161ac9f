import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompanyMemory } from './companyMemory.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-companies-'));
  path = join(dir, 'companies.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const onDisk = async (): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

describe('CompanyMemory', () => {
  it('writes an unconfirmed create down before it returns, private to its owner', async () => {
    const memory = new CompanyMemory(path);
    memory.markUnconfirmed(['acme.com', 'globex.com'], 1000);
    expect(await onDisk()).toEqual({ unconfirmed: { 'acme.com': 1000, 'globex.com': 1000 } });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // A run killed now: the next one still knows.
    expect(new CompanyMemory(path).unconfirmedSince('acme.com')).toBe(1000);
  });

  it('forgets a confirmed domain at once for itself, on disk only at the next save (after the ids are)', async () => {
    const memory = new CompanyMemory(path);
    memory.markUnconfirmed(['acme.com', 'globex.com'], 1000);
    memory.confirm('acme.com');
    expect(memory.unconfirmedSince('acme.com')).toBeUndefined();
    expect(memory.pending).toBe(1);
    expect(new CompanyMemory(path).unconfirmedSince('acme.com')).toBe(1000);
    memory.save();
    expect(await onDisk()).toEqual({ unconfirmed: { 'globex.com': 1000 } });
    // Marked again before the save: it stays.
    memory.confirm('globex.com');
    memory.markUnconfirmed(['globex.com'], 2000);
    memory.save();
    expect(new CompanyMemory(path).unconfirmedSince('globex.com')).toBe(2000);
  });

  it('remembers the key property across runs; an unreadable file is an empty memory', async () => {
    const memory = new CompanyMemory(path);
    memory.rememberKeyProperty('hubspot_sync_domain');
    expect(new CompanyMemory(path).keyProperty).toBe('hubspot_sync_domain');
    memory.rememberKeyProperty(undefined);
    expect(new CompanyMemory(path).keyProperty).toBeUndefined();
    await writeFile(path, '{"unconfirmed": {"a.com": "soon", "b.com": 5}, "keyProperty": 7');
    const damaged = new CompanyMemory(path);
    expect(damaged.keyProperty).toBeUndefined();
    expect(damaged.pending).toBe(0);
    await writeFile(path, '{"unconfirmed": {"a.com": "soon", "b.com": 5}, "keyProperty": 7}');
    const odd = new CompanyMemory(path);
    expect([odd.unconfirmedSince('a.com'), odd.unconfirmedSince('b.com'), odd.keyProperty]).toEqual([undefined, 5, undefined]);
  });
});
