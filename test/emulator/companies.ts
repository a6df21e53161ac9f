// Companies: batch endpoints (shared with contacts) and POST …/objects/<version>/companies/search,
// served from a view that lags `searchLagMs` behind writes; deleting and merging companies
// (the emulator's controls: HubSpot's UI or another app).

import type { ApiRequest, ApiResponse, CrmKind, EmulatorCore, RouteDef } from './core.js';
import { BODIES } from './bodies.js';
import { batchCreate, batchRead, batchUpdate, batchUpsert, inlineAssociations } from './crm.js';
import { isObject, notFoundError, validationError } from './errors.js';
import type { HubSpotPropertyJson } from './types.js';
import { parseDateTime, parseIso } from './values.js';
import { BEHAVIOUR } from './versions.js';

const READ = { allOf: ['crm.objects.companies.read'] };
const WRITE = { allOf: ['crm.objects.companies.write'] };
const BASE = 'companies';
const api = 'crm-objects';

// Where HubSpot's documents disagree on filter limits (5 × 6 and 18 in all, or 5 × 10
// and 25), the stricter figures apply: a client that passes here passes there.
export const LIMITS = {
  maxBodyChars: 3000,
  maxLimit: 200,
  defaultLimit: 10,
  maxResults: 10_000,
  maxGroups: 5,
  maxFiltersPerGroup: 6,
  maxFilters: 18,
  maxInValues: 100,
};

/** String properties that hold a `;`-separated list: CONTAINS_TOKEN matches one whole entry. */
const LIST_PROPERTIES = new Set(['hs_additional_domains', 'hs_merged_object_ids']);

const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

interface Sort {
  propertyName: string;
  direction: 'ASCENDING' | 'DESCENDING';
}

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

function parseFilter(raw: unknown, kind: CrmKind): Filter {
  if (!isObject(raw) || typeof raw.propertyName !== 'string' || typeof raw.operator !== 'string') {
    throw validationError('Invalid filter: each filter needs a "propertyName" and an "operator"');
  }
  const { propertyName, operator } = raw;
  if (!OPERATORS.has(operator)) throw validationError(`Invalid filter operator ${operator}. Allowed: ${[...OPERATORS].join(', ')}`);
  if (!kind.catalog.get(propertyName)) throw validationError(`Invalid filter: property "${propertyName}" does not exist`, { context: { propertyName: [propertyName] } });
  const f: Filter = { propertyName, operator };
  if (operator === 'IN' || operator === 'NOT_IN') {
    if (!Array.isArray(raw.values) || raw.values.length === 0) throw validationError(`Operator ${operator} requires a non-empty "values" array`);
    if (raw.values.length > LIMITS.maxInValues) {
      throw validationError(`Too many values for operator ${operator}: ${raw.values.length}. The maximum is ${LIMITS.maxInValues}.`);
    }
    f.values = raw.values.map((v) => {
      const s = scalar(v);
      if (s === undefined) throw validationError(`Invalid value in "values" for operator ${operator}`);
      return s;
    });
  } else if (operator !== 'HAS_PROPERTY' && operator !== 'NOT_HAS_PROPERTY') {
    const value = scalar(raw.value);
    if (value === undefined) throw validationError(`Operator ${operator} requires a "value"`);
    f.value = value;
    if (operator === 'BETWEEN') {
      const high = scalar(raw.highValue);
      if (high === undefined) throw validationError('Operator BETWEEN requires a "highValue"');
      f.highValue = high;
    }
  }
  return f;
}

function parseSort(raw: unknown): Sort {
  if (typeof raw === 'string') {
    return raw.startsWith('-') ? { propertyName: raw.slice(1), direction: 'DESCENDING' } : { propertyName: raw, direction: 'ASCENDING' };
  }
  if (isObject(raw) && typeof raw.propertyName === 'string') {
    const direction = raw.direction ?? 'ASCENDING';
    if (direction !== 'ASCENDING' && direction !== 'DESCENDING') throw validationError(`Invalid sort direction ${String(direction)}: use ASCENDING or DESCENDING`);
    return { propertyName: raw.propertyName, direction };
  }
  throw validationError('Invalid sort: expected {"propertyName","direction"}');
}

interface SearchRequest {
  groups: Filter[][];
  sorts: Sort[];
  limit: number;
  after: number;
  properties: string[] | undefined;
  query: string | undefined;
}

