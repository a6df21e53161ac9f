// The one loop every command shares: read each input in order, map each record, hand
// what it produced to a sink (the dry-run writer, the delivery pipeline, the diff
// collector) and keep each input's watermark as records settle.
import type { DeadLetterVerdict, MappingWarning, Operation, OperationKind, SegmentCall, SkipReason } from '../../core/types.js';
import { openInput } from '../../sources/openInput.js';
import type { InputFile, ReadOptions, StartAt } from '../../sources/types.js';
import type { RunTally } from '../../report/tally.js';
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
  /**
   * True when the sink counts the outcome of a record with operations itself, later (the
   * fold: when its keys are sent); its commit counts the rest (read, warnings, operations).
   */
  readonly countsLater?: boolean;
}

export interface InputProgress {
  file: InputFile;
  watermark: Watermark;
  /**
   * The input's bytes behind its committed records (behind its watermark), for the
   * progress line: not the bytes read, which run ahead of records still waiting on
   * HubSpot, so the share shown is what a resume would keep, as `status` shows it.
   */
  bytesDone: () => number;
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
  /** Told the messageId of each record committed as delivered (a live run remembers them). */
  onDelivered?: (messageId: string) => void;
  /** Records read but not committed before reading waits (memory bound, default 5,000). */
  maxUncommitted?: number;
}

const NONE: readonly DeadLetterVerdict[] = [];

