// Phase 1 of a run over re-readable inputs, "learning": every pending input is read once
// before mapping, with exactly the stream rules (validity, a duplicate window of its own,
// filters, routing, consent, suppression, the identity map starting from what the state
// directory holds), and nothing is sent, counted or written. What it keeps is what a
// backfill can know that a live destination cannot: the first email each id held, and
// the ids the suppression rules marked, and (through `observe`) the property plan's values.
// Phase 2 (mapping) then reads the inputs again.
import type { IdentityMap, ReadonlyIdentityMap } from '../core/types.js';
import { RunTally } from '../report/tally.js';
import type { InputFile, ReadOptions, StartAt } from '../sources/types.js';
import { SpillingIdentityMap } from '../state/spillingIdentityMap.js';
import type { LearntSuppressedIds } from '../state/stateStore.js';
import { DeadLetters } from '../sync/loop/deadLetters.js';
import { MemoryDuplicateWindow } from '../sync/lists/memoryDuplicateWindow.js';
import type { RecordMapper, RecordMapperDeps } from '../sync/loop/recordMapper.js';
import { runInputs, type InputProgress, type RecordSink } from '../sync/loop/runInputs.js';

/** What the first reading learnt, for the second. */
export interface FirstReading {
  /** Per id the map did not know at the start: the first email it held during the reading. */
  readonly firstEmails: ReadonlyIdentityMap;
  /** The ids the suppression rules marked during the reading. */
  readonly suppressedIds: ReadonlySet<string>;
  /** Releases the scratch database the emails may have spilled into. */
  close(): void;
}

/** The memory phase 1 maps over: the state directory's, read and never written. */
export interface KnownMemory {
  identities: ReadonlyIdentityMap;
  suppressedIds: Pick<LearntSuppressedIds, 'has' | 'count'>;
}

export interface LearningOptions {
  inputs: readonly InputFile[];
  read: Omit<ReadOptions, 'start'>;
  /** Where each input starts (a continued run's watermarks); from the start when absent. */
  startFor?: (file: InputFile) => StartAt | undefined;
  known: KnownMemory;
  /** The run's own mapper factory, so that the first reading maps exactly as the second. */
  mapperFor: (memory: Pick<RecordMapperDeps, 'identities' | 'duplicates' | 'observe'> & { suppressedIds: LearntSuppressedIds }) => RecordMapper;
  /** Told what each record's mapping gave up on and sends: the property plan is collected here. */
  observe?: RecordMapperDeps['observe'];
  onInput?: (progress: InputProgress) => void;
  shouldStop?: () => boolean;
}

/**
 * Reads every input once and returns what it learnt, or undefined when `shouldStop`
 * stopped it (a run interrupted here simply reads again next time).
 */
export async function learnFromInputs(options: LearningOptions): Promise<FirstReading | undefined> {
  const firstEmails = new SpillingIdentityMap(NOBODY);
  const identities = new FirstEmailRecorder(new SpillingIdentityMap(options.known.identities), firstEmails);
  const marked = new Set<string>();
  const suppressedIds: LearntSuppressedIds = {
    has: (id) => marked.has(id) || options.known.suppressedIds.has(id),
    add: (id) => void marked.add(id),
    // Counted with the stored ones: a run without a list still applies what earlier runs learnt.
    count: () => marked.size + options.known.suppressedIds.count(),
  };
  const duplicates = new MemoryDuplicateWindow();
  const reading: FirstReading = {
    firstEmails,
    suppressedIds: marked,
    close: () => firstEmails.close(),
  };
  try {
    // Counts and dead letters of this reading are thrown away: the second reading makes them.
    const tally = new RunTally();
    const { stopped } = await runInputs({
      inputs: options.inputs,
      read: options.read,
      mapper: options.mapperFor({ identities, duplicates, suppressedIds, observe: options.observe }),
      sink: NOTHING_SENT,
      tally,
      deadLetters: new DeadLetters(tally, undefined),
      startFor: options.startFor,
      onInput: options.onInput,
      shouldStop: options.shouldStop,
    });
    if (stopped) {
      reading.close();
      return undefined;
    }
    return reading;
  } catch (error) {
    reading.close();
    throw error;
  } finally {
    identities.close();
    duplicates.close();
  }
}

const NOBODY: ReadonlyIdentityMap = { get: () => undefined };

/** Phase 1 sends nothing: every record settles as it is read. */
const NOTHING_SENT: RecordSink = {
  settlesAtOnce: true,
  accept: (_record, settle) => {
    settle([]);
    return undefined;
  },
  drain: () => Promise.resolve(),
};

/**
 * The identity map of the first reading: an overlay over the stored map that notes, for
 * an id the map did not hold, the first email it is taught. Later emails of the id (a
 * shared device identified again) change the overlay, not what was noted.
 */
class FirstEmailRecorder implements IdentityMap {
  constructor(
    private readonly overlay: SpillingIdentityMap,
    private readonly first: IdentityMap,
  ) {}

  get(id: string): string | undefined {
    return this.overlay.get(id);
  }

  set(id: string, email: string): void {
    if (this.overlay.get(id) === undefined) this.first.set(id, email);
    this.overlay.set(id, email);
  }

  close(): void {
    this.overlay.close();
  }
}

/**
 * Phase 2's view of the suppressed ids: the stored ones (learnt as phase 2 reads), and
 * from its start the ids phase 1 marked, so a deleted person's calls before the record
 * that names them are suppressed too.
 */
export function suppressedFromTheStart(stored: LearntSuppressedIds, reading: FirstReading): LearntSuppressedIds {
  return {
    has: (id) => reading.suppressedIds.has(id) || stored.has(id),
    add: (id) => stored.add(id),
    count: () => stored.count(),
  };
}
