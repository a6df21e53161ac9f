// Phase 2 of a compacted run, "folding": the mapping phase's sink. Each record's
// operations go into the fold (state/foldStore.ts) instead of HubSpot, and the record is
// committed at once: its place is durable with the next checkpoint, and its outcome
// (delivered, or refused by HubSpot) is counted by the sending phase (sending.ts).
import type { DeadLetterVerdict } from '../core/types.js';
import type { FoldStore } from '../state/foldStore.js';
import type { MappedRecord } from '../sync/loop/recordMapper.js';
import type { RecordSink } from '../sync/loop/runInputs.js';

export class FoldSink implements RecordSink {
  readonly settlesAtOnce = true;
  readonly countsLater = true;

  constructor(private readonly fold: FoldStore) {}

  accept(record: MappedRecord, settle: (rejections: DeadLetterVerdict[]) => void): undefined {
    const messageId = record.call?.messageId;
    this.fold.add(
      record.position,
      {
        messageId: typeof messageId === 'string' && messageId !== '' ? messageId : undefined,
        retroactive: record.retroactive === true,
        // A mapping dead letter that still sends operations is counted as it is committed.
        counted: record.deadLetter !== undefined,
      },
      record.operations,
    );
    settle([]);
    return undefined;
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }
}
