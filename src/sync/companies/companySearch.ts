// Finds companies by domain in bulk, within HubSpot's search limits: a body of at most
// 3,000 characters, at most 100 IN values, at most 5 filter groups (ORed) whose filters
// are ANDed. Two passes:
// 1. `domain IN [...]`, as many domains per body as its size allows (long domains make
//    short lists);
// 2. for the domains pass 1 did not find, their company may hold them as additional
//    domains (`hs_additional_domains`, a `;`-separated list). Search runs at 5 requests a
//    second, so how this pass asks depends on the portal, learnt once per finder:
//    - few companies list additional domains (most portals: none): all of them are read
//      once, 200 a request (`HAS_PROPERTY`), and every later domain is looked up there;
//    - many do: one CONTAINS_TOKEN group per domain, five per body.
//    Each hit is checked against the list, entry by entry.
// A domain may match several companies (HubSpot does not dedupe API-created ones): the
// one whose key property holds the domain wins, then one whose own domain it is, then
// one that lists it; among equals the oldest, the company every later run agrees on.
import type { CrmObject, SearchResponse } from '../../hubspot/types.js';
import type { Requester } from '../requests/requester.js';

/** HubSpot refuses a longer search body. Measured in UTF-8 bytes, never fewer than characters. */
export const MAX_SEARCH_BODY = 3000;
const MAX_IN_VALUES = 100;
const MAX_GROUPS = 5;
const PAGE_SIZE = 100;
/** The most results one search page holds: the listing of additional domains reads at that pace. */
const LISTING_PAGE = 200;
/**
 * Above this many companies listing additional domains, reading them all (one request
 * per 200) costs more than asking five domains a request for all but large exports.
 */
export const MAX_LISTED = 2_000;
/** The longest `after` a search can carry: paging stops before 10,000 results. */
const LONGEST_AFTER = '9999';

export const ADDITIONAL_DOMAINS = 'hs_additional_domains';

export interface SearchBody {
  filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value?: string; values?: string[] }> }>;
  properties: string[];
  sorts: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  limit: number;
  after?: string;
}

export interface SearchPlan {
  bodies: SearchBody[];
  /** Domains no body can hold (longer than any host name): never searched. */
  unsearchable: string[];
}

export function bodySize(body: SearchBody): number {
  return Buffer.byteLength(JSON.stringify(body));
}

const json = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

function emptyBody(properties: readonly string[]): SearchBody {
  return {
    filterGroups: [],
    properties: [...properties],
    sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
    limit: PAGE_SIZE,
  };
}

/**
 * Packs items into bodies: `build(items)` makes a body, `itemSize` is what one more item
 * adds to it (its JSON and a comma). Every item lands in exactly one body, in order.
 */
function pack(items: readonly string[], maxItems: number, build: (items: string[]) => SearchBody, itemSize: (item: string) => number): SearchPlan {
  const bodies: SearchBody[] = [];
  const unsearchable: string[] = [];
  // A body with no item, `after` included (every page after the first carries one).
  const base = bodySize({ ...build(['']), after: LONGEST_AFTER }) - itemSize('');
  let current: string[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0) {
      const grown = size + 1 + itemSize(item);
      if (grown <= MAX_SEARCH_BODY && current.length < maxItems) {
        current.push(item);
        size = grown;
        continue;
      }
      bodies.push(build(current));
    }
    current = [];
    const alone = base + itemSize(item);
    if (alone > MAX_SEARCH_BODY) {
      unsearchable.push(item);
      continue;
    }
    current = [item];
    size = alone;
  }
  if (current.length > 0) bodies.push(build(current));
  return { bodies, unsearchable };
}

/** `domain IN [...]` bodies: each domain in exactly one, each body within the limits. */
export function planDomainSearches(domains: readonly string[], properties: readonly string[]): SearchPlan {
  const build = (values: string[]): SearchBody => ({ ...emptyBody(properties), filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values }] }] });
  return pack(unique(domains), MAX_IN_VALUES, build, json);
}

const additionalGroup = (domain: string) => ({ filters: [{ propertyName: ADDITIONAL_DOMAINS, operator: 'CONTAINS_TOKEN', value: domain }] });

/** One CONTAINS_TOKEN group on the additional domains per domain, five groups a body. */
export function planAdditionalDomainSearches(domains: readonly string[], properties: readonly string[]): SearchPlan {
  const build = (values: string[]): SearchBody => ({ ...emptyBody(properties), filterGroups: values.map(additionalGroup) });
  return pack(unique(domains), MAX_GROUPS, build, (domain) => json(additionalGroup(domain)));
}

