// company.upsert → the company of a domain, updated or created, never created twice.
// Domains whose company id is not known yet (in the state directory, across runs) are
// searched in bulk, by their domain and among companies' additional domains; those found
// are updated by id, the rest created:
// - keyed (the portal has the unique key property, see companyKey.ts): created by
//   `batch/upsert` on that property. A lost answer is simply sent again: HubSpot itself
//   cannot make a second company with the same key, however far its search lags.
// - not keyed (the safe path): created by `batch/create`, but a create without an answer
//   may have been applied, and an empty search proves nothing while the index lags. Such
//   a domain is written down (state directory) before the create goes out and is not
//   created again until search shows its company (then it is used) or an hour has passed
//   (then it was not made). Meanwhile the domain is searched again with back-off; when
//   HubSpot still cannot tell, the run pauses (exit 75) rather than risk a duplicate.
// An id HubSpot no longer has (the company was deleted or merged into another) is
// forgotten and the domain looked up again, never counted as delivered.
import type { CompanyUpsert, DeadLetterVerdict, PropertyValues } from '../../core/types.js';
import { HubSpotApiError, type ErrorDetail } from '../../hubspot/errors.js';
import type { BatchResponse, CrmObject } from '../../hubspot/types.js';
import type { CompanyMemory } from '../../state/companyMemory.js';
import type { CompanyIdMap } from '../../state/stateStore.js';
import { decideCompanyKey, keyStillHolds, type CompanyKeying } from './companyKey.js';
import { ADDITIONAL_DOMAINS, CompanyFinder, type FoundCompany } from './companySearch.js';
import type { Clock } from '../requests/throttle.js';
import type { Verdicts } from '../writers/keyedBatcher.js';
import { PauseError } from '../../errors.js';
import { DEFAULT_BACKOFF, mayHaveBeenApplied, retryOrPause, type BackoffPolicy, type Requester } from '../requests/requester.js';
import { sendInParts } from '../writers/sendInParts.js';
import { causeOf, type Rejection, type RejectionCause } from '../writers/rejections.js';
import { BatchWriter, detailMessage, failuresByTrace, mergeProperties, namedByProperties, sendMerged, type BatchEntry, type StageRank } from '../writers/writerKit.js';

const MAX_BATCH = 100;
/**
 * After this long, a create that got no answer and that search still does not show is
 * taken as not applied: HubSpot's index trails writes by seconds, at times minutes.
 */
export const UNCONFIRMED_TIMEOUT_MS = 60 * 60 * 1000;

export interface CompanyWriterOptions {
  /** The unique key property to use (created when missing); undefined: none (the safe path). */
  keyProperty: string | undefined;
  maxRetries: number;
  /** First wait before searching again for an unconfirmed create; doubles each time, up to a minute. */
  backoffMs?: number;
  /** Told once how companies are keyed, when it is worth saying. */
  notify?: (message: string) => void;
  lingerMs?: number;
  /** Lifecycle stages in the portal's order: one behind an earlier one in a merge is left out. */
  stageRank?: StageRank;
}

/** A domain and its merged properties, as one round sends them. */
type Entry = { key: string; value: PropertyValues };
/** One update input: a company and every domain of the batch that leads to it. */
type Target = { id: string; entries: Entry[]; properties: PropertyValues; setsKey: boolean };

/** The key property stopped being usable mid-run: decide again and start the batch over. */
class KeyPropertyLost extends Error {}

export class CompanyWriter extends BatchWriter<PropertyValues> {
  private keying?: Promise<CompanyKeying>;
  /** Ids HubSpot answered "not found" for: a lagging search may still show them. */
  private readonly gone = new Set<string>();
  private keyRechecked = false;
  private readonly finder: CompanyFinder;
  private readonly retries: BackoffPolicy & { maxRetries: number };

  constructor(
    private readonly requester: Requester,
    private readonly ids: CompanyIdMap,
    private readonly memory: CompanyMemory,
    private readonly clock: Clock,
    private readonly options: CompanyWriterOptions,
    onFatal: (error: unknown) => void,
  ) {
    super({ onFatal, lingerMs: options.lingerMs }, MAX_BATCH, mergeProperties);
    this.finder = new CompanyFinder(requester);
    this.retries = { ...DEFAULT_BACKOFF, firstMs: options.backoffMs ?? DEFAULT_BACKOFF.firstMs, maxRetries: options.maxRetries };
  }

  upsert(op: CompanyUpsert, seq: number): Promise<DeadLetterVerdict | undefined> {
    return this.batches.add(op.domain, op.properties, seq);
  }

