// What a dry run counts for its request plan (core/requestPlan.ts), as the mapping phase
// hands it the operations a live run would send: distinct contact emails, domains,
// contact–company pairs and associated emails (in sets that spill to a scratch database
// when large), events, and the batches a streamed run would fill in order. It sees the
// operations of the mapping phase, the ones a live run sends, whether or not the run
// read its inputs once before.
import type { Operation } from '../../core/types.js';
import { BATCH_LIMITS, EventDefinitionPlan, StreamedBatches, type PlanCounts } from '../../core/requestPlan.js';
import { SpillingKeySet } from '../../state/spillingKeySet.js';
import { additionalPass, searchRequestCount } from '../companies/companySearch.js';
import type { RecordSink } from '../loop/runInputs.js';

/**
 * How the live run would send. `folded`: each contact, company and association once,
 * after the whole export is read (compaction). `streamed`: batches as the stream fills them.
 */
export type SendMode = 'folded' | 'streamed';

/** What the plan knows of the portal before the run. */
export interface PortalBefore {
  /** Domains whose company id the state directory holds. */
  companyIds: { get(domain: string): string | undefined };
  /** The portal's event definitions (name → property names); empty when no token reads them. */
  eventDefinitions: ReadonlyMap<string, ReadonlySet<string>>;
  /** The unique company key property, when companies are keyed (search reads it too). */
  keyProperty?: string;
  /** False with `--no-create-event-definitions`: nothing is defined, events are sent as they are. */
  createsDefinitions?: boolean;
}

/** What the counts ask of the portal's companies, once the mapping is done. */
export interface CompanyReader {
  /** Which of these domains (at most 100) the portal has a company for, by its own domain. */
  find(domains: string[]): Promise<ReadonlySet<string>>;
  /** How many companies list additional domains (search's second pass reads them once when few). */
  listedCompanies(): Promise<number>;
}

/** Search's two passes, summed over the run; the second's cost is decided at the end. */
class SearchTotals {
  byDomain = 0;
  /** The second pass asked five domains a request, over the run (0: no domain needed it). */
  perDomain = 0;

  add(domains: readonly string[], found: ReadonlySet<string>, keyProperty: string | undefined): void {
    const count = searchRequestCount(domains, found, keyProperty);
    this.byDomain += count.byDomain;
    this.perDomain += count.perDomain;
  }

  /** With few companies listing additional domains, the second pass reads them once. */
  async total(reader: CompanyReader | undefined): Promise<number> {
    if (this.perDomain === 0) return this.byDomain;
    const pass = additionalPass(reader ? await reader.listedCompanies() : 0);
    return this.byDomain + (pass.kind === 'listing' ? pass.pages : this.perDomain);
  }
}

export type CountedWork = Omit<PlanCounts, 'setup' | 'propertyCreates'>;

export class RequestCounter {
  private readonly contacts = new SpillingKeySet();
  private readonly associatedEmails = new SpillingKeySet();
  private readonly pairs = new SpillingKeySet();
  /** Domains, added as the stream's company batch that carries them goes. */
  private readonly domains = new SpillingKeySet();
  private readonly contactBatches = new StreamedBatches(BATCH_LIMITS.contacts);
  private readonly associationBatches = new StreamedBatches(BATCH_LIMITS.associations);
  private readonly companyBatches: StreamedBatches;
  private readonly streamedCompanies = { searches: new SearchTotals(), creates: 0, updates: 0 };
  private readonly eventBatches: StreamedBatches;
  /** The event batch that is filling, by event name. */
  private eventsFilling: EventsByName = new Map();
  private readonly definitions: EventDefinitionPlan;
  private eventCount = 0;
  /** Folded: every distinct event, and per name their count and the properties of each's first occurrence. */
  private readonly eventKeys = new SpillingKeySet();
  private readonly eventNames: EventsByName = new Map();

  constructor(
    private readonly mode: SendMode,
    private readonly portal: PortalBefore,
  ) {
    this.definitions = new EventDefinitionPlan(portal.eventDefinitions, portal.createsDefinitions ?? true);
    this.companyBatches = new StreamedBatches(BATCH_LIMITS.companies, (batch) => this.companyBatchSent([...batch]));
    this.eventBatches = new StreamedBatches(BATCH_LIMITS.events, () => {
      this.definitions.batch(this.eventsFilling);
      this.eventsFilling = new Map();
    });
  }

  /** Event occurrences noted. */
  get events(): number {
    return this.eventCount;
  }

  /** The sink, counting every operation it passes on. */
  counting(inner: RecordSink): RecordSink {
    return {
      settlesAtOnce: inner.settlesAtOnce,
      accept: (record, settle) => {
        for (const operation of record.operations) this.note(operation);
        return inner.accept(record, settle);
      },
      drain: () => inner.drain(),
    };
  }

