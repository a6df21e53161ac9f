// The one loop every command shares: read each input in order, map each record, hand
// what it produced to a sink (the dry-run writer, the delivery pipeline, the diff
// collector) and keep each input's watermark as records resolve.
import type { DeadLetterVerdict } from '../core/types.js';
import { openInput } from '../sources/openInput.js';
import type { InputFile, ReadOptions, StartAt } from '../sources/types.js';
import type { RunTally } from '../report/tally.js';
import type { DeadLetters } from './deadLetters.js';
import type { MappedRecord, RecordMapper } from './recordMapper.js';
import { Watermark } from './watermark.js';

export interface RecordSink {
  /**
   * Takes a record that has operations. `settle` must be called exactly once, when all
   * of them are done, with the dead letters HubSpot caused (empty when all arrived).
   * A returned promise resolves when the sink has room for more (back-pressure); nothing
   * is returned when it has room now, so a dry run does not pay an await per record.
   */
  accept(record: MappedRecord, settle: (rejections: DeadLetterVerdict[]) => void): Promise<void> | undefined;
  /** Waits until every accepted record is settled; throws what stopped the sink. */
  drain(): Promise<void>;
}

export interface InputProgress {
  file: InputFile;
  watermark: Watermark;
  bytesRead: () => number;
  /** Read to its end; done once its watermark has no unresolved record left. */
  finishedReading: boolean;
  /** Records of this input committed in this run. */
  committed: number;
}

export interface RunInputsOptions {
  inputs: readonly InputFile[];
  read: Omit<ReadOptions, 'start'>;
  mapper: RecordMapper;
  sink: RecordSink;
  tally: RunTally;
  deadLetters: DeadLetters;
  /** Resume point per input (from the checkpoint). */
  startFor?: (file: InputFile) => StartAt | undefined;
  /** Called when an input is opened, so progress and checkpoints can follow it. */
  onInput?: (progress: InputProgress) => void;
  /** Stop reading (a signal, a paused delivery); the caller then stops the sink. */
  shouldStop?: () => boolean;
}

export async function runInputs(options: RunInputsOptions): Promise<{ stopped: boolean }> {
  const { mapper, sink, tally, deadLetters } = options;

  /** What a resolved record adds to the report and the dead-letter file, in input order. */
  const commit = (progress: InputProgress, record: MappedRecord, rejections: readonly DeadLetterVerdict[]) => () => {
    progress.committed++;
    tally.read();
    tally.warnings(record.warnings);
    for (const operation of record.operations) tally.operation(operation.op);
    if (record.deadLetter) deadLetters.add(record, record.deadLetter);
    for (const verdict of rejections) deadLetters.add(record, verdict);
    if (record.deadLetter || rejections.length > 0) tally.resolve('deadLettered');
    else if (record.skip) tally.resolve('skipped', record.skip);
    else tally.resolve('delivered');
  };

  for (const file of options.inputs) {
    const start = options.startFor?.(file);
    const reader = openInput(file, { ...options.read, start });
    const watermark = new Watermark(start);
    const progress: InputProgress = { file, watermark, bytesRead: () => reader.bytesRead, finishedReading: false, committed: 0 };
    options.onInput?.(progress);
    for await (const items of reader.batches()) {
      for (const item of items) {
        if (options.shouldStop?.()) return { stopped: true };
        const record = mapper.map(item);
        const resolved = watermark.track(record.position);
        if (record.operations.length === 0) {
          resolved(commit(progress, record, []));
          if (deadLetters.full) await deadLetters.flush();
        } else {
          const room = sink.accept(record, (rejections) => resolved(commit(progress, record, rejections)));
          if (room) await room;
        }
      }
    }
    progress.finishedReading = true;
  }
  // Inputs are not drained one by one: a Segment layout holds thousands of small files,
  // and batches fill across their boundaries.
  if (options.shouldStop?.()) return { stopped: true };
  await sink.drain();
  return { stopped: false };
}