  idFor(domain: string): string | undefined {
    return this.knownId(domain);
  }

  /** Decided once per run, at the first company. */
  private keyingOnce(): Promise<CompanyKeying> {
    return (this.keying ??= decideCompanyKey(this.requester, this.options.keyProperty, this.memory).then(({ keying, notice }) => {
      if (notice) this.options.notify?.(notice);
      return keying;
    }));
  }

  private knownId(domain: string): string | undefined {
    const id = this.ids.get(domain);
    return id !== undefined && !this.gone.has(id) ? id : undefined;
  }

  protected send(batch: ReadonlyArray<BatchEntry<PropertyValues>>, seq: number): Promise<Verdicts> {
    return sendMerged(batch, (entries) => this.write(entries, seq), verdictFor, this.options.stageRank);
  }

  /** One round: answers the domains HubSpot rejected. */
  private async write(batch: ReadonlyArray<Entry>, seq: number): Promise<Map<string, Rejection>> {
    for (;;) {
      const keying = await this.keyingOnce();
      try {
        const rejected = await this.writeBatch(batch, keying, seq);
        // A company's additional domains changed: what the finder read of them is stale.
        if (batch.some((entry) => ADDITIONAL_DOMAINS in entry.value)) this.finder.forgetListing();
        return rejected;
      } catch (error) {
        if (!(error instanceof KeyPropertyLost)) throw error;
        this.memory.rememberKeyProperty(undefined);
        this.keying = undefined;
      }
    }
  }

  private async writeBatch(batch: ReadonlyArray<Entry>, keying: CompanyKeying, seq: number): Promise<Map<string, Rejection>> {
    const rejected = new Map<string, Rejection>();
    const keyProperty = keying.kind === 'key' ? keying.property : undefined;
    // The key is the writer's to set: a trait of that name must not contradict it.
    let todo: Entry[] = batch.map(({ key, value }) => ({ key, value: keyProperty && keyProperty in value ? without(value, keyProperty) : value }));
    for (let round = 0; ; round++) {
      const again: Entry[] = [];
      const waiting: Entry[] = [];

      const unknown = todo.filter((entry) => this.knownId(entry.key) === undefined);
      const { found, unsearchable } = unknown.length > 0
        ? await this.finder.find(unknown.map((entry) => entry.key), { keyProperty, exclude: this.gone })
        : { found: new Map<string, FoundCompany>(), unsearchable: [] };
      const setKey = new Set<string>();
      for (const [domain, company] of found) {
        this.ids.set(domain, company.id);
        this.memory.confirm(domain);
        // Keyed only by its own domain: a company listing it among other domains has its own.
        if (keyProperty && company.key === undefined && company.via === 'domain') setKey.add(domain);
      }
      for (const domain of unsearchable) {
        rejected.set(domain, { code: 'INVALID_WEBSITE', cause: { kind: 'key' }, message: `company ${domain.slice(0, 80)}…: a domain of ${domain.length} characters is longer than any host name, and HubSpot cannot search for it` });
      }

      const known = todo.filter((entry) => this.knownId(entry.key) !== undefined);
      const updated = await this.update(known, setKey, keyProperty, seq);
      for (const [entry, rejection] of updated.rejected) rejected.set(entry.key, rejection);
      for (const entry of updated.notFound) {
        const id = this.ids.get(entry.key);
        if (id !== undefined) this.gone.add(id);
        this.ids.delete(entry.key);
        again.push(entry);
      }

      const missing = unknown.filter((entry) => !found.has(entry.key) && !rejected.has(entry.key));
      const now = this.clock.now();
      const create: Entry[] = [];
      for (const entry of missing) {
        const since = this.memory.unconfirmedSince(entry.key);
        if (since !== undefined && now - since < UNCONFIRMED_TIMEOUT_MS) waiting.push(entry);
        else create.push(entry);
      }
      if (keyProperty) {
        const upserted = await this.upsertByKey(create, keyProperty, seq);
        for (const [entry, rejection] of upserted.rejected) rejected.set(entry.key, rejection);
        again.push(...upserted.unmatched);
      } else {
        const created = await this.create(create, seq);
        for (const [entry, rejection] of created.rejected) rejected.set(entry.key, rejection);
        waiting.push(...created.unconfirmed);
      }

      todo = [...again, ...waiting];
      if (todo.length === 0) return rejected;
      // Search is asked again at once for ids that vanished; unconfirmed creates need
      // HubSpot's index to catch up first.
      await retryOrPause(this.clock, round + 1, this.retries, () => this.stuck(waiting, again), (backoff) => (waiting.length > 0 ? backoff : 0));
    }
  }

