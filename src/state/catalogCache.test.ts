import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogDocument } from '../core/types.js';
import { readCachedCatalog, writeCachedCatalog } from './catalogCache.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-catalog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const doc: CatalogDocument = {
  contacts: { results: [{ name: 'email', type: 'string' }, { name: 'firstname', type: 'string' }] },
  companies: { results: [{ name: 'domain', type: 'string' }] },
};

describe('catalog cache', () => {
  it('reads back the document it saved, with when it was fetched', async () => {
    const fetchedAt = new Date('2024-05-01T10:00:00.000Z');
    await writeCachedCatalog(dir, doc, fetchedAt);
    expect(await readCachedCatalog(dir)).toEqual({ ...doc, fetchedAt: '2024-05-01T10:00:00.000Z' });
  });

  it('is private (0600), written whole, and in the shape --catalog reads', async () => {
    await writeCachedCatalog(dir, doc);
    expect(await readdir(dir)).toEqual(['catalog.json']);
    expect((await stat(join(dir, 'catalog.json'))).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(join(dir, 'catalog.json'), 'utf8')) as CatalogDocument;
    expect(saved.contacts.results).toHaveLength(2);
    expect(saved.companies.results).toHaveLength(1);
  });

  it('is too old after maxAgeMs', async () => {
    await writeCachedCatalog(dir, doc, new Date('2024-05-01T10:00:00.000Z'));
    const hourLater = new Date('2024-05-01T11:00:00.000Z');
    expect(await readCachedCatalog(dir, 60 * 60 * 1000, hourLater)).toBeDefined();
    expect(await readCachedCatalog(dir, 60 * 60 * 1000 - 1, hourLater)).toBeUndefined();
  });

  it('is absent when missing or unreadable: a cache never stops a run', async () => {
    expect(await readCachedCatalog(dir)).toBeUndefined();
    for (const text of ['{', '{"contacts":{"results":[]}}', JSON.stringify({ ...doc, fetchedAt: 'yesterday' })]) {
      await writeFile(join(dir, 'catalog.json'), text);
      expect(await readCachedCatalog(dir)).toBeUndefined();
    }
  });
});
