// The request plan of a dry run: from what the mapping of an export would send (distinct
// keys, or the batches a stream would fill) to the requests a live run of it makes, per
// endpoint, how many count against HubSpot's ten-second window, the least time that
// window allows at `--rate`, and the share of `--daily-limit` they use.
// Pure: the endpoint table (paths, limits) is the HubSpot layer's and is passed in.
import { definitionStep } from './eventRoom.js';

/** The most inputs one request of each batch endpoint takes. */
export const BATCH_LIMITS = {
  contacts: 100,
  companies: 100,
  /** Domains in one company search (`IN` filter). */
  companySearch: 100,
  associations: 100,
  events: 500,
} as const;

/** The endpoints a plan may name; the endpoint table gives each its path and limit. */
export type PlannedEndpoint =
  | 'accountDetails'
  | 'contactProperties'
  | 'companyProperties'
  | 'companyProperty'
  | 'companyPropertyCreate'
  | 'contactPropertiesCreate'
  | 'companyPropertiesCreate'
  | 'eventDefinitions'
  | 'eventDefinitionCreate'
  | 'eventPropertyCreate'
  | 'contactsUpsert'
  | 'contactsRead'
  | 'companiesSearch'
  | 'companiesUpsert'
  | 'companiesCreate'
  | 'companiesUpdate'
  | 'associateDefault'
  | 'eventsSend';

/**
 * Work for one batch endpoint. `keys`: distinct keys, sent once each after the fold, so
 * in full batches. `batches`: the requests a streamed run makes, counted as the stream
 * fills its batches (see `StreamedBatches`).
 */
export type Work = { keys: number } | { batches: number };

export interface PlanCounts {
  /** Contact upserts (by email). */
  contacts: Work;
  /** Contacts that only associations name: read by email first, then created by an upsert of the email alone. */
  contactsOnlyAssociated: Work;
  /** Domains with no company id known before the run: searched. */
  companySearches: Work;
  /** Domains no company has: created (by the unique key property, or the safe path's create). */
  companyCreates: Work;
  /** Domains whose company is known or found: updated by id. */
  companyUpdates: Work;
  /** Contact–company pairs. */
  associations: Work;
  /** Event occurrences. */
  events: Work;
  /** Event definitions to create, one request each. */
  eventDefinitionCreates: number;
  /** Properties to add to existing event definitions, one request each. */
  eventPropertyCreates: number;
  /** Batch-create requests of the property plan (`--create-properties`), per object. */
  propertyCreates: { contacts: number; companies: number };
  setup: PlanSetup;
}

/** Requests a run makes before its first record (and the account's details, which a live run always reads: its hub ID, or whether `--hub-id` is the token's). */
export interface PlanSetup {
  /** The property catalog is fetched (no `--catalog`): one request per object. */
  catalog: boolean;
  /** Pages of the event definition list (100 a page) read before the first event; 0 when none is read. */
  eventDefinitionPages: number;
  /** The unique company key property: already known to the state directory, read, or read and created. */
  companyKey: 'none' | 'known' | 'read' | 'create';
}

export interface PlanSettings {
  /** Companies are created by `batch/upsert` on the unique key property, else by `batch/create`. */
  companyKeyed: boolean;
  /** `--rate`: requests per rolling ten seconds. */
  rate: number;
  /** `--daily-limit`, when one is given. */
  dailyLimit?: number;
  /** The report's name of an endpoint in the run's API version: `POST /crm/objects/2026-03/contacts/batch/upsert`. */
  label: (endpoint: PlannedEndpoint) => string;
  /** Whether the endpoint counts against the ten-second window. */
  windowed: (endpoint: PlannedEndpoint) => boolean;
}

export interface RequestPlan {
  byEndpoint: Record<string, number>;
  total: number;
  /** Requests that count against the ten-second window (not custom event sends). */
  windowed: number;
  /** The least time the window allows: windowed / rate × 10, rounded up. */
  seconds: number;
  /** Windowed requests over `--daily-limit` (only with one). */
  dailyShare?: number;
}

/** Requests for work on a batch endpoint of `limit` inputs a request. */
export function requestsFor(work: Work, limit: number): number {
  return 'keys' in work ? Math.ceil(work.keys / limit) : work.batches;
}

