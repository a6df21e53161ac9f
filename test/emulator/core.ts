// What every handler sees: configuration, state, catalogs, clock, limiters and counters.

import { TokenRegistry, type ScopeRule } from './auth.js';
import { Catalog, defaultEmulatorCatalog } from './catalog.js';
import { Faults } from './faults.js';
import { mulberry32, type Rng } from './random.js';
import { RateLimiter, type RatePolicy } from './ratelimit.js';
import { EmulatorState, type CrmStore } from './state.js';
import type { EmulatorOptions, EmulatorStats, RequestLogEntry, Tier } from './types.js';
import type { ObjectType } from './values.js';
import type { Shape } from './bodies.js';
import type { ApiFamily, ApiVersion } from './versions.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Parsed JSON body (POST), else undefined. */
  body: unknown;
  rawBody: string;
  token: string;
  /** The API version of the path it came in on. */
  version: ApiVersion;
}

export interface ApiResponse {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
}

export type Handler = (req: ApiRequest, core: EmulatorCore) => ApiResponse;

export interface RouteDef {
  method: 'GET' | 'POST';
  /** The API family: its versioned root comes before `path` (see versions.ts). */
  api: ApiFamily;
  /** The rest of the path, with `{param}` segments, e.g. `event-definitions/{eventName}`. */
  path: string;
  /** The shape a POST body must have (bodies.ts); checked before the handler runs. */
  body?: Shape;
  scopes?: ScopeRule;
  rate: RatePolicy;
  /** Refused with 403 unless the portal is on the enterprise tier. */
  enterpriseOnly?: boolean;
  handler: Handler;
}

/** A route as served in one version: `path` is the full pattern, e.g. `/events/custom/2026-09/send/batch`. */
export interface ServedRoute extends RouteDef {
  version: ApiVersion;
}

/** One CRM object type: its store, catalog and naming. */
export interface CrmKind {
  type: ObjectType;
  /** As in HubSpot messages: `Could not get some CONTACT objects`. */
  upper: 'CONTACT' | 'COMPANY';
  title: 'Contact' | 'Company';
  objectTypeId: '0-1' | '0-2';
  store: CrmStore;
  catalog: Catalog;
  /** Returned by reads that do not name properties. */
  defaultReadProperties: string[];
  /** Always returned in write results (with the input's properties). */
  writeResultProperties: string[];
}

/** Enough for every test and benchmark run; a stand-in left running keeps the latest. */
const MAX_LOG = 200_000;

export class EmulatorCore {
  readonly portalId: number;
  readonly tier: Tier;
  readonly timeZone: string;
  readonly token: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly state: EmulatorState;
  readonly contacts: CrmKind;
  readonly companies: CrmKind;
  readonly tokens: TokenRegistry;
  readonly limiter: RateLimiter;
  readonly faults: Faults;
  /** Orders batch results (HubSpot does not keep request order). */
  readonly order: Rng;
  readonly counters: EmulatorStats;
  /** Every API request, oldest first; the oldest are dropped past MAX_LOG. */
  private readonly requestLog: RequestLogEntry[] = [];
  private definitionIds = 22_000_001;

  constructor(options: EmulatorOptions) {
    this.portalId = options.portalId ?? 123456;
    this.tier = options.tier ?? 'enterprise';
    this.timeZone = options.timeZone ?? 'US/Eastern';
    this.token = options.token ?? 'pat-emulator-0000';
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.state = new EmulatorState(options.searchLagMs ?? 0, options.idOffset ?? 0);
    const catalog = options.catalog ?? defaultEmulatorCatalog();
    this.contacts = {
      type: 'contacts',
      upper: 'CONTACT',
      title: 'Contact',
      objectTypeId: '0-1',
      store: this.state.contactStore,
      catalog: new Catalog(catalog.contacts.results),
      defaultReadProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
      writeResultProperties: ['createdate', 'email', 'hs_object_id', 'lastmodifieddate'],
    };
    this.companies = {
      type: 'companies',
      upper: 'COMPANY',
      title: 'Company',
      objectTypeId: '0-2',
      store: this.state.companyStore,
      catalog: new Catalog(catalog.companies.results),
      defaultReadProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
      writeResultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    };
    this.tokens = new TokenRegistry(this.token, options.tokens);
    this.limiter = new RateLimiter(options.rateLimit, this.timeZone, this.now);
    this.faults = new Faults(options.faults);
    this.order = mulberry32((options.faults?.seed ?? 1) ^ 0x5eed);
    this.counters = {
      requests: { total: 0, byEndpoint: {} },
      writes: 0,
      rateLimited: 0,
      rateLimitedByPolicy: {},
      faults: { errors: 0, resets: 0, rateLimited: 0, locked: 0, html: 0, badJson: 0 },
      maxInTenSeconds: 0,
      dailyUsed: 0,
    };
  }

  log(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    if (this.requestLog.length > MAX_LOG) this.requestLog.splice(0, this.requestLog.length - MAX_LOG);
  }

  requests(): RequestLogEntry[] {
    return this.requestLog.map((entry) => ({ ...entry }));
  }

  iso(t: number = this.now()): string {
    return new Date(t).toISOString();
  }

  nextDefinitionId(): string {
    return String(this.definitionIds++);
  }

  stats(): EmulatorStats {
    const c = this.counters;
    return {
      requests: { total: c.requests.total, byEndpoint: { ...c.requests.byEndpoint } },
      writes: c.writes,
      rateLimited: c.rateLimited,
      rateLimitedByPolicy: { ...c.rateLimitedByPolicy },
      faults: { ...c.faults },
      maxInTenSeconds: this.limiter.maxInTenSeconds,
      dailyUsed: this.limiter.dailyUsed,
    };
  }
}
