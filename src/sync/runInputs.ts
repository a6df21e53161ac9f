// The one loop every command shares: read each input in order, map each record, hand
// what it produced to a sink (the dry-run writer, the delivery pipeline, the diff
// collector) and keep each input's watermark as records settle.
import type { DeadLetterVerdict, SegmentCall } from '../core/types.js';
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
  /**
   * Resolves if the sink stops settling records (a failure, a signal), so that reading
   * no longer waits for them. A sink that settles every record itself needs none.
   */
  readonly halted?: Promise<void>;
}

export interface InputProgress {
  file: InputFile;
  watermark: Watermark;
  bytesRead: () => number;
  /** Read to its end; done once its watermark has no uncommitted record left. */
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
  /** Records read but not committed before reading waits (memory bound, default 5,000). */
  maxUncommitted?: number;
}

export async function runInputs(options: RunInputsOptions): Promise<{ stopped: boolean }> {
  const { mapper, sink, tally, deadLetters } = options;
  const maxUncommitted = options.maxUncommitted ?? 5_000;
  let current: Watermark | undefined;
  void sink.halted?.then(() => current?.release());

  /**
   * What a settled record adds to the report and the dead-letter file when it is committed, in input order.
   * A settled record may wait for the watermark behind a slower one (a company search, an
   * association): the commit keeps only what it needs (the parsed call and its operations
   * are kilobytes; only a dead letter needs the call).
   */
  const commit = (progress: InputProgress, record: MappedRecord, rejections: readonly DeadLetterVerdict[]) => {
    const { warnings, deadLetter, skip } = record;
    const ops = record.operations.map((operation) => operation.op);
    const kept = deadLetter || rejections.length > 0 ? record : undefined;
    return () => {
      progress.committed++;
      tally.read();
      tally.warnings(warnings);
      for (const op of ops) tally.operation(op);
      if (kept) {
        if (deadLetter) deadLetters.add(kept, deadLetter);
        for (const verdict of rejections) deadLetters.add(kept, verdict);
        tally.outcome('deadLettered');
      } else if (skip) tally.outcome('skipped', skip);
      else tally.outcome('delivered');
    };
  };

  for (const file of options.inputs) {
    const start = options.startFor?.(file);
    const reader = openInput(file, { ...options.read, start });
    const watermark = new Watermark(start);
    current = watermark;
    const progress: InputProgress = { file, watermark, bytesRead: () => reader.bytesRead, finishedReading: false, committed: 0 };
    options.onInput?.(progress);
    for await (const items of reader.batches()) {
      for (const item of items) {
        if (options.shouldStop?.()) return { stopped: true };
        const record = mapper.map(item);
        const settle = watermark.track(record.position);
        if (record.operations.length === 0) {
          settle(commit(progress, record, []));
          if (deadLetters.full) await deadLetters.flush();
        } else {
          // Until it settles HubSpot may still reject it, and only then is its call needed:
          // meanwhile the call is held as text, not as kilobytes of parsed objects.
          let held = record;
          let settled = false;
          const room = sink.accept(record, (rejections) => {
            settled = true;
            settle(commit(progress, held, rejections));
          });
          if (room) await room;
          if (!settled) held = withCallAsText(record);
        }
        // The sink bounds the records it has not settled, but settled ones wait for the
        // watermark behind the oldest unsettled one (a company search, an association):
        // without this bound, reading runs ahead of it by the whole input.
        if (watermark.uncommitted >= maxUncommitted) await watermark.below(maxUncommitted);
      }
    }
    watermark.end();
    progress.finishedReading = true;
  }
  // Inputs are not drained one by one: a Segment layout holds thousands of small files,
  // and batches fill across their boundaries.
  if (options.shouldStop?.()) return { stopped: true };
  await sink.drain();
  return { stopped: false };
}

/**
 * The record with its call kept as JSON text, parsed again only if it is read. A call
 * that cannot be serialised (nested too deep for JSON.stringify) is kept as it is.
 */
function withCallAsText(record: MappedRecord): MappedRecord {
  const { call, ...rest } = record;
  if (!call) return rest;
  let text: string;
  try {
    text = JSON.stringify(call);
  } catch {
    return record;
  }
  return {
    ...rest,
    get call() {
      return JSON.parse(text) as SegmentCall;
    },
  };
}