function unique(domains: readonly string[]): string[] {
  return [...new Set(domains)];
}

/** The entries of a `;`-separated domain list, as domains are compared. */
export function domainList(value: string | null | undefined): string[] {
  return (value ?? '').split(';').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
}

export type FoundBy = 'key' | 'domain' | 'additional';

export interface FoundCompany {
  id: string;
  via: FoundBy;
  /** The company's key property value, when it has one (and a key property was asked for). */
  key?: string;
  createdAt: string;
}

export interface CompanySearchOptions {
  /** The unique key property, read so that a company already keyed is preferred and never re-keyed. */
  keyProperty?: string;
  /** Ids HubSpot no longer has (deleted, merged away) that a lagging search may still show. */
  exclude?: ReadonlySet<string>;
  /** Only the first pass, by each company's own domain (the request plan's question). */
  ownDomainOnly?: boolean;
}

export interface CompanySearchResult {
  found: Map<string, FoundCompany>;
  unsearchable: string[];
}

const RANK: Record<FoundBy, number> = { key: 0, domain: 1, additional: 2 };

function better(a: FoundCompany, b: FoundCompany): boolean {
  if (RANK[a.via] !== RANK[b.via]) return RANK[a.via] < RANK[b.via];
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && Number(a.id) < Number(b.id));
}

function searchedProperties(keyProperty: string | undefined): string[] {
  return ['domain', 'createdate', ADDITIONAL_DOMAINS, ...(keyProperty ? [keyProperty] : [])];
}

/** How the second pass asks: the listing read once (`pages` requests), or five domains a request. */
export type AdditionalPass = { kind: 'listing'; pages: number } | { kind: 'perDomain' };

/** The second pass a finder chooses when `listed` companies list additional domains. */
export function additionalPass(listed: number, maxListed = MAX_LISTED): AdditionalPass {
  return listed > maxListed ? { kind: 'perDomain' } : { kind: 'listing', pages: Math.max(1, Math.ceil(listed / LISTING_PAGE)) };
}

/** The searches for some domains: the first pass's, and the second's when it asks domain by domain (0: none needs it). */
export interface SearchCount {
  byDomain: number;
  perDomain: number;
}

/**
 * The requests a finder makes for these domains when those in `found` are found by their
 * own domain and the others by none (one page of results each). A second pass that reads
 * the listing instead costs its pages once per finder (`additionalPass`).
 */
export function searchRequestCount(domains: readonly string[], found: ReadonlySet<string>, keyProperty?: string): SearchCount {
  const properties = searchedProperties(keyProperty);
  const byDomain = planDomainSearches(domains, properties);
  const rest = unique(domains).filter((domain) => !found.has(domain) && !byDomain.unsearchable.includes(domain));
  return { byDomain: byDomain.bodies.length, perDomain: planAdditionalDomainSearches(rest, properties).bodies.length };
}

/** The companies listing additional domains, by each listed domain; or too many to read. */
type Listing = { kind: 'listing'; keyProperty: string | undefined; byDomain: Map<string, CrmObject[]> } | { kind: 'perDomain'; keyProperty: string | undefined };

export interface FinderSettings {
  /** False: a 401/403 is thrown to the caller, who can do without (a dry run's request plan). */
  authFatal?: boolean;
  /** Above this many companies listing additional domains, the second pass asks domain by domain. */
  maxListed?: number;
}

/**
 * Finds companies by domain for one run: the second pass's listing is read once and kept,
 * since the run's own companies are known by id once written and never searched again.
 */
export class CompanyFinder {
  private listing?: Promise<Listing>;

  constructor(
    private readonly requester: Requester,
    private readonly settings: FinderSettings = {},
  ) {}