function parseSearch(req: ApiRequest, kind: CrmKind): SearchRequest {
  if (req.rawBody.length > LIMITS.maxBodyChars) {
    throw validationError(`The search request body is ${req.rawBody.length} characters long; the maximum is ${LIMITS.maxBodyChars}.`);
  }
  const body = req.body;
  if (!isObject(body)) throw validationError('Invalid input JSON: the search body must be an object');
  const rawGroups = body.filterGroups ?? [];
  if (!Array.isArray(rawGroups)) throw validationError('Invalid input JSON: "filterGroups" must be an array');
  if (rawGroups.length > LIMITS.maxGroups) throw validationError(`Too many filter groups: ${rawGroups.length}. The maximum is ${LIMITS.maxGroups}.`);
  const groups = rawGroups.map((g: unknown) => {
    const filters = isObject(g) ? g.filters : undefined;
    if (!Array.isArray(filters)) throw validationError('Invalid input JSON: each filter group needs a "filters" array');
    if (filters.length > LIMITS.maxFiltersPerGroup) {
      throw validationError(`Too many filters in a group: ${filters.length}. The maximum is ${LIMITS.maxFiltersPerGroup}.`);
    }
    return filters.map((f: unknown) => parseFilter(f, kind));
  });
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total > LIMITS.maxFilters) throw validationError(`Too many filters: ${total}. The maximum is ${LIMITS.maxFilters} across all groups.`);
  const rawSorts = body.sorts ?? [];
  if (!Array.isArray(rawSorts)) throw validationError('Invalid input JSON: "sorts" must be an array');
  if (rawSorts.length > 1) throw validationError('Only one sort is allowed per search.');
  const sorts = rawSorts.map(parseSort);
  const limit = body.limit ?? LIMITS.defaultLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxLimit) {
    throw validationError(`Invalid limit ${String(limit)}: it must be an integer between 1 and ${LIMITS.maxLimit}.`);
  }
  const afterRaw = body.after ?? '0';
  const afterStr = scalar(afterRaw) ?? '';
  if (!/^\d+$/.test(afterStr)) throw validationError(`Invalid "after" ${JSON.stringify(afterRaw)}: use the value of paging.next.after`);
  const after = Number(afterStr);
  if (after >= LIMITS.maxResults) {
    throw validationError(`Paging past ${LIMITS.maxResults} results is not allowed (after=${after}). Narrow the search with filters.`);
  }
  let properties: string[] | undefined;
  if (body.properties !== undefined) {
    if (!Array.isArray(body.properties) || !body.properties.every((p) => typeof p === 'string')) {
      throw validationError('Invalid input JSON: "properties" must be an array of property names');
    }
    properties = body.properties as string[];
  }
  if (body.query !== undefined && typeof body.query !== 'string') throw validationError('Invalid input JSON: "query" must be a string');
  return { groups, sorts, limit, after, properties, query: body.query as string | undefined };
}

// ---- matching ----

function msOf(v: string): number | undefined {
  return parseDateTime(v) ?? parseIso(v);
}

function compareValues(type: string, a: string, b: string): number {
  if (type === 'number') return Number(a) - Number(b);
  if (type === 'date' || type === 'datetime') return (msOf(a) ?? NaN) - (msOf(b) ?? NaN);
  return a < b ? -1 : a > b ? 1 : 0;
}

function parts(p: HubSpotPropertyJson | undefined, stored: string): string[] {
  return p?.type === 'enumeration' && p.fieldType === 'checkbox' ? stored.split(';') : [stored];
}

function equalsValue(p: HubSpotPropertyJson | undefined, stored: string, value: string): boolean {
  const type = p?.type ?? 'string';
  if (type === 'number' || type === 'date' || type === 'datetime') return compareValues(type, stored, value) === 0;
  return parts(p, stored).some((s) => s.toLowerCase() === value.toLowerCase());
}

/** IN/NOT_IN on strings compare against the lowercased stored value: uppercase values never match. */
function inValue(p: HubSpotPropertyJson | undefined, stored: string, value: string): boolean {
  const type = p?.type ?? 'string';
  if (type === 'number' || type === 'date' || type === 'datetime') return compareValues(type, stored, value) === 0;
  if (type === 'enumeration') return parts(p, stored).includes(value);
  return stored.toLowerCase() === value;
}

