// The diff's sink: instead of sending, it merges what each contact and company would
// receive (later records win per property, as in delivery) so the result can be
// compared with what HubSpot holds.
import type { OperationKind, PropertyValues } from '../core/types.js';
import type { RecordSink } from './runInputs.js';

export class DiffCollector implements RecordSink {
  readonly contacts = new Map<string, PropertyValues>();
  readonly companies = new Map<string, PropertyValues>();
  readonly other: Partial<Record<OperationKind, number>> = {};

  async accept(record: Parameters<RecordSink['accept']>[0], settle: Parameters<RecordSink['accept']>[1]): Promise<void> {
    for (const operation of record.operations) {
      if (operation.op === 'contact.upsert') {
        this.contacts.set(operation.email, { ...this.contacts.get(operation.email), ...operation.properties });
      } else if (operation.op === 'company.upsert') {
        this.companies.set(operation.domain, { ...this.companies.get(operation.domain), domain: operation.domain, ...operation.properties });
      } else {
        this.other[operation.op] = (this.other[operation.op] ?? 0) + 1;
      }
    }
    settle([]);
  }

  async drain(): Promise<void> {}
}
