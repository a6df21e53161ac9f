// What a dry run counts for its request plan (core/requestPlan.ts), as the mapping phase
// hands it the operations a live run would send: distinct contact emails, domains,
// contact–company pairs and associated emails (in sets that spill to a scratch database
// when large), events, and the batches a streamed run would fill in order. It sees the
// operations of the mapping phase, the ones a live run sends, whether or not the run
// read its inputs once before.
import type { Operation } from '../../core/types.js';
import { BATCH_LIMITS, EventDefinitionPlan, StreamedBatches, type PlanCounts } from '../../core/requestPlan.js';
import { SpillingKeySet } from '../../state/spillingKeySet.js';
import { searchRequestCount } from '../companies/companySearch.js';
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

/** Finds which of these domains (at most 100) the portal has a company for. */
export type FindCompanies = (domains: string[]) => Promise<ReadonlySet<string>>;

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
  private readonly streamedCompanies = { searches: 0, creates: 0, updates: 0 };
  private readonly eventBatches: StreamedBatches;
  /** The event batch that is filling, by event name. */
  private eventsFilling = new Map<string, { properties: Set<string>; count: number }>();
  private readonly definitions: EventDefinitionPlan;
  private eventCount = 0;

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
        const events = this.eventsFilling.get(operation.eventName) ?? { properties: new Set<string>(), count: 0 };
        events.count++;
        for (const name of Object.keys(operation.properties)) events.properties.add(name);
        this.eventsFilling.set(operation.eventName, events);
        this.eventBatches.add(`${operation.eventName}\n${operation.uuid}`);
        return;
      }
    }
  }

  /**
   * The counts, once every operation is noted. `find` asks the portal which domains have
   * a company (a token); without it none has (an empty portal).
   */
  async counts(find?: FindCompanies): Promise<CountedWork> {
    this.companyBatches.end();
    this.eventBatches.end();
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
        companySearches: { batches: this.streamedCompanies.searches },
        companyCreates: { batches: this.streamedCompanies.creates },
        companyUpdates: { batches: this.streamedCompanies.updates },
        associations: { batches: this.associationBatches.batches },
      };
    }
    const folded = await this.foldedCompanies(find);
    return {
      ...common,
      contacts: { keys: this.contacts.size },
      companySearches: { batches: folded.searches },
      companyCreates: { keys: folded.creates },
      companyUpdates: { keys: folded.updates },
      associations: { keys: this.pairs.size },
    };
  }

  close(): void {
    for (const set of [this.contacts, this.associatedEmails, this.pairs, this.domains]) set.close();
  }

  /** A streamed company batch: its new domains are searched, then created; the others updated. */
  private companyBatchSent(batch: string[]): void {
    const unknown = batch.filter((domain) => this.portal.companyIds.get(domain) === undefined && !this.domains.has(domain));
    if (unknown.length > 0) {
      // The stream cannot know what search would find: it counts an empty portal's searches.
      this.streamedCompanies.searches += searchRequestCount(unknown, new Set(), this.portal.keyProperty);
      this.streamedCompanies.creates++;
    }
    if (unknown.length < batch.length) this.streamedCompanies.updates++;
    for (const domain of batch) this.domains.add(domain);
  }

  /** Every domain once: those without a known id searched, 100 at a time; found ones updated, the rest created. */
  private async foldedCompanies(find: FindCompanies | undefined): Promise<{ searches: number; creates: number; updates: number }> {
    let searches = 0;
    let creates = 0;
    let updates = 0;
    let chunk: string[] = [];
    const search = async () => {
      const found = find ? await find(chunk) : new Set<string>();
      searches += searchRequestCount(chunk, found, this.portal.keyProperty);
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
    return { searches, creates, updates };
  }
}
