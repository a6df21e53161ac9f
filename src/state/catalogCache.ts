// The portal's property catalog as last fetched (docs/mapping.md#property-catalog), so an offline dry run maps
// against the portal's real properties rather than the built-in defaults. Saved in the
// shape `properties pull` writes, plus `fetchedAt`: the cache is also a valid --catalog.
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { CatalogDocument } from '../core/types.js';
import { writeFailure } from '../errors.js';
import { PRIVATE_FILE_MODE, stateDirPaths } from './stateDir.js';
import { faultIfPlanned } from './writeFaults.js';

export interface CachedCatalog extends CatalogDocument {
  /** ISO-8601 time the catalog was fetched from HubSpot. */
  fetchedAt: string;
}

/**
 * The cached catalog of state directory `dir`, unless it is older than `maxAgeMs`.
 * Undefined when there is none, or it is unreadable: a cache is never a reason to stop,
 * the caller fetches the catalog again or uses the defaults.
 */
export async function readCachedCatalog(dir: string, maxAgeMs = Infinity, now: Date = new Date()): Promise<CachedCatalog | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(stateDirPaths(dir).catalog, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isCachedCatalog(value)) return undefined;
  const fetchedAt = Date.parse(value.fetchedAt);
  if (Number.isNaN(fetchedAt) || now.getTime() - fetchedAt > maxAgeMs) return undefined;
  return value;
}

/** Saves `doc` as the cached catalog, atomically, mode 0600. */
export async function writeCachedCatalog(dir: string, doc: CatalogDocument, fetchedAt: Date = new Date()): Promise<void> {
  const cached: CachedCatalog = { fetchedAt: fetchedAt.toISOString(), contacts: doc.contacts, companies: doc.companies };
  const path = stateDirPaths(dir).catalog;
  try {
    await faultIfPlanned('catalog');
    await writeFileAtomic(path, `${JSON.stringify(cached)}\n`, { mode: PRIVATE_FILE_MODE, fsync: true });
  } catch (error) {
    throw writeFailure(path, error);
  }
}

function isCachedCatalog(value: unknown): value is CachedCatalog {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof CachedCatalog, unknown>>;
  return typeof v.fetchedAt === 'string' && hasResults(v.contacts) && hasResults(v.companies);
}

function hasResults(side: unknown): boolean {
  return typeof side === 'object' && side !== null && Array.isArray((side as { results?: unknown }).results);
}
