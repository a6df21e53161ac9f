// The diff's sink: instead of sending, it merges what each contact and company would
// receive (later records win per property, as in delivery) so the result can be
// compared with what HubSpot holds. The merged records are kept bounded in memory.
import type { OperationKind } from '../../core/types.js';
import { MergedRecords } from '../../state/mergedRecords.js';
import type { RecordSink } from '../loop/runInputs.js';

export class DiffCollector implements RecordSink {
  readonly contacts: MergedRecords;
  readonly companies: MergedRecords;
  readonly other: Partial<Record<OperationKind, number>> = {};
  readonly settlesAtOnce = true;

  constructor(keptInMemory?: number) {
    this.contacts = new MergedRecords(keptInMemory);
    this.companies = new MergedRecords(keptInMemory);
  }

  accept(record: Parameters<RecordSink['accept']>[0], settle: Parameters<RecordSink['accept']>[1]): undefined {
    for (const operation of record.operations) {
      if (operation.op === 'contact.upsert') {
        this.contacts.merge(operation.email, operation.properties);
      } else if (operation.op === 'company.upsert') {
        this.companies.merge(operation.domain, { domain: operation.domain, ...operation.properties });
      } else {
        this.other[operation.op] = (this.other[operation.op] ?? 0) + 1;
      }
    }
    settle([]);
    return undefined;
  }

  async drain(): Promise<void> {}

  close(): void {
    this.contacts.close();
    this.companies.close();
  }
}
