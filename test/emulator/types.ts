// Public types of the HubSpot emulator (test/emulator). Other test suites depend on these
// names and shapes; change them only together with their users.

export type Tier = 'starter' | 'professional' | 'enterprise';

export interface RateLimitOptions {
  /** Requests per rolling 10 s window, per token (default 100). */
  perTenSeconds?: number;
  /** Requests per day, per account; resets at midnight in the portal time zone (default 250000). */
  daily?: number;
  /** Search requests per rolling second, per token (default 5). */
  searchPerSecond?: number;
  /**
   * The rolling window's length in ms (default 10000, HubSpot's). For tests that shrink time
   * together with the CLI's HUBSPOT_SYNC_RATE_WINDOW_MS; search's second shrinks in proportion.
   */
  windowMs?: number;
}

export interface FaultOptions {
  /** Seed of the deterministic PRNG that decides which requests fail (default 1). */
  seed?: number;
  /** Share of requests answered 502/503/504 without applying them. */
  errorRate?: number;
  /** Share of requests that are applied, then have their connection destroyed before any response. */
  resetRate?: number;
  /** Added latency per request: fixed ms, or a [min, max] range drawn from the PRNG. */
  latencyMs?: number | [number, number];
  /** Share of requests answered 429 TEN_SECONDLY_ROLLING (not applied), whatever the window holds. */
  rateLimitRate?: number;
  /** Sent as `Retry-After` (seconds) on every 429, injected or earned. HubSpot documents none; some proxies send it. */
  retryAfterSeconds?: number;
  /** Share of requests answered 423 Locked (not applied), as HubSpot does after a burst of writes. */
  lockedRate?: number;
  /** Share of requests answered 502/503 by a proxy: an HTML page, `text/html`, no HubSpot headers (not applied). */
  htmlErrorRate?: number;
  /** Share of requests applied, then answered 200 with a body that is not JSON (cut short on the way). */
  badJsonRate?: number;
  /** No `X-HubSpot-RateLimit-*` headers on any answer (HubSpot drops them when its limit lookup fails). */
  omitRateLimitHeaders?: boolean;
  /**
   * Batch create, update and upsert report invalid inputs with one 400 for the whole
   * batch even when every input has its own objectWriteTraceId (HubSpot documents the
   * per-input 207 for create only).
   */
  wholeBatchErrors?: boolean;
  /**
   * HubSpot may answer a batch upsert or update either way, so the stand-in does both:
   * this share of upsert and update requests (drawn per request from a PRNG of their
   * own, seeded by `seed`) refuse the whole batch with one 400 when an input is invalid,
   * although every input is traced; the others answer per input (207). 0 by default:
   * per input. `wholeBatchErrors` still makes every batch whole-batch.
   */
  wholeBatchShare?: number;
  /** Only requests to these routes draw an injected fault (latency aside), e.g. `POST /crm/objects/2026-03/companies/batch/create`. */
  endpoints?: string[];
}

export interface HubSpotPropertyOption {
  label: string;
  value: string;
  displayOrder?: number;
  hidden?: boolean;
  description?: string;
}

/** One item of `GET /crm/properties/<version>/{object}` (HubSpot's JSON shape). */
export interface HubSpotPropertyJson {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName?: string;
  description?: string;
  displayOrder?: number;
  options?: HubSpotPropertyOption[];
  hasUniqueValue?: boolean;
  hidden?: boolean;
  hubspotDefined?: boolean;
  calculated?: boolean;
  externalOptions?: boolean;
  formField?: boolean;
  dataSensitivity?: string;
  createdAt?: string;
  updatedAt?: string;
  modificationMetadata?: {
    archivable?: boolean;
    readOnlyDefinition?: boolean;
    readOnlyValue?: boolean;
    readOnlyOptions?: boolean;
  };
  [extra: string]: unknown;
}

export interface CatalogInput {
  contacts: { results: HubSpotPropertyJson[] };
  companies: { results: HubSpotPropertyJson[] };
}

export type EventPropertyType = 'string' | 'number' | 'enumeration' | 'datetime';

export interface EventPropertyDefinitionInput {
  name: string;
  label: string;
  type: EventPropertyType;
  description?: string;
  options?: HubSpotPropertyOption[];
}

/** The body of `POST …/event-definitions` (also used for pre-existing definitions). */
export interface EventDefinitionInput {
  name: string;
  label: string;
  pluralLabel?: string;
  description?: string;
  primaryObject?: string;
  includeDefaultProperties?: boolean;
  propertyDefinitions?: EventPropertyDefinitionInput[];
}

export interface EmulatorOptions {
  /** Default 0: a free port. The server always listens on 127.0.0.1. */
  port?: number;
  /** The full-access token (default 'pat-emulator-0000'). */
  token?: string;
  /** Extra tokens and the scopes they were granted. */
  tokens?: Record<string, string[]>;
  portalId?: number;
  /**
   * Added to every contact and company id this portal gives (default 0), so that two
   * stand-in portals hand out ids from different ranges, as HubSpot's portals do.
   */
  idOffset?: number;
  /** Default 'enterprise'; custom behavioral events need enterprise (403 otherwise). */
  tier?: Tier;
  /** Portal time zone (default 'US/Eastern'); the daily limit resets at its midnight. */
  timeZone?: string;
  rateLimit?: RateLimitOptions;
  /** Companies created/updated less than this many ms ago are invisible to search, which sees their old state. */
  searchLagMs?: number;
  faults?: FaultOptions;
  catalog?: CatalogInput;
  eventDefinitions?: EventDefinitionInput[];
  /** Clock in ms (default Date.now): rate windows, daily reset, search lag and timestamps use it. */
  now?: () => number;
  /** How injected latency is waited out (default a timer): a test may record the waits instead. */
  sleep?: (ms: number) => Promise<void>;
}

/** One API request as the stand-in received it (`/_emulator/requests`). */
export interface RequestLogEntry {
  method: string;
  /** The URL path, without the query. */
  path: string;
  /** The status it was answered with (or would have been, before a reset). */
  status: number;
  /** The connection was destroyed instead of answering. */
  reset?: boolean;
}

export interface EmulatorStats {
  requests: { total: number; byEndpoint: Record<string, number> };
  /** Requests that changed the state. */
  writes: number;
  /** 429 responses sent. */
  rateLimited: number;
  /** 429 responses by policy: TEN_SECONDLY_ROLLING, DAILY, SECONDLY (search). */
  rateLimitedByPolicy: Record<string, number>;
  /** Injected faults sent, by kind (a 429 injected also counts in `rateLimited`). */
  faults: { errors: number; resets: number; rateLimited: number; locked: number; html: number; badJson: number };
  /** Most requests counted toward the ten-secondly limit in any one rolling window (10 s unless `rateLimit.windowMs`; all tokens). */
  maxInTenSeconds: number;
  /** Requests counted toward today's daily limit. */
  dailyUsed: number;
}