  private stuck(waiting: Entry[], again: Entry[]): PauseError {
    const sample = (entries: Entry[]) => entries.slice(0, 3).map((entry) => entry.key).join(', ') + (entries.length > 3 ? ', …' : '');
    if (waiting.length > 0) {
      return new PauseError(
        `Paused: ${waiting.length} compan${waiting.length === 1 ? 'y' : 'ies'} (${sample(waiting)}) may have been created by a request that got no answer, ` +
          "and HubSpot's search does not show them yet; creating them again could make duplicates. Nothing was lost: run again in a few minutes " +
          '(the next run looks for them first, and creates those HubSpot still does not show an hour after the first try).',
      );
    }
    return new PauseError(`Paused: HubSpot kept answering that the companies of ${sample(again)} do not exist after finding them; nothing was lost, run again later.`);
  }

  /** Updates by id, one input per company; answers the rejected entries and those whose company is gone. */
  private async update(entries: Entry[], setKey: ReadonlySet<string>, keyProperty: string | undefined, seq: number): Promise<{ rejected: Map<Entry, Rejection>; notFound: Entry[] }> {
    const targets = new Map<string, Target>();
    for (const entry of entries) {
      const id = this.knownId(entry.key)!;
      const target = targets.get(id) ?? { id, entries: [], properties: {}, setsKey: false };
      target.entries.push(entry);
      Object.assign(target.properties, entry.value);
      // A company found by search without a key gets one, so later upserts land on it.
      if (keyProperty && setKey.has(entry.key) && !target.setsKey) {
        target.properties[keyProperty] = entry.key;
        target.setsKey = true;
      }
      targets.set(id, target);
    }
    const gone: Target[] = [];
    const rejectedTargets = await sendInParts([...targets.values()], async (part) => {
      const answer = await this.updatePart(part, keyProperty, seq);
      gone.push(...answer.gone);
      return answer.rejected;
    }, (error, part) => namedByProperties(error, part, (target) => target.properties));
    const rejected = new Map<Entry, Rejection>();
    for (const [target, rejection] of rejectedTargets) for (const entry of target.entries) rejected.set(entry, rejection);
    return { rejected, notFound: gone.flatMap((target) => target.entries) };
  }

  /**
   * One update request for `part`, sent again without what HubSpot would not take
   * whole: the unique key values another company holds (409), ids it no longer has.
   */
  private async updatePart(part: Target[], keyProperty: string | undefined, seq: number): Promise<{ rejected: Map<Target, Rejection>; gone: Target[] }> {
    const gone: Target[] = [];
    let withKeys = true;
    let rest = part;
    while (rest.length > 0) {
      const inputs = rest.map((target, i) => ({
        id: target.id,
        objectWriteTraceId: String(i),
        properties: withKeys || !keyProperty || !target.setsKey ? target.properties : without(target.properties, keyProperty),
      }));
      let body: BatchResponse;
      try {
        ({ body } = await this.requester.send<BatchResponse>('companiesUpdate', { body: { inputs } }, { seq }));
      } catch (error) {
        if (!(error instanceof HubSpotApiError)) throw error;
        if (error.status === 409 && withKeys && rest.some((target) => target.setsKey)) {
          // Another company already holds that key (made while search lagged): leave the key there.
          withKeys = false;
          continue;
        }
        // A whole-batch "not found": the ids it names are gone, the rest go again.
        const named = isNotFound(error) ? namedIds(error.envelope) : new Set<string>();
        const vanished = rest.length === 1 && named.size === 0 && isNotFound(error) ? rest : rest.filter((target) => named.has(target.id));
        if (vanished.length === 0) throw error;
        gone.push(...vanished);
        rest = rest.filter((target) => !vanished.includes(target));
        continue;
      }
      const rejected = new Map<Target, Rejection>();
      for (const error of body.errors ?? []) {
        const traces = new Set(error.context?.objectWriteTraceId ?? []);
        const ids = new Set(error.context?.ids ?? []);
        rest.forEach((target, i) => {
          if (!traces.has(String(i)) && !ids.has(target.id)) return;
          if (error.category === 'OBJECT_NOT_FOUND') gone.push(target);
          else rejected.set(target, { message: detailMessage(error), cause: causeOf([error]) });
        });
      }
      return { rejected, gone };
    }
    return { rejected: new Map(), gone };
  }

