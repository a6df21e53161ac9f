// company.upsert → find by domain, then update or create. HubSpot cannot upsert a company
// by domain and does not dedupe API-created companies, so the domain → id map is the
// guard against duplicates: domains are searched in bulk (IN, ≤ 100), ids remembered
// (in the state directory, across runs), and a create whose answer was lost is never
// blindly repeated: the domains are searched again first.
import type { CompanyUpsert, DeadLetterVerdict, PropertyValues } from '../core/types.js';
import { HubSpotApiError, TransportError } from '../hubspot/errors.js';
import { errorsByContext, type BatchResponse } from '../hubspot/types.js';
import { searchCompaniesByDomain } from './companySearch.js';
import type { Clock } from './clock.js';
import { KeyedBatcher, type Verdicts } from './keyedBatcher.js';
import { PauseError } from './pause.js';
import type { Requester } from './requester.js';
import { sendInParts } from './sendInParts.js';

const MAX_BATCH = 100;

/** domain → HubSpot company id, remembered across runs. */
export interface CompanyIdStore {
  get(domain: string): string | undefined;
  set(domain: string, id: string): void;
}

type Entry = { key: string; value: PropertyValues };

export class CompanyWriter {
  readonly batches: KeyedBatcher<PropertyValues>;

  constructor(
    private readonly requester: Requester,
    private readonly ids: CompanyIdStore,
    private readonly clock: Clock,
    private readonly maxRetries: number,
    onFatal: (error: unknown) => void,
    lingerMs = 200,
  ) {
    this.batches = new KeyedBatcher({
      maxBatch: MAX_BATCH,
      lingerMs,
      merge: (earlier, later) => ({ ...earlier, ...later }),
      send: (batch, oldest) => this.send(batch, oldest),
      onFatal,
    });
  }

  upsert(op: CompanyUpsert, seq: number): Promise<DeadLetterVerdict | undefined> {
    return this.batches.add(op.domain, op.properties, seq);
  }

  idFor(domain: string): string | undefined {
    return this.ids.get(domain);
  }

  private async send(batch: readonly Entry[], order: number): Promise<Verdicts> {
    const verdicts: Verdicts = new Map();
    let remaining = [...batch];
    for (let attempt = 0; remaining.length > 0; attempt++) {
      try {
        await this.lookUp(remaining.filter((entry) => !this.ids.get(entry.key)).map((entry) => entry.key));
        const existing = remaining.filter((entry) => this.ids.get(entry.key));
        const missing = remaining.filter((entry) => !this.ids.get(entry.key));
        for (const [entry, message] of await this.update(existing, order)) verdicts.set(entry.key, reject(entry, message));
        remaining = missing;
        for (const [entry, message] of await this.create(missing, order)) verdicts.set(entry.key, reject(entry, message));
        remaining = [];
      } catch (error) {
        // A create that got no answer may have been applied: search again, after a pause
        // that lets HubSpot's search index catch up, and only create what is still missing.
        if (!isAmbiguous(error)) throw error;
        if (attempt >= this.maxRetries) {
          throw new PauseError(`Paused: HubSpot is unavailable (${(error as Error).message}) after ${this.maxRetries} retries; nothing was lost, run again later.`);
        }
        await this.clock.sleep(1000 * 2 ** attempt);
      }
    }
    return verdicts;
  }

  /** Finds the ids of domains not yet known; with duplicates, the oldest company wins. */
  private async lookUp(domains: string[]): Promise<void> {
    if (domains.length === 0) return;
    for (const [domain, company] of await searchCompaniesByDomain(this.requester, domains)) this.ids.set(domain, company.id);
  }

  private update(entries: Entry[], order: number): Promise<Map<Entry, string>> {
    return sendInParts(entries, async (part) => {
      const inputs = part.map((entry, i) => ({ id: this.ids.get(entry.key)!, objectWriteTraceId: String(i), properties: entry.value }));
      const { body } = await this.requester.send<BatchResponse>('companiesUpdate', { body: { inputs } }, { order });
      return failuresByTrace(part, body);
    }, offendingCompanies);
  }

  private create(entries: Entry[], order: number): Promise<Map<Entry, string>> {
    return sendInParts(entries, async (part) => {
      const inputs = part.map((entry, i) => ({ objectWriteTraceId: String(i), properties: { ...entry.value, domain: entry.key } }));
      const { body } = await this.requester.send<BatchResponse>('companiesCreate', { body: { inputs } }, { retryAmbiguous: false, order });
      // Answers come in any order: match them by domain, not position.
      for (const company of body.results ?? []) {
        const domain = company.properties.domain?.toLowerCase();
        if (domain) this.ids.set(domain, company.id);
      }
      return failuresByTrace(part, body);
    }, offendingCompanies);
  }
}

function failuresByTrace(part: Entry[], body: BatchResponse): Map<Entry, string> {
  const byTrace = errorsByContext(body.errors, 'objectWriteTraceId');
  const failed = new Map<Entry, string>();
  part.forEach((entry, i) => {
    const message = byTrace.get(String(i));
    if (message) failed.set(entry, message);
  });
  return failed;
}

function offendingCompanies(error: HubSpotApiError, part: Entry[]): Entry[] {
  const properties = new Set((error.envelope.errors ?? []).flatMap((e) => e.context?.propertyName ?? []));
  return properties.size > 0 ? part.filter((entry) => Object.keys(entry.value).some((name) => properties.has(name))) : [];
}

function reject(entry: Entry, message: string): DeadLetterVerdict {
  return { code: 'HUBSPOT_REJECTED', reason: `company ${entry.key}: ${message}` };
}

function isAmbiguous(error: unknown): boolean {
  return error instanceof TransportError || (error instanceof HubSpotApiError && error.kind === 'transient');
}
