// What replay and diff both need before the first record: the property catalog, the hub
// ID, the event map and the filters, from flags, files, the state directory or HubSpot.
import { readFile } from 'node:fs/promises';
import { Catalog, defaultCatalog, type CatalogDocument, type MapOptions, type RecordFilters } from '../core/index.js';
import { UsageError } from '../errors.js';
import { SpillingIdentityMap } from '../state/spillingIdentityMap.js';
import { stateDirPaths } from '../state/stateDir.js';
import { StateStore, type LearntSuppressedIds } from '../state/stateStore.js';
import type { RecordMapperDeps } from '../sync/recordMapper.js';
import { MemoryDuplicateWindow } from '../sync/memoryDuplicateWindow.js';
import { readSuppressionFile, Suppression } from '../sync/suppressionList.js';

export interface MappingFlags {
  catalog?: string;
  eventMap?: string;
  hubId?: string;
  createEventDefinitions: boolean;
  pagesAsEvents: boolean;
  since?: string;
  until?: string;
  types?: string[];
  events?: string[];
  ignoreIntegrations: boolean;
  consentCategories?: string[];
  suppress?: string;
}

async function readJsonFile(path: string, what: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the ${what} ${path}: check the path given to ${flag}.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The ${what} ${path} is not valid JSON (${(error as Error).message}).`);
  }
}

export async function loadCatalogFile(path: string): Promise<Catalog> {
  const doc = (await readJsonFile(path, 'catalog file', '--catalog')) as Partial<CatalogDocument> | null;
  if (!Array.isArray(doc?.contacts?.results) || !Array.isArray(doc?.companies?.results)) {
    throw new UsageError(
      `The catalog file ${path} must look like {"contacts":{"results":[…]},"companies":{"results":[…]}}; ` +
        '`hubspot-sync properties pull --out FILE` writes one.',
    );
  }
  try {
    return Catalog.fromDocument(doc as CatalogDocument);
  } catch (error) {
    throw new UsageError(`The catalog file ${path} is malformed: ${(error as Error).message}`);
  }
}

/** The catalog a run maps against: a saved file, else HubSpot's (fetched), else the built-in defaults. */
export async function resolveCatalog(flags: MappingFlags, fetchLive?: () => Promise<Catalog>): Promise<{ catalog: Catalog; source: string }> {
  if (flags.catalog) return { catalog: await loadCatalogFile(flags.catalog), source: flags.catalog };
  if (fetchLive) return { catalog: await fetchLive(), source: 'HubSpot' };
  return { catalog: defaultCatalog(), source: 'built-in default properties' };
}

export async function loadEventMap(path: string | undefined): Promise<Record<string, string>> {
  if (!path) return {};
  const map = await readJsonFile(path, 'event map', '--event-map');
  if (typeof map !== 'object' || map === null || Array.isArray(map) || !Object.values(map).every((v) => typeof v === 'string')) {
    throw new UsageError(`The event map ${path} must be a JSON object of Segment event names to HubSpot event names.`);
  }
  return map as Record<string, string>;
}

export function parseHubId(value: string | number): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--hub-id must be the numeric portal ID, got "${value}".`);
  return id;
}

export function mapOptionsFrom(flags: MappingFlags, eventMap: Record<string, string>): MapOptions {
  return { createEventDefinitions: flags.createEventDefinitions, pagesAsEvents: flags.pagesAsEvents, eventMap };
}

export function filtersFrom(flags: MappingFlags): RecordFilters {
  const filters: RecordFilters = {};
  if (flags.since) filters.since = Date.parse(flags.since);
  if (flags.until) filters.until = Date.parse(flags.until);
  if (flags.types?.length) {
    const known = ['identify', 'track', 'group', 'page', 'screen', 'alias'];
    const unknown = flags.types.filter((t) => !known.includes(t));
    if (unknown.length) throw new UsageError(`--types: unknown call type ${unknown.join(', ')}; use ${known.join(', ')}.`);
    filters.types = new Set(flags.types);
  }
  if (flags.events?.length) filters.events = new Set(flags.events);
  return filters;
}

/**
 * Routing, consent and suppression as the flags set them. The --suppress file is read now,
 * before anything else is opened, so that a bad path fails first; the rules are completed
 * with the state directory's learnt suppressed ids once it is open.
 */
export async function prepareDeliveryRules(flags: MappingFlags): Promise<(learnt: LearntSuppressedIds) => RecordMapperDeps['rules']> {
  if (flags.consentCategories !== undefined && flags.consentCategories.length === 0) {
    throw new UsageError('--consent-categories needs at least one category name, e.g. --consent-categories Marketing,Advertising.');
  }
  const file = flags.suppress === undefined ? undefined : await readSuppressionFile(flags.suppress);
  return (learnt) => ({
    ignoreIntegrations: flags.ignoreIntegrations,
    consentCategories: flags.consentCategories,
    suppression: Suppression.forRun(file, learnt),
  });
}

/**
 * What a dry run or a diff remembers while it reads: identities learnt over the state
 * directory's map (only read), suppressed ids likewise, and the duplicate window.
 * `close` releases them.
 */
export function readOnlyMemory(stateDir: string): { identities: SpillingIdentityMap; duplicates: MemoryDuplicateWindow; suppressedIds: LearntSuppressedIds; close(): void } {
  const store = StateStore.open(stateDirPaths(stateDir).state, { readOnly: true });
  const identities = new SpillingIdentityMap(store.identities);
  const duplicates = new MemoryDuplicateWindow();
  let open = true;
  return {
    identities,
    duplicates,
    // Ids earlier runs learnt are read; those learnt now stay in memory (a read-only store keeps what is added).
    suppressedIds: store.suppressedIds,
    /** Releases them all; a second call does nothing. */
    close() {
      if (!open) return;
      open = false;
      identities.close();
      duplicates.close();
      store.close();
    },
  };
}