  /** Creates (or finds) by the unique key: a repeat after a lost answer lands on the same company. */
  private async upsertByKey(entries: Entry[], keyProperty: string, seq: number): Promise<{ rejected: Map<Entry, Rejection>; unmatched: Entry[] }> {
    const matched = new Set<string>();
    const rejected = await sendInParts(entries, async (part) => {
      const inputs = part.map((entry, i) => ({ idProperty: keyProperty, id: entry.key, objectWriteTraceId: String(i), properties: { ...entry.value, domain: entry.key } }));
      let body: BatchResponse;
      try {
        ({ body } = await this.requester.send<BatchResponse>('companiesUpsert', { body: { inputs } }, { seq }));
      } catch (error) {
        if (error instanceof HubSpotApiError && error.kind === 'rejected' && !this.keyRechecked) {
          // A whole-batch 400 may mean the property lost its unique values (an admin):
          // then every input would fail, and none of them is at fault.
          this.keyRechecked = true;
          if (!(await keyStillHolds(this.requester, keyProperty))) throw new KeyPropertyLost();
        }
        throw error;
      }
      const wanted = new Set(part.map((entry) => entry.key));
      for (const company of body.results ?? []) {
        const domain = resultDomain(company, keyProperty);
        if (domain === undefined || !wanted.has(domain)) continue;
        this.ids.set(domain, company.id);
        this.memory.confirm(domain);
        matched.add(domain);
      }
      return failuresByTrace(part, body);
    }, offendingCompanies);
    // An answer that does not name a domain: upsert it again (idempotent) rather than guess.
    return { rejected, unmatched: entries.filter((entry) => !matched.has(entry.key) && !rejected.has(entry)) };
  }

  /** The safe path: creates, each domain written down first; answers those left unconfirmed. */
  private async create(entries: Entry[], seq: number): Promise<{ rejected: Map<Entry, Rejection>; unconfirmed: Entry[] }> {
    if (entries.length === 0) return { rejected: new Map(), unconfirmed: [] };
    this.memory.markUnconfirmed(entries.map((entry) => entry.key), this.clock.now());
    const unconfirmed: Entry[] = [];
    const rejected = await sendInParts(entries, async (part) => {
      const inputs = part.map((entry, i) => ({ objectWriteTraceId: String(i), associations: [], properties: { ...entry.value, domain: entry.key } }));
      let body: BatchResponse;
      try {
        ({ body } = await this.requester.send<BatchResponse>('companiesCreate', { body: { inputs } }, { retryAmbiguous: false, seq }));
      } catch (error) {
        if (!mayHaveBeenApplied(error)) throw error;
        unconfirmed.push(...part);
        return new Map();
      }
      const wanted = new Set(part.map((entry) => entry.key));
      const made = new Set<string>();
      for (const company of body.results ?? []) {
        const domain = company.properties.domain?.toLowerCase();
        if (domain === undefined || !wanted.has(domain)) continue;
        this.ids.set(domain, company.id);
        this.memory.confirm(domain);
        made.add(domain);
      }
      const failed = failuresByTrace(part, body);
      // Not made and not rejected: the answer does not say; treat it as unanswered.
      for (const entry of part) if (!made.has(entry.key) && !failed.has(entry)) unconfirmed.push(entry);
      return failed;
    }, offendingCompanies);
    // A rejected create made nothing: no need to wait for it.
    for (const entry of rejected.keys()) this.memory.confirm(entry.key);
    return { rejected, unconfirmed };
  }
}

function without(values: PropertyValues, name: string): PropertyValues {
  const copy = { ...values };
  delete copy[name];
  return copy;
}

function resultDomain(company: CrmObject, keyProperty: string): string | undefined {
  return (company.properties[keyProperty] || company.properties.domain)?.toLowerCase() || undefined;
}

function isNotFound(error: HubSpotApiError): boolean {
  return error.status === 404 || error.envelope.category === 'OBJECT_NOT_FOUND' || (error.envelope.errors ?? []).some((e) => e.category === 'OBJECT_NOT_FOUND');
}

function namedIds(envelope: ErrorDetail & { errors?: ErrorDetail[] }): Set<string> {
  return new Set([envelope, ...(envelope.errors ?? [])].flatMap((detail) => detail.context?.ids ?? []));
}

function offendingCompanies(error: HubSpotApiError, part: Entry[]): Map<Entry, RejectionCause> {
  return namedByProperties(error, part, (entry) => entry.value);
}

function verdictFor(domain: string, rejection: Rejection): DeadLetterVerdict {
  return rejection.code ? { code: rejection.code, reason: rejection.message } : { code: 'HUBSPOT_REJECTED', reason: `company ${domain}: ${rejection.message}` };
}
