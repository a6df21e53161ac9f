// association → the contact→company batch associate/default, once
// both records exist: the company id from the company writer, the contact id from the
// upsert answer or a batch read by email; a contact that does not exist yet is created
// by an upsert of its email alone (an effect of the association, not an operation).
import type { Association, DeadLetterVerdict } from '../../core/types.js';
import type { BatchResponse } from '../../hubspot/types.js';
import type { CompanyWriter } from '../companies/companyWriter.js';
import type { ContactWriter } from './contactWriter.js';
import type { Verdicts } from './keyedBatcher.js';
import type { Requester } from '../requests/requester.js';
import type { Rejection } from './rejections.js';
import { sendInParts } from './sendInParts.js';
import { BatchWriter, keepFirst, type BatchEntry } from './writerKit.js';

const MAX_BATCH = 100;

type Pair = { email: string; domain: string };
type Input = { key: string; contactId: string; companyId: string };

export class AssociationWriter extends BatchWriter<Pair> {
  constructor(
    private readonly requester: Requester,
    private readonly contacts: ContactWriter,
    private readonly companies: CompanyWriter,
    onFatal: (error: unknown) => void,
    lingerMs?: number,
  ) {
    super({ onFatal, lingerMs }, MAX_BATCH, keepFirst);
  }

  associate(op: Association, seq: number): Promise<DeadLetterVerdict | undefined> {
    return this.batches.add(`${op.email}\n${op.domain}`, { email: op.email, domain: op.domain }, seq);
  }

  protected async send(batch: ReadonlyArray<BatchEntry<Pair>>, seq: number): Promise<Verdicts> {
    const verdicts: Verdicts = new Map();
    const contactIds = await this.contacts.idsFor(batch.map(({ value }) => value.email), seq);
    const inputs: Input[] = [];
    for (const { key, value } of batch) {
      const contactId = contactIds.get(value.email);
      const companyId = this.companies.idFor(value.domain);
      if (contactId === undefined) {
        verdicts.set(key, { code: 'HUBSPOT_REJECTED', reason: `The contact ${value.email} could not be found or created in HubSpot, so it cannot be associated with ${value.domain}.` });
      } else if (typeof contactId !== 'string') {
        verdicts.set(key, { code: 'HUBSPOT_REJECTED', reason: `The contact ${value.email} could not be created, so it cannot be associated with ${value.domain}: ${contactId.reason}` });
      } else if (!companyId) {
        verdicts.set(key, { code: 'HUBSPOT_REJECTED', reason: `The company ${value.domain} was not created in HubSpot, so ${value.email} cannot be associated with it.` });
      } else {
        inputs.push({ key, contactId, companyId });
      }
    }
    const rejected = await sendInParts(inputs, async (part) => {
      const { body } = await this.requester.send<BatchResponse<unknown>>('associateDefault', {
        body: { inputs: part.map(({ contactId, companyId }) => ({ from: { id: contactId }, to: { id: companyId } })) },
      }, { seq });
      const failed = new Map<Input, Rejection>();
      for (const error of body?.errors ?? []) {
        const named = new Set(Object.values(error.context ?? {}).flat());
        for (const input of part) {
          if (named.has(input.contactId) || named.has(input.companyId)) failed.set(input, { message: `HubSpot rejected it: ${error.message ?? error.category ?? 'no message'}`, cause: { kind: 'key' } });
        }
      }
      return failed;
    });
    for (const [input, { message }] of rejected) verdicts.set(input.key, { code: 'HUBSPOT_REJECTED', reason: `association: ${message}` });
    return verdicts;
  }
}