export function planRequests(counts: PlanCounts, settings: PlanSettings): RequestPlan {
  const requests = new Map<PlannedEndpoint, number>();
  const add = (endpoint: PlannedEndpoint, n: number) => {
    if (n > 0) requests.set(endpoint, (requests.get(endpoint) ?? 0) + n);
  };
  const { setup } = counts;
  add('accountDetails', 1);
  add('contactProperties', setup.catalog ? 1 : 0);
  add('companyProperties', setup.catalog ? 1 : 0);
  add('companyProperty', setup.companyKey === 'read' || setup.companyKey === 'create' ? 1 : 0);
  add('companyPropertyCreate', setup.companyKey === 'create' ? 1 : 0);
  add('contactPropertiesCreate', counts.propertyCreates.contacts);
  add('companyPropertiesCreate', counts.propertyCreates.companies);
  add('eventDefinitions', setup.eventDefinitionPages);
  add('eventDefinitionCreate', counts.eventDefinitionCreates);
  add('eventPropertyCreate', counts.eventPropertyCreates);
  add('contactsUpsert', requestsFor(counts.contacts, BATCH_LIMITS.contacts));
  add('contactsRead', requestsFor(counts.contactsOnlyAssociated, BATCH_LIMITS.contacts));
  add('contactsUpsert', requestsFor(counts.contactsOnlyAssociated, BATCH_LIMITS.contacts));
  add('companiesSearch', requestsFor(counts.companySearches, BATCH_LIMITS.companySearch));
  add(settings.companyKeyed ? 'companiesUpsert' : 'companiesCreate', requestsFor(counts.companyCreates, BATCH_LIMITS.companies));
  add('companiesUpdate', requestsFor(counts.companyUpdates, BATCH_LIMITS.companies));
  add('associateDefault', requestsFor(counts.associations, BATCH_LIMITS.associations));
  add('eventsSend', requestsFor(counts.events, BATCH_LIMITS.events));

  const byEndpoint: Record<string, number> = {};
  let total = 0;
  let windowed = 0;
  for (const [endpoint, n] of requests) {
    const label = settings.label(endpoint);
    byEndpoint[label] = (byEndpoint[label] ?? 0) + n;
    total += n;
    if (settings.windowed(endpoint)) windowed += n;
  }
  const plan: RequestPlan = { byEndpoint, total, windowed, seconds: Math.ceil((windowed / settings.rate) * 10) };
  if (settings.dailyLimit !== undefined) plan.dailyShare = windowed / settings.dailyLimit;
  return plan;
}

/**
 * The batches a streamed run fills for one endpoint, counted as its keyed batcher makes
 * them: operations on a key already in the open batch merge into it; the batch goes once
 * it holds `limit` distinct keys. A live stream differs with timing: it sends a partial
 * batch after 200 ms without more (more requests), and a key whose batch is in flight
 * waits and merges later updates meanwhile (fewer).
 */
export class StreamedBatches {
  private open = new Set<string>();
  private sent = 0;

  constructor(
    private readonly limit: number,
    /** Told each batch as it goes. */
    private readonly onSend?: (keys: ReadonlySet<string>) => void,
  ) {}

  add(key: string): void {
    if (this.open.has(key)) return;
    this.open.add(key);
    if (this.open.size === this.limit) this.end();
  }

  /** Sends the filling batch (at the stream's end). */
  end(): void {
    if (this.open.size === 0) return;
    this.sent++;
    const keys = this.open;
    this.open = new Set();
    this.onSend?.(keys);
  }

  /** Batches sent so far plus the one filling. */
  get batches(): number {
    return this.sent + (this.open.size > 0 ? 1 : 0);
  }
}

/** The events of one name in a batch: the property names they carry, in the order met, each with how many carry it. */
export interface EventsOfName {
  properties: ReadonlyMap<string, number>;
  count: number;
}

/**
 * The event definitions a run creates as its event batches go, in order, as the event
 * writer does: an event not defined yet is created with the properties its batch carries
 * (a run that folds: every property of the run), a property a later batch carries is
 * then added, one request each, while the definition has room (core/eventRoom.ts); the
 * names past it are left out of the occurrences, which are all sent.
 */
export class EventDefinitionPlan {
  private readonly defined: Map<string, Set<string>>;
  /** Per event, the names its definition has no place for. */
  private readonly noRoom = new Map<string, Set<string>>();
  creates = 0;
  propertyCreates = 0;
  /** Event sends: one per batch with an event to send. */
  sends = 0;
  /** Per property name, the occurrences sent without it: their definitions had no place for it. */
  readonly leftOut = new Map<string, number>();

  /**
   * `existing`: the portal's definitions (name → property names); empty for an empty
   * portal. `mayCreate` false (`--no-create-event-definitions`): nothing is created.
   */
  constructor(
    existing: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly mayCreate = true,
  ) {
    this.defined = new Map([...existing].map(([name, properties]) => [name, new Set(properties)]));
  }

  /** One batch of events, by event name. */
  batch(events: ReadonlyMap<string, EventsOfName>): void {
    let count = 0;
    for (const [name, { properties, count: ofName }] of events) {
      this.define(name, [], properties);
      count += ofName;
    }
    if (count > 0) this.sends++;
  }

  /**
   * Every event of a run that folds, by name (distinct events, and every property name
   * their occurrences carry, in the order met). The fold sends them in key order, 500 a
   * batch; a name's definition is made once, before its first batch, with every name
   * that has a place.
   */
  folded(events: ReadonlyMap<string, EventsOfName>): void {
    let total = 0;
    for (const [name, { properties, count }] of events) {
      if (count === 0) continue;
      this.define(name, [...properties.keys()], properties);
      total += count;
    }
    this.sends += Math.ceil(total / BATCH_LIMITS.events);
  }

  /** Counts the requests the batch's step takes, and the occurrences sent without a name that has no place. */
  private define(name: string, runOrder: readonly string[], carried: ReadonlyMap<string, number>): void {
    if (!this.mayCreate) return;
    const left = this.noRoom.get(name) ?? new Set<string>();
    this.noRoom.set(name, left);
    const step = definitionStep(this.defined.get(name), left, runOrder, [...carried.keys()]);
    if (step !== undefined) {
      for (const property of step.noRoom) left.add(property);
      if (step.create) this.creates++;
      else this.propertyCreates += step.define.length;
      const defined = this.defined.get(name) ?? new Set<string>();
      for (const property of step.define) defined.add(property);
      this.defined.set(name, defined);
    }
    for (const [property, occurrences] of carried) {
      if (left.has(property)) this.leftOut.set(property, (this.leftOut.get(property) ?? 0) + occurrences);
    }
  }
}