  note(operation: Operation): void {
    switch (operation.op) {
      case 'contact.upsert':
        this.contacts.add(operation.email);
        this.contactBatches.add(operation.email);
        return;
      case 'company.upsert':
        this.companyBatches.add(operation.domain);
        return;
      case 'association': {
        const pair = `${operation.email}\n${operation.domain}`;
        this.associatedEmails.add(operation.email);
        this.pairs.add(pair);
        this.associationBatches.add(pair);
        return;
      }
      case 'event.send': {
        this.eventCount++;
        if (this.mode === 'folded') {
          // The fold sends an event once, as its first record carries it.
          if (!this.eventKeys.add(`${operation.eventName}\n${operation.uuid}`)) return;
          noteEvent(this.eventNames, operation);
          return;
        }
        noteEvent(this.eventsFilling, operation);
        this.eventBatches.add(`${operation.eventName}\n${operation.uuid}`);
        return;
      }
    }
  }

  /**
   * The counts, once every operation is noted. `reader` asks the portal about its companies
   * (a token); without it the portal has none (an empty portal).
   */
  async counts(reader?: CompanyReader): Promise<CountedWork> {
    this.companyBatches.end();
    if (this.mode === 'folded') this.definitions.folded(this.eventNames);
    else this.eventBatches.end();
    let onlyAssociated = 0;
    for (const email of this.associatedEmails.keys()) if (!this.contacts.has(email)) onlyAssociated++;
    const common = {
      contactsOnlyAssociated: { keys: onlyAssociated },
      events: { batches: this.definitions.sends },
      eventDefinitionCreates: this.definitions.creates,
      eventPropertyCreates: this.definitions.propertyCreates,
    };
    if (this.mode === 'streamed') {
      return {
        ...common,
        contacts: { batches: this.contactBatches.batches },
        companySearches: { batches: await this.streamedCompanies.searches.total(reader) },
        companyCreates: { batches: this.streamedCompanies.creates },
        companyUpdates: { batches: this.streamedCompanies.updates },
        associations: { batches: this.associationBatches.batches },
      };
    }
    const folded = await this.foldedCompanies(reader);
    return {
      ...common,
      contacts: { keys: this.contacts.size },
      companySearches: { batches: folded.searches },
      companyCreates: { keys: folded.creates },
      companyUpdates: { keys: folded.updates },
      associations: { keys: this.pairs.size },
    };
  }

  /** Per property name, the occurrences a live run would send without it (after `counts`). */
  get eventPropertiesLeftOut(): ReadonlyMap<string, number> {
    return this.definitions.leftOut;
  }

  close(): void {
    for (const set of [this.contacts, this.associatedEmails, this.pairs, this.domains, this.eventKeys]) set.close();
  }

  /** A streamed company batch: its new domains are searched, then created; the others updated. */
  private companyBatchSent(batch: string[]): void {
    const unknown = batch.filter((domain) => this.portal.companyIds.get(domain) === undefined && !this.domains.has(domain));
    if (unknown.length > 0) {
      // The stream cannot know what search would find: it counts an empty portal's searches.
      this.streamedCompanies.searches.add(unknown, new Set(), this.portal.keyProperty);
      this.streamedCompanies.creates++;
    }
    if (unknown.length < batch.length) this.streamedCompanies.updates++;
    for (const domain of batch) this.domains.add(domain);
  }

  /** Every domain once: those without a known id searched, 100 at a time; found ones updated, the rest created. */
  private async foldedCompanies(reader: CompanyReader | undefined): Promise<{ searches: number; creates: number; updates: number }> {
    const searches = new SearchTotals();
    let creates = 0;
    let updates = 0;
    let chunk: string[] = [];
    const search = async () => {
      const found = reader ? await reader.find(chunk) : new Set<string>();
      searches.add(chunk, found, this.portal.keyProperty);
      updates += found.size;
      creates += chunk.length - found.size;
      chunk = [];
    };
    for (const domain of this.domains.keys()) {
      if (this.portal.companyIds.get(domain) !== undefined) {
        updates++;
        continue;
      }
      chunk.push(domain);
      if (chunk.length === BATCH_LIMITS.companySearch) await search();
    }
    if (chunk.length > 0) await search();
    return { searches: await searches.total(reader), creates, updates };
  }
}

/** Per event name, its occurrences and how many carry each property name (in the order met). */
type EventsByName = Map<string, { properties: Map<string, number>; count: number }>;

/** One more occurrence of its event, and the names it carries. */
function noteEvent(events: EventsByName, operation: { eventName: string; properties: object }): void {
  let ofName = events.get(operation.eventName);
  if (ofName === undefined) events.set(operation.eventName, (ofName = { properties: new Map(), count: 0 }));
  ofName.count++;
  for (const name of Object.keys(operation.properties)) ofName.properties.set(name, (ofName.properties.get(name) ?? 0) + 1);
}
