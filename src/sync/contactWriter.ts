// contact.upsert → the contacts batch upsert, by email, ≤ 100 a batch.
// Also the source of contact ids for associations: remembered from upsert answers,
// else read by email.
import type { ContactUpsert, DeadLetterVerdict, PropertyValues } from '../core/types.js';
import type { BatchResponse } from '../hubspot/types.js';
import { errorsByContext } from '../hubspot/types.js';
import type { HubSpotApiError } from '../hubspot/errors.js';
import { KeyedBatcher, type Verdicts } from './keyedBatcher.js';
import { BoundedMap } from './boundedMap.js';
import type { Requester } from './requester.js';
import { sendInParts } from './sendInParts.js';

const MAX_BATCH = 100;

export class ContactWriter {
  private readonly batcher: KeyedBatcher<PropertyValues>;
  /** email → HubSpot contact id, for associations. */
  private readonly ids = new BoundedMap<string, string>(100_000);

  constructor(private readonly requester: Requester, onFatal: (error: unknown) => void, lingerMs = 200) {
    this.batcher = new KeyedBatcher({
      maxBatch: MAX_BATCH,
      lingerMs,
      merge: (earlier, later) => ({ ...earlier, ...later }),
      send: (batch, oldest) => this.send(batch, oldest),
      onFatal,
    });
  }

  upsert(op: ContactUpsert, seq: number): Promise<DeadLetterVerdict | undefined> {
    return this.batcher.add(op.email, op.properties, seq);
  }

  get batches(): KeyedBatcher<PropertyValues> {
    return this.batcher;
  }

  /** Contact ids for these emails: remembered, else read from HubSpot. Missing ones are absent. */
  async idsFor(emails: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const remembered = (email: string) => {
      const id = this.ids.get(email);
      if (id) found.set(email, id);
      return id !== undefined;
    };
    // A contact with a known id exists: its association need not wait for the upserts
    // still queued for it (an active user's would keep it waiting, and each wait forces
    // a partial contact batch out). Only the others wait, as their upsert may create them.
    const waiting = [...new Set(emails)].filter((email) => !remembered(email));
    await Promise.all(waiting.map((email) => this.batcher.settled(email)));
    const unknown = waiting.filter((email) => !remembered(email));
    for (let i = 0; i < unknown.length; i += MAX_BATCH) {
      const { body } = await this.requester.send<BatchResponse>('contactsRead', {
        body: { idProperty: 'email', properties: ['email'], propertiesWithHistory: [], inputs: unknown.slice(i, i + MAX_BATCH).map((id) => ({ id })) },
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
    return found;
  }

  private async send(batch: ReadonlyArray<{ key: string; value: PropertyValues }>, order: number): Promise<Verdicts> {
    const rejected = await sendInParts([...batch], async (part) => {
      const inputs = part.map(({ key, value }, i) => ({ idProperty: 'email', id: key, objectWriteTraceId: String(i), properties: value }));
      const { body } = await this.requester.send<BatchResponse>('contactsUpsert', { body: { inputs } }, { order });
      for (const contact of body.results ?? []) {
        const email = contact.properties.email?.toLowerCase();
        if (email) this.ids.set(email, contact.id);
      }
      const byTrace = errorsByContext(body.errors, 'objectWriteTraceId');
      const failed = new Map<(typeof part)[number], string>();
      part.forEach((entry, i) => {
        const message = byTrace.get(String(i));
        if (message) failed.set(entry, message);
      });
      return failed;
    }, offendingContacts);
    const verdicts: Verdicts = new Map();
    for (const [entry, message] of rejected) {
      verdicts.set(entry.key, { code: 'HUBSPOT_REJECTED', reason: `contact ${entry.key}: ${message}` });
    }
    return verdicts;
  }
}

/** The inputs a 400 names: by email in the context or message, else by a property name. */
function offendingContacts(error: HubSpotApiError, part: Array<{ key: string; value: PropertyValues }>): Array<{ key: string; value: PropertyValues }> {
  const { envelope } = error;
  const named = new Set<string>();
  for (const detail of [envelope, ...(envelope.errors ?? [])]) {
    for (const id of detail.context?.ids ?? []) named.add(id.toLowerCase());
    for (const email of detail.context?.email ?? []) named.add(email.toLowerCase());
  }
  const byEmail = part.filter((entry) => named.has(entry.key) || (envelope.message ?? '').includes(`Email address ${entry.key} is invalid`));
  if (byEmail.length > 0) return byEmail;
  const properties = new Set((envelope.errors ?? []).flatMap((e) => e.context?.propertyName ?? []));
  return properties.size > 0 ? part.filter((entry) => Object.keys(entry.value).some((name) => properties.has(name))) : [];
}