export async function runInputs(options: RunInputsOptions): Promise<{ stopped: boolean }> {
  const { mapper, sink, deadLetters } = options;
  const maxUncommitted = options.maxUncommitted ?? 5_000;
  const commits = new Commits(options.tally, deadLetters, options.onDelivered, sink.countsLater === true);
  const acceptAtOnce = sink.settlesAtOnce === true ? atOnceAcceptor(sink, commits) : undefined;
  let current: Watermark | undefined;
  void sink.halted?.then(() => current?.release());

  for (const file of options.inputs) {
    const start = options.startFor?.(file);
    const reader = openInput(file, { ...options.read, start });
    const watermark = new Watermark(start);
    current = watermark;
    /** Where the last record read ends, in the offsets positions use. */
    let readTo = start?.offset ?? 0;
    const progress: InputProgress = { file, watermark, bytesDone: () => committedBytes(reader.bytesRead, watermark.position.offset, readTo), finishedReading: false, committed: 0 };
    options.onInput?.(progress);
    for await (const items of reader.batches()) {
      for (const item of items) {
        if (options.shouldStop?.()) return { stopped: true };
        const record = mapper.map(item);
        readTo = record.position.endOffset;
        let room: Promise<void> | undefined;
        if (acceptAtOnce && watermark.passAtOnce(record.position)) {
          // The watermark has already passed the record: it is committed at once.
          room = acceptAtOnce(progress, record);
        } else {
          room = acceptTracked(sink, commits, progress, record, watermark.track(record.position));
        }
        if (room) await room;
        if (deadLetters.full) await deadLetters.flush();
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
 * The path of a sink that settles each record inside `accept` (a dry run, a diff): the
 * record is committed as soon as it is accepted. Its rejections come back through one
 * settle function for every record, not a closure per record (a dry run's hot path).
 */
function atOnceAcceptor(sink: RecordSink, commits: Commits): (progress: InputProgress, record: MappedRecord) => Promise<void> | undefined {
  let rejected: readonly DeadLetterVerdict[] = NONE;
  const settle = (rejections: readonly DeadLetterVerdict[]) => {
    rejected = rejections;
  };
  return (progress, record) => {
    rejected = NONE;
    const room = record.operations.length === 0 ? undefined : sink.accept(record, settle);
    commits.now(progress, record, rejected);
    return room;
  };
}

/**
 * A record the watermark tracks until it settles: the sink settles it when HubSpot has
 * answered, and it is committed once every record before it has settled too. Returns a
 * promise only when the sink has no room for more yet.
 */
function acceptTracked(sink: RecordSink, commits: Commits, progress: InputProgress, record: MappedRecord, settle: (commit: () => void) => void): Promise<void> | undefined {
  if (record.operations.length === 0) {
    settle(commits.later(progress, record, NONE));
    return undefined;
  }
  // Until it settles HubSpot may still reject it, and only then is its call needed:
  // meanwhile the call is held as text, not as kilobytes of parsed objects.
  let held = record;
  let settled = false;
  const room = sink.accept(record, (rejections) => {
    settled = true;
    settle(commits.later(progress, held, rejections));
  });
  const holdAsText = () => {
    if (!settled) held = withCallAsText(record);
  };
  if (room) return room.then(holdAsText);
  holdAsText();
  return undefined;
}

/** What a committed record adds to the report and the dead-letter file, in input order. */
class Commits {
  constructor(
    private readonly tally: RunTally,
    private readonly deadLetters: DeadLetters,
    private readonly onDelivered: ((messageId: string) => void) | undefined,
    private readonly outcomeLater: boolean,
  ) {}

  now(progress: InputProgress, record: MappedRecord, rejections: readonly DeadLetterVerdict[]): void {
    this.add(progress, record.warnings, record.operations, record.skip, keptFor(record, rejections), rejections, this.onDelivered && messageIdOf(record), record.retroactive);
  }

  /**
   * The commit of a settled record that waits for the watermark behind a slower one (a
   * company search, an association): it keeps only what it needs (the parsed call and
   * its operations are kilobytes; only a dead letter needs the call).
   */
  later(progress: InputProgress, record: MappedRecord, rejections: readonly DeadLetterVerdict[]): () => void {
    const { warnings, skip, retroactive } = record;
    const kinds = record.operations.map(({ op }) => op);
    const kept = keptFor(record, rejections);
    const messageId = this.onDelivered && messageIdOf(record);
    return () => this.add(progress, warnings, kinds, skip, kept, rejections, messageId, retroactive);
  }

  /** `kept` is the record when it is dead-lettered (the file needs its call). */
  private add(progress: InputProgress, warnings: readonly MappingWarning[], ops: readonly (OperationKind | Operation)[], skip: SkipReason | undefined, kept: MappedRecord | undefined, rejections: readonly DeadLetterVerdict[], messageId: string | undefined, retroactive?: true): void {
    progress.committed++;
    this.tally.read();
    this.tally.warnings(warnings);
    for (const op of ops) this.tally.operation(typeof op === 'string' ? op : op.op);
    if (kept) {
      if (kept.deadLetter) this.deadLetters.add(kept, kept.deadLetter);
      for (const verdict of rejections) this.deadLetters.add(kept, verdict);
      this.tally.outcome('deadLettered');
    } else if (skip) this.tally.outcome('skipped', skip);
    else if (this.outcomeLater && ops.length > 0) return;
    else {
      this.tally.outcome('delivered');
      if (messageId !== undefined) this.onDelivered?.(messageId);
      if (retroactive) this.tally.retroactive();
    }
  }
}

function messageIdOf(record: MappedRecord): string | undefined {
  const id = record.call?.messageId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function keptFor(record: MappedRecord, rejections: readonly DeadLetterVerdict[]): MappedRecord | undefined {
  return record.deadLetter || rejections.length > 0 ? record : undefined;
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

/**
 * The bytes of an input behind its watermark at `mark`, given that `read` bytes were read
 * from disk for records up to `readTo`. Offsets are those of the (decompressed, decoded)
 * text, so for gzip or another encoding the disk bytes are scaled by the share of the text
 * read that is committed; for a plain file the two measures agree up to the read-ahead.
 */
export function committedBytes(read: number, mark: number, readTo: number): number {
  if (readTo <= 0 || mark >= readTo) return read;
  return Math.floor((read * mark) / readTo);
}