  /** domain → its company, for the domains HubSpot's search shows a company for. */
  async find(domains: readonly string[], options: CompanySearchOptions = {}): Promise<CompanySearchResult> {
    const { keyProperty } = options;
    const properties = searchedProperties(keyProperty);
    const wanted = new Set(domains);
    const found = new Map<string, FoundCompany>();
    const consider = (domain: string, company: CrmObject, via: FoundBy) => {
      if (options.exclude?.has(company.id)) return;
      const key = keyProperty ? company.properties[keyProperty]?.toLowerCase() || undefined : undefined;
      const candidate: FoundCompany = { id: company.id, via: key === domain ? 'key' : via, key, createdAt: company.properties.createdate ?? company.createdAt ?? '' };
      const best = found.get(domain);
      if (!best || better(candidate, best)) found.set(domain, candidate);
    };

    const byDomain = planDomainSearches(domains, properties);
    for (const company of await this.run(byDomain.bodies)) {
      const domain = company.properties.domain?.toLowerCase();
      if (domain && wanted.has(domain)) consider(domain, company, 'domain');
    }
    const rest = [...wanted].filter((domain) => !found.has(domain) && !byDomain.unsearchable.includes(domain));
    if (options.ownDomainOnly || rest.length === 0) return { found, unsearchable: byDomain.unsearchable };

    const listing = await this.listingFor(keyProperty);
    if (listing.kind === 'listing') {
      for (const domain of rest) for (const company of listing.byDomain.get(domain) ?? []) consider(domain, company, 'additional');
    } else {
      const listed = new Set(rest);
      for (const company of await this.run(planAdditionalDomainSearches(rest, properties).bodies)) {
        // HubSpot's token match is looser than ours may be: only a whole entry counts.
        for (const domain of domainList(company.properties[ADDITIONAL_DOMAINS])) if (listed.has(domain)) consider(domain, company, 'additional');
      }
    }
    return { found, unsearchable: byDomain.unsearchable };
  }

  /** How many companies list additional domains (one request): what the request plan needs. */
  async listedCount(): Promise<number> {
    const { body } = await this.requester.send<SearchResponse>('companiesSearch', { body: { ...listingBody(undefined), limit: 1 } }, { authFatal: this.settings.authFatal });
    return body.total ?? 0;
  }

  /** Companies' additional domains were written: the listing is read again when next needed. */
  forgetListing(): void {
    this.listing = undefined;
  }

  private listingFor(keyProperty: string | undefined): Promise<Listing> {
    const kept = this.listing;
    if (kept) return kept.then((listing) => (listing.keyProperty === keyProperty ? listing : this.readListing(keyProperty)));
    return this.readListing(keyProperty);
  }

  private readListing(keyProperty: string | undefined): Promise<Listing> {
    const reading = this.readListingPages(keyProperty);
    this.listing = reading;
    // A failed read is not kept: the next batch asks again.
    reading.catch(() => {
      if (this.listing === reading) this.listing = undefined;
    });
    return reading;
  }

  private async readListingPages(keyProperty: string | undefined): Promise<Listing> {
    const byDomain = new Map<string, CrmObject[]>();
    const tooMany = await this.pages(listingBody(keyProperty), (page) => {
      // The one rule the request plan counts by, too.
      if (additionalPass(page.total, this.settings.maxListed).kind === 'perDomain') return true;
      for (const company of page.results ?? []) {
        for (const domain of domainList(company.properties[ADDITIONAL_DOMAINS])) {
          const listing = byDomain.get(domain);
          if (listing) listing.push(company);
          else byDomain.set(domain, [company]);
        }
      }
      return false;
    });
    return tooMany ? { kind: 'perDomain', keyProperty } : { kind: 'listing', keyProperty, byDomain };
  }

  /** Every page of every body. */
  private async run(bodies: readonly SearchBody[]): Promise<CrmObject[]> {
    const companies: CrmObject[] = [];
    for (const body of bodies) {
      await this.pages(body, (page) => {
        companies.push(...(page.results ?? []));
        return false;
      });
    }
    return companies;
  }

  /** Each page of one body in turn, until the last or until `take` says stop (true: stopped). */
  private async pages(body: SearchBody, take: (page: SearchResponse) => boolean): Promise<boolean> {
    let after: string | undefined;
    do {
      const { body: page } = await this.requester.send<SearchResponse>('companiesSearch', { body: after ? { ...body, after } : body }, { authFatal: this.settings.authFatal });
      if (take(page)) return true;
      after = page.paging?.next?.after;
    } while (after);
    return false;
  }
}

/** Every company that lists additional domains, oldest first, a full page at a time. */
function listingBody(keyProperty: string | undefined): SearchBody {
  return { ...emptyBody(searchedProperties(keyProperty)), filterGroups: [{ filters: [{ propertyName: ADDITIONAL_DOMAINS, operator: 'HAS_PROPERTY' }] }], limit: LISTING_PAGE };
}

/** One search with a finder of its own (a listing it reads is not kept). */
export function searchCompaniesByDomain(requester: Requester, domains: readonly string[], options: CompanySearchOptions & FinderSettings = {}): Promise<CompanySearchResult> {
  return new CompanyFinder(requester, options).find(domains, options);
}
