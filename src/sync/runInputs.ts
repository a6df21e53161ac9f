// The one loop every command shares: read each input in order, map each record, hand
// what it produced to a sink (the dry-run writer, the delivery pipeline, the diff
// collector) and keep each input's watermark as records settle.
import type { DeadLetterVerdict, MappingWarning, Operation, OperationKind, SegmentCall, SkipReason } from '../core/types.js';
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
  /**
   * True when `accept` always calls `settle` before it returns (a dry run, a diff): a
   * record then settles as it is read and needs no tracking.
   */
  readonly settlesAtOnce?: boolean;
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

const NONE: readonly DeadLetterVerdict[] = [];

export async function runInputs(options: RunInputsOptions): Promise<{ stopped: boolean }> {
  const { mapper, sink, tally, deadLetters } = options;
  const maxUncommitted = options.maxUncommitted ?? 5_000;
  let current: Watermark | undefined;
  void sink.halted?.then(() => current?.release());

  /**
   * What a committed record adds to the report and the dead-letter file, in input order.
   * `kept` is the record when it is dead-lettered (the file needs its call); `ops` are
   * its operations or their kinds.
   */
  const commitParts = (progress: InputProgress, warnings: readonly MappingWarning[], ops: readonly (OperationKind | Operation)[], skip: SkipReason | undefined, kept: MappedRecord | undefined, rejections: readonly DeadLetterVerdict[]) => {
    progress.committed++;
    tally.read();
    tally.warnings(warnings);
    for (const op of ops) tally.operation(typeof op === 'string' ? op : op.op);
    if (kept) {
      if (kept.deadLetter) deadLetters.add(kept, kept.deadLetter);
      for (const verdict of rejections) deadLetters.add(kept, verdict);
      tally.outcome('deadLettered');
    } else if (skip) tally.outcome('skipped', skip);
    else tally.outcome('delivered');
  };
  const keptFor = (record: MappedRecord, rejections: readonly DeadLetterVerdict[]) => (record.deadLetter || rejections.length > 0 ? record : undefined);
  const commitNow = (progress: InputProgress, record: MappedRecord, rejections: readonly DeadLetterVerdict[]) =>
    commitParts(progress, record.warnings, record.operations, record.skip, keptFor(record, rejections), rejections);
  /**
   * The same, later: a settled record may wait for the watermark behind a slower one (a
   * company search, an association), so the commit keeps only what it needs (the parsed
   * call and its operations are kilobytes; only a dead letter needs the call).
   */
  const commitLater = (progress: InputProgress, record: MappedRecord, rejections: readonly DeadLetterVerdict[]) => {
    const { warnings, skip } = record;
    const kinds = record.operations.map(({ op }) => op);
    const kept = keptFor(record, rejections);
    return () => commitParts(progress, warnings, kinds, skip, kept, rejections);
  };
  // A sink that settles at once hands its rejections back through one shared function,
  // not a closure per record.
  const settlesAtOnce = sink.settlesAtOnce === true;
  let rejectedAtOnce: readonly DeadLetterVerdict[] = NONE;
  const settleAtOnce = (rejections: readonly DeadLetterVerdict[]) => {
    rejectedAtOnce = rejections;
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
        if (settlesAtOnce && watermark.passAtOnce(record.position)) {
          rejectedAtOnce = NONE;
          const room = record.operations.length === 0 ? undefined : sink.accept(record, settleAtOnce);
          commitNow(progress, record, rejectedAtOnce);
          if (room) await room;
          if (deadLetters.full) await deadLetters.flush();
          continue;
        }
        const settle = watermark.track(record.position);
        if (record.operations.length === 0) {
          settle(commitLater(progress, record, NONE));
          if (deadLetters.full) await deadLetters.flush();
        } else {
          // Until it settles HubSpot may still reject it, and only then is its call needed:
          // meanwhile the call is held as text, not as kilobytes of parsed objects.
          let held = record;
          let settled = false;
          const room = sink.accept(record, (rejections) => {
            settled = true;
            settle(commitLater(progress, held, rejections));
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