/**
 * A token matches a whole word of the value, or the whole value (`*` is a wildcard). In a
 * `;`-separated list (hs_additional_domains) the tokens are its entries, exactly: `acme.com`
 * matches `x.com;acme.com` but not `notacme.com` or `acme.com.au`.
 */
function containsToken(stored: string, token: string, list: boolean): boolean {
  const pattern = new RegExp(`^${token.toLowerCase().split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const lower = stored.toLowerCase();
  if (list) return lower.split(';').some((entry) => pattern.test(entry.trim()));
  return pattern.test(lower) || lower.split(/[^a-z0-9]+/).some((t) => pattern.test(t));
}

function matches(f: Filter, props: Record<string, string>, p: HubSpotPropertyJson | undefined): boolean {
  const stored = props[f.propertyName];
  const has = stored !== undefined && stored !== '';
  const type = p?.type ?? 'string';
  const value = f.value ?? '';
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return has && equalsValue(p, stored, value);
    case 'NEQ':
      return !(has && equalsValue(p, stored, value));
    case 'IN':
      return has && (f.values ?? []).some((v) => inValue(p, stored, v));
    case 'NOT_IN':
      return !(has && (f.values ?? []).some((v) => inValue(p, stored, v)));
    case 'LT':
      return has && compareValues(type, stored, value) < 0;
    case 'LTE':
      return has && compareValues(type, stored, value) <= 0;
    case 'GT':
      return has && compareValues(type, stored, value) > 0;
    case 'GTE':
      return has && compareValues(type, stored, value) >= 0;
    case 'BETWEEN':
      return has && compareValues(type, stored, value) >= 0 && compareValues(type, stored, f.highValue ?? '') <= 0;
    case 'CONTAINS_TOKEN':
      return has && containsToken(stored, value, LIST_PROPERTIES.has(f.propertyName));
    case 'NOT_CONTAINS_TOKEN':
      return !(has && containsToken(stored, value, LIST_PROPERTIES.has(f.propertyName)));
    default:
      return false;
  }
}

/** When every group pins `domain` with EQ/IN, only records that ever had those domains can match. */
function candidateIds(kind: CrmKind, groups: Filter[][]): Iterable<string> {
  const pinned = groups.map((g) => g.find((f) => f.propertyName === 'domain' && (f.operator === 'EQ' || f.operator === 'IN')));
  if (groups.length === 0 || pinned.some((f) => f === undefined)) return kind.store.searchCandidates();
  const domains = pinned.flatMap((f) => (f?.operator === 'EQ' ? [(f.value ?? '').toLowerCase()] : (f?.values ?? [])));
  return kind.store.idsWithDomain(domains);
}

export function search(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const s = parseSearch(req, kind);
  const t = core.now();
  const hits: Array<{ id: string; props: Record<string, string> }> = [];
  for (const id of candidateIds(kind, s.groups)) {
    const props = kind.store.searchView(id, t);
    if (!props) continue;
    const ok = s.groups.length === 0 || s.groups.some((g) => g.every((f) => matches(f, props, kind.catalog.get(f.propertyName))));
    if (!ok) continue;
    if (s.query !== undefined && s.query !== '') {
      const q = s.query.toLowerCase();
      if (!['name', 'domain', 'website', 'phone'].some((n) => (props[n] ?? '').toLowerCase().includes(q))) continue;
    }
    hits.push({ id, props });
  }
  const byId = (a: { id: string }, b: { id: string }): number => Number(a.id) - Number(b.id);
  const sort = s.sorts[0];
  hits.sort((a, b) => {
    if (!sort) return byId(a, b);
    const va = a.props[sort.propertyName];
    const vb = b.props[sort.propertyName];
    if (va === undefined || vb === undefined) return va === vb ? byId(a, b) : va === undefined ? 1 : -1;
    const c = compareValues(kind.catalog.get(sort.propertyName)?.type ?? 'string', va, vb);
    return (sort.direction === 'DESCENDING' ? -c : c) || byId(a, b);
  });
  const end = Math.min(s.after + s.limit, LIMITS.maxResults);
  const page = hits.slice(s.after, end);
  const requested = (s.properties ?? kind.defaultReadProperties).filter((n) => kind.catalog.get(n));
  const names = [...new Set([...requested, 'createdate', 'hs_object_id', kind.store.lastModifiedProperty])].sort();
  const results = page.map(({ id, props }) => {
    const properties: Record<string, string | null> = {};
    for (const n of names) {
      const value = props[n];
      if (value !== undefined) properties[n] = value;
      else if (BEHAVIOUR[req.version].nullSearchValues) properties[n] = null;
    }
    return { id, properties, createdAt: props.createdate, updatedAt: props[kind.store.lastModifiedProperty], archived: false };
  });
  const body: Record<string, unknown> = { total: hits.length, results };
  if (hits.length > s.after + s.limit) body.paging = { next: { after: String(s.after + s.limit) } };
  return { status: 200, body };
}

export const companyRoutes: RouteDef[] = [
  { method: 'POST', api, path: `${BASE}/search`, body: BODIES.search, scopes: READ, rate: 'search', handler: (req, core) => search(req, core, core.companies) },
  { method: 'POST', api, path: `${BASE}/batch/upsert`, body: BODIES.batchUpsert, scopes: WRITE, rate: 'standard', handler: (req, core) => batchUpsert(req, core, core.companies) },
  { method: 'POST', api, path: `${BASE}/batch/read`, body: BODIES.batchRead, scopes: READ, rate: 'standard', handler: (req, core) => batchRead(req, core, core.companies) },
  {
    method: 'POST',
    api,
    path: `${BASE}/batch/create`,
    body: BODIES.batchCreate,
    scopes: WRITE,
    rate: 'standard',
    handler: (req, core) =>
      batchCreate(req, core, core.companies, inlineAssociations(core.contacts, [280, 2], (companyId, contactId) => core.state.associate(contactId, companyId))),
  },
  { method: 'POST', api, path: `${BASE}/batch/update`, body: BODIES.batchUpdate, scopes: WRITE, rate: 'standard', handler: (req, core) => batchUpdate(req, core, core.companies) },
];

// ---- deleting and merging (what HubSpot's UI or another integration does between runs) ----

/** Deletes a company: its id answers OBJECT_NOT_FOUND to updates and reads; its associations go. */
export function deleteCompany(core: EmulatorCore, id: string): void {
  if (!core.companies.store.get(id)) throw notFoundError(`No company with id ${id}`);
  for (const [key, pair] of core.state.associations) if (pair.companyId === id) core.state.associations.delete(key);
  core.companies.store.delete(id, core.now());
}

const SYSTEM = new Set(['hs_object_id', 'createdate', 'hs_lastmodifieddate', 'hs_additional_domains', 'hs_merged_object_ids', 'domain']);

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(';').map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * HubSpot's merge: the primary company stays, with its own values; values it lacks come
 * from the merged one (unique ones excepted: they would collide); the merged company's
 * domain and other domains become the primary's additional domains, its id one of
 * `hs_merged_object_ids`, and its associations the primary's. The merged id is gone:
 * updates and reads of it answer OBJECT_NOT_FOUND.
 */
export function mergeCompanies(core: EmulatorCore, primaryId: string, mergedId: string): void {
  const store = core.companies.store;
  const primary = store.get(primaryId);
  const merged = store.get(mergedId);
  if (!primary || !merged) throw notFoundError(`No company with id ${!primary ? primaryId : mergedId}`);
  if (primaryId === mergedId) throw validationError('A company cannot be merged into itself');
  const changes: Record<string, string> = {};
  const unique = new Set(core.companies.catalog.uniqueNames());
  for (const [name, value] of Object.entries(merged.properties)) {
    if (SYSTEM.has(name) || unique.has(name) || primary.properties[name] !== undefined) continue;
    changes[name] = value;
  }
  const own = primary.properties.domain;
  const domains = [...new Set([...listOf(primary.properties.hs_additional_domains), ...[merged.properties.domain ?? '', ...listOf(merged.properties.hs_additional_domains)].filter((d) => d !== '' && d !== own)])];
  if (domains.length > 0) changes.hs_additional_domains = domains.join(';');
  changes.hs_merged_object_ids = [...new Set([...listOf(primary.properties.hs_merged_object_ids), mergedId, ...listOf(merged.properties.hs_merged_object_ids)])].join(';');
  const contacts: string[] = [];
  for (const [key, pair] of core.state.associations) {
    if (pair.companyId !== mergedId) continue;
    contacts.push(pair.contactId);
    core.state.associations.delete(key);
  }
  const t = core.now();
  store.delete(mergedId, t);
  store.update(primary, changes, t);
  for (const contactId of contacts) core.state.associate(contactId, primaryId);
}
