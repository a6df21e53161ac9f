// The files and flags mapping stands on (the catalog file, the event map, filters,
// routing, consent and suppression), checked and read into what the mapper takes.
import { readFile } from 'node:fs/promises';
import { Catalog, parseInstant, type CatalogDocument, type MapOptions, type RecordFilters } from '../../core/index.js';
import { readPropertyMap, type PropertyMap } from '../../core/propertyMap.js';
import { syntaxErrorPlace } from '../config.js';
import { UsageError } from '../../errors.js';
import type { RecordMapperDeps } from '../../sync/loop/recordMapper.js';
import type { LearntSuppressedIds } from '../../state/stateStore.js';
import { readSuppressionFile, Suppression } from '../../sync/lists/suppressionList.js';
import type { OptionsOf } from '../options.js';

/** The options mapping reads: mapping, input filters and the hub ID. */
export type MappingOptions = OptionsOf<'mapping' | 'input'> & Pick<OptionsOf<'connection'>, 'hubId'>;

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

export async function loadEventMap(path: string | undefined): Promise<Record<string, string>> {
  if (!path) return {};
  const map = await readJsonFile(path, 'event map', '--event-map');
  if (typeof map !== 'object' || map === null || Array.isArray(map) || !Object.values(map).every((v) => typeof v === 'string')) {
    throw new UsageError(`The event map ${path} must be a JSON object of Segment event names to HubSpot event names.`);
  }
  return map as Record<string, string>;
}

/** `--property-map FILE`, checked: a malformed file or a refused entry is a usage error naming where. */
export async function loadPropertyMap(path: string | undefined): Promise<PropertyMap | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the property map ${path}: check the path given to --property-map.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The property map ${path} is not valid JSON at ${syntaxErrorPlace(text, (error as Error).message)}: fix it there.`);
  }
  const reading = readPropertyMap(document);
  if (!reading.ok) {
    throw new UsageError(`The property map ${path} is refused at ${placeOfEntry(text, reading.entry)}, entry ${reading.entry}: ${reading.reason}.`);
  }
  return reading.map;
}

/** Where an entry's key is written in the file, as `line L, column C` (the file's start when not found). */
function placeOfEntry(text: string, entry: string): string {
  const key = entry.includes('.') ? entry.slice(entry.indexOf('.') + 1) : entry;
  const at = text.indexOf(JSON.stringify(key));
  const before = text.slice(0, Math.max(at, 0)).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

export function parseHubId(value: string | number): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--hub-id must be the numeric portal ID, got "${value}".`);
  return id;
}

export function mapOptionsFrom(flags: MappingOptions, eventMap: Record<string, string>, propertyMap?: PropertyMap): MapOptions {
  return { createEventDefinitions: flags.createEventDefinitions, pagesAsEvents: flags.pagesAsEvents, eventMap, ...(propertyMap ? { propertyMap } : {}) };
}

export function filtersFrom(flags: MappingOptions): RecordFilters {
  const filters: RecordFilters = {};
  if (flags.since) filters.since = parseInstant(flags.since);
  if (flags.until) filters.until = parseInstant(flags.until);
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
export async function prepareDeliveryRules(flags: MappingOptions): Promise<(learnt: LearntSuppressedIds) => RecordMapperDeps['rules']> {
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
