// contact.upsert → the contacts batch upsert, by email, ≤ 100 a batch.
// Also the source of contact ids for associations: remembered from upsert answers,
// else read by email, else created by an upsert of the email alone.
import type { ContactUpsert, DeadLetterVerdict, PropertyValues } from '../../core/types.js';
import type { BatchResponse } from '../../hubspot/types.js';
import type { HubSpotApiError } from '../../hubspot/errors.js';
import type { Verdicts } from './keyedBatcher.js';
import { BoundedMap } from './boundedMap.js';
import type { Requester } from '../requests/requester.js';
import { sendInParts } from './sendInParts.js';
import type { Rejection, RejectionCause } from './rejections.js';
import { BatchWriter, failuresByTrace, mergeProperties, namedByProperties, sendMerged, type BatchEntry, type StageRank } from './writerKit.js';

const MAX_BATCH = 100;

type Entry = BatchEntry<PropertyValues>;

export class ContactWriter extends BatchWriter<PropertyValues> {
  /** email → HubSpot contact id, for associations. */
  private readonly ids = new BoundedMap<string, string>(100_000);

  constructor(private readonly requester: Requester, onFatal: (error: unknown) => void, lingerMs?: number, private readonly stageRank?: StageRank) {
    super({ onFatal, lingerMs }, MAX_BATCH, mergeProperties);
  }

  upsert(op: ContactUpsert, seq: number): Promise<DeadLetterVerdict | undefined> {
    return this.batches.add(op.email, op.properties, seq);
  }

  /**
   * Contact ids for these emails: remembered, else read from HubSpot, else created. A
   * contact that does not exist yet (its identify comes later in the export, or only
   * events name it) is created by an upsert of its email alone, so no association is
   * lost to the order of the export. An email HubSpot refuses to create comes back
   * as its verdict.
   */
  async idsFor(emails: readonly string[], seq: number): Promise<Map<string, string | DeadLetterVerdict>> {
    const found = new Map<string, string | DeadLetterVerdict>();
    const remembered = (email: string) => {
      const id = this.ids.get(email);
      if (id) found.set(email, id);
      return id !== undefined;
    };
    // A contact with a known id exists: its association need not wait for the upserts
    // still queued for it (an active user's would keep it waiting, and each wait forces
    // a partial contact batch out). Only the others wait, as their upsert may create them.
    const waiting = [...new Set(emails)].filter((email) => !remembered(email));
    await Promise.all(waiting.map((email) => this.batches.whenSent(email)));
    const unknown = waiting.filter((email) => !remembered(email));
    await this.read(unknown, found);
    const missing = unknown.filter((email) => !found.has(email));
    const verdicts = await Promise.all(missing.map((email) => this.upsert({ op: 'contact.upsert', email, properties: {} }, seq)));
    missing.forEach((email, i) => {
      const verdict = verdicts[i];
      if (verdict) found.set(email, verdict);
    });
    // An upsert answer names its contact by email; should one not, the id is read.
    await this.read(missing.filter((email) => !found.has(email) && !remembered(email)), found);
    return found;
  }

  private async read(emails: readonly string[], found: Map<string, string | DeadLetterVerdict>): Promise<void> {
    for (let i = 0; i < emails.length; i += MAX_BATCH) {
      const { body } = await this.requester.send<BatchResponse>('contactsRead', {
        body: { idProperty: 'email', properties: ['email'], propertiesWithHistory: [], inputs: emails.slice(i, i + MAX_BATCH).map((id) => ({ id })) },
        query: { archived: false },
      });
      for (const contact of body.results) {
        const email = contact.properties.email?.toLowerCase();
        if (email) {
          this.ids.set(email, contact.id);
          found.set(email, contact.id);
        }
      }
    }
  }

  protected send(batch: readonly Entry[], seq: number): Promise<Verdicts> {
    return sendMerged(batch, (entries) => this.upsertAll(entries, seq), (email, rejection) => ({ code: 'HUBSPOT_REJECTED', reason: `contact ${email}: ${rejection.message}` }), this.stageRank);
  }

  /** One round of upserts; answers the emails HubSpot rejected. */
  private async upsertAll(entries: Entry[], seq: number): Promise<Map<string, Rejection>> {
    const rejected = await sendInParts(entries, async (part) => {
      const inputs = part.map(({ key, value }, i) => ({ idProperty: 'email', id: key, objectWriteTraceId: String(i), properties: value }));
      const { body } = await this.requester.send<BatchResponse>('contactsUpsert', { body: { inputs } }, { seq });
      for (const contact of body.results ?? []) {
        const email = contact.properties.email?.toLowerCase();
        if (email) this.ids.set(email, contact.id);
      }
      return failuresByTrace(part, body);
    }, offendingContacts);
    return new Map([...rejected].map(([entry, rejection]) => [entry.key, rejection]));
  }
}

/** The inputs a 400 names: by email in the context or message (the key itself), else by a property. */
function offendingContacts(error: HubSpotApiError, part: Entry[]): Map<Entry, RejectionCause> {
  const { envelope } = error;
  const named = new Set<string>();
  for (const detail of [envelope, ...(envelope.errors ?? [])]) {
    for (const id of detail.context?.ids ?? []) named.add(id.toLowerCase());
    for (const email of detail.context?.email ?? []) named.add(email.toLowerCase());
  }
  const byEmail = part.filter((entry) => named.has(entry.key) || (envelope.message ?? '').includes(`Email address ${entry.key} is invalid`));
  return byEmail.length > 0 ? new Map(byEmail.map((entry) => [entry, { kind: 'key' }])) : namedByProperties(error, part, (entry) => entry.value);
}
