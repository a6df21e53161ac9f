// A live replay, as phases with typed results: open the state directory, resolve the
// portal, build the delivery, read the inputs, finish. The checkpoint is saved before the
// first record, every few seconds, on a signal, before a pause and at the end; never after
// a write failed.
import { existsSync } from 'node:fs';
import { EVENT_DEFINITION_PROPERTY_LIMIT } from '../../core/eventRoom.js';
import { RefusedError, UsageError, WriteFailedError } from '../../errors.js';
import { progressIntervalMs, progressMode, startProgress, type SendingProgress } from '../../report/progress.js';
import type { RunStatus } from '../../report/tally.js';
import { listInputs } from '../../sources/listInputs.js';
import type { InputFile, StartAt } from '../../sources/types.js';
import { Checkpointer, type Checkpoint } from '../../state/checkpoint.js';
import { stateDirPaths } from '../../state/stateDir.js';
import { systemClock } from '../../sync/requests/throttle.js';
import { DailyBudget, parseReserve } from '../../sync/requests/dailyBudget.js';
import { dailyLedger } from '../../state/dailyCount.js';
import { DeadLetters } from '../../sync/loop/deadLetters.js';
import { Delivery } from '../../sync/sinks/delivery.js';
import type { Requester } from '../../sync/requests/requester.js';
import { runInputs, type InputProgress } from '../../sync/loop/runInputs.js';
import type { ReplayOptions } from '../replay.js';
import { testTimings } from '../testTimings.js';
import { CommandContext, storeMemory, type Portal } from './context.js';
import { LATE, RunGuard } from './guard.js';
import { endedBy, type RunEnd, type RunOutcome } from './outcome.js';
import { bindToPortal, openStateDirectory, recordRefusal, type OpenState } from './stateDirectory.js';
import { inspectBeforeSending, readOptionsFrom } from './inspect.js';
import { refuseOwnDeadLetterFile } from './ownDeadLetters.js';
import { notice } from './notice.js';
import { closeBasis, foldsBeforeSending, learningPhase, mappingMemory, readsTwice } from '../../phases/phases.js';
import { writeCachedCatalog } from '../../state/catalogCache.js';
import { createPlannedProperties } from '../../sync/portal/propertyCreator.js';
import { refuseStreamedCreate, RunPlan } from './propertyPlan.js';
import { FoldStore } from '../../state/foldStore.js';
import { FoldSink } from '../../phases/folding.js';
import { accountFold, sendFold } from '../../phases/sending.js';
import { capYoungGeneration } from '../heap.js';
import { foldOwner, foldRefusal } from './foldOwner.js';

/** Of a stop's grace, what is kept for the last checkpoint after the requests in flight. */
const CHECKPOINT_SHARE = 1 / 6;

export async function liveReplay(paths: string[], flags: ReplayOptions): Promise<RunOutcome> {
  const started = Date.now();
  capYoungGeneration();
  if (!flags.token) {
    throw new UsageError('A HubSpot token is needed to deliver: pass --token or set HUBSPOT_ACCESS_TOKEN (or use --dry-run to send nothing).');
  }
  const inputs = await listInputs(paths, flags.inputFormat);
  refuseStreamedCreate(inputs, flags);
  await refuseOwnDeadLetterFile(inputs, flags.deadLetter ?? stateDirPaths(flags.stateDir).deadLetter, flags.deadLetter ? '--dead-letter' : 'the state directory\'s default');
  const reserve = parseReserve(flags.dailyReserve);
  const context = await CommandContext.open(flags, flags);
  const state = await openStateDirectory(flags, inputs, `replay ${paths.join(' ')}`);
  /** A write failed: no checkpoint is written after it, the last one written whole stands. */
  let failedWrite = false;
  try {
    const checkpoint = new RunCheckpoint(state, started);
    // Inputs a run finished are not opened again: a nightly run over a growing Segment
    // layout would otherwise decompress every earlier day just to skip it.
    const pending = inputs.filter((file) => !checkpoint.done(file));
    await inspectBeforeSending(pending, flags);

    // From here on every way the run ends is reported (summary, --report, checkpoint),
    // so the signal handlers are in place before the first request goes out.
    const guard: RunGuard = new RunGuard(() => checkpoint.saveWhenDue((error) => guard.fail(error)));
    // Whatever ends the run, its signal handlers and checkpoint timer go with it: a timer
    // left behind would keep the process (and its lock) alive after its last line.
    try {
      const progress = startProgress({
        mode: progressMode(flags, process.stderr),
        stream: process.stderr,
        tally: state.tally,
        inputs: checkpoint.shown,
        totalBytes: pending.reduce((sum, f) => sum + (f.size ?? 0), 0),
        // Over both readings when the run reads twice: the share and ETA are the whole run's.
        readings: readsTwice({ retroactive: flags.retroactiveIdentities, createProperties: flags.createProperties, inputs: pending }) ? 2 : 1,
        secondReading: foldsBeforeSending(flags.compact, pending) ? 'folding' : 'mapping',
        sending: () => checkpoint.sending,
        intervalMs: progressIntervalMs(),
      });
      // --daily-limit counts every run of the state directory in the UTC day.
      const budget = new DailyBudget(reserve, flags.dailyLimit, dailyLedger(state.dir));
      const plan = new RunPlan(flags);
      let end: RunEnd = { status: 'completed' };
      let refused: RefusedError | undefined;
      try {
        const requester = context.connectWithToken({ concurrency: flags.concurrency, tally: state.tally, budget }, 'A HubSpot token is needed to deliver');
        const portal = await context.portal(requester, {
          cache: { stateDir: state.dir, use: 'write' },
          delivers: true,
          guard: (work) => guard.unlessSignalled(work),
          bind: (hubId) => bindToPortal(state, hubId, flags.fresh, (message) => notice(flags, message, 'portal')),
        });
        // The places on an event's definition go in the order the fold being sent met its names; a stream's batches give that order themselves.
        const eventOrder = (eventName: string) => checkpoint.fold?.eventPropertyOrder(eventName) ?? [];
        const delivery = buildDelivery({ requester, portal, state, flags, plan, folds: foldsBeforeSending(flags.compact, pending), eventOrder });
        guard.onStop = () => delivery.interrupt();
        guard.throwIfSignalled();
        // A checkpoint before the first record: a run that dies before the next one resumes
        // from here, its dead-letter file cut back to here, never appended to twice.
        if ((await guard.inTime(checkpoint.save())) === LATE) throw noAnswer(state);
        await readInputs(pending, { inputs, context, requester, portal, state, delivery, checkpoint, guard, flags, plan });
      } catch (error) {
        if (error instanceof RefusedError) refused = error;
        else {
          end = endedBy(error);
          failedWrite = error instanceof WriteFailedError;
        }
      } finally {
        progress.stop();
      }
      // The day's ledger is set to the requests really sent: on a full disk, a write that fails too.
      const unsettled = settle(budget);
      if (unsettled !== undefined && !failedWrite && refused === undefined) {
        end = endedBy(unsettled);
        failedWrite = true;
      }
      if (refused) {
        // Refused before reading: the checkpoint stays the run before's, noting the refusal.
        await state.deadLetterWriter.close();
        await recordRefusal(state.dir, refused.message);
        throw refused;
      }
      if (!failedWrite) {
        // The last checkpoint gets the stop grace, no more: a disk that does not answer must
        // not keep a nightly job (and its lock) forever.
        guard.finishing();
        const saved = await guard.within(
          checkpoint.finish(end.status, end.message).then(() => state.deadLetterWriter.close()).then(() => undefined, (error: unknown) => error),
        );
        if (saved !== undefined) {
          failedWrite = true;
          end = endedBy(saved === LATE ? noAnswer(state) : saved);
        }
      }
      const sending = checkpoint.phase === 'sending' && checkpoint.sending && end.status !== 'completed' ? { sending: { keysSent: checkpoint.sending.sent, keys: checkpoint.sending.keys } } : {};
      return { tally: state.tally, ...end, durationMs: Date.now() - started, deadLetterFile: state.deadLetterPath, warnings: context.filterWarnings(), propertyPlan: plan.plan(), ...sending };
    } finally {
      guard.stop();
    }
  } finally {
    // After a failed write the store cannot be flushed either: what it held past the last
    // checkpoint is learnt again on resume, as after kill -9.
    await state.close().catch((error: unknown) => {
      if (!failedWrite) throw error;
    });
  }
}

/** Settles the day's ledger; a write that failed (a full disk) is answered, anything else thrown. */
function settle(budget: DailyBudget): WriteFailedError | undefined {
  try {
    budget.settle();
    return undefined;
  } catch (error) {
    if (error instanceof WriteFailedError) return error;
    throw error;
  }
}

/** A checkpoint write the disk did not finish within the stop grace. */
function noAnswer(state: OpenState): WriteFailedError {
  return new WriteFailedError(stateDirPaths(state.dir).checkpoint, 'no answer from the disk in time');
}

/**
 * The delivery pipeline of the run: the writers, keyed companies, notices on standard error.
 * A run that folds sends whole pages of keys at once: its batches need not linger to fill.
 */
function buildDelivery({ requester, portal, state, flags, plan, folds, eventOrder }: {
  requester: Requester;
  portal: Portal;
  state: OpenState;
  flags: ReplayOptions;
  plan: RunPlan;
  /** The run sends a fold (whole pages of keys at once). */
  folds: boolean;
  /** An event's property names in the order the fold being sent met them. */
  eventOrder: (eventName: string) => readonly string[];
}): Delivery {
  const notify = (message: string) => notice(flags, message, 'companies');
  return new Delivery(
    requester,
    {
      hubId: portal.hubId,
      maxRetries: flags.maxRetries,
      createEventDefinitions: flags.createEventDefinitions,
      companyKey: flags.companyKey === 'none' ? undefined : flags.companyKey,
      companyMemory: state.companyMemory,
      notify,
      backoffMs: testTimings().backoffMs,
      ...(folds ? { lingerMs: 0 } : {}),
      eventPropertyType: (eventName, property) => plan.planner.eventPropertyType(eventName, property),
      eventPropertyOrder: eventOrder,
      onEventPropertyWithoutRoom: (eventName, property) =>
        state.tally.warnings([{ kind: 'dropped_property', object: 'event', property, reason: `the definition of ${eventName} holds HubSpot's ${EVENT_DEFINITION_PROPERTY_LIMIT} custom properties already` }]),
      stageRank: (object, stage) => {
        const options = (object === 'contact' ? portal.catalog.contact('lifecyclestage') : portal.catalog.company('lifecyclestage'))?.options;
        // The catalog lists a property's options in the portal's order.
        const place = options?.findIndex((o) => o.value === stage) ?? -1;
        return place < 0 ? undefined : place;
      },
    },
    state.store.companyIds,
    systemClock,
  );
}

/**
 * Reads the pending inputs from their watermarks into the delivery until they end, a
 * signal comes or the delivery fails. Resolves only when every input was read and
 * delivered; otherwise throws what stopped it (InterruptedError, a PauseError, a failure).
 */
async function readInputs(
  pending: InputFile[],
  run: { inputs: InputFile[]; context: CommandContext; requester: Requester; portal: Portal; state: OpenState; delivery: Delivery; checkpoint: RunCheckpoint; guard: RunGuard; flags: ReplayOptions; plan: RunPlan },
): Promise<void> {
  const { state, delivery, checkpoint, guard, flags, plan } = run;
  const read = readOptionsFrom(flags);
  const memory = storeMemory(state.store, flags.resend ? undefined : state.generation);
  const startFor = (file: InputFile) => checkpoint.startFor(file);
  const shouldStop = () => guard.stopping || delivery.failure !== undefined;
  const reading = runPhases().catch((error: unknown) => {
    // A write that failed while reading (the dead-letter file, the state store) stops the
    // run as a signal does.
    if (!(error instanceof WriteFailedError)) throw error;
    guard.fail(error);
  });
  /**
   * The phases: an unfinished run's fold is sent first (a paused nightly run finishes it
   * before new inputs are folded); then learning, then mapping (folding when the run
   * compacts), then sending the fold. Phase 1 (learning) writes nothing: a run killed
   * during it simply reads again next time.
   */
  async function runPhases(): Promise<void> {
    let fold = openFold();
    if (fold !== undefined && checkpoint.phase === 'sending') {
      if (!(await sendingPhase(fold))) return;
      fold = undefined;
      // New inputs are read next: the progress line follows them, not the fold just sent.
      checkpoint.sending = undefined;
    }
    if (fold === undefined && foldsBeforeSending(flags.compact, pending)) fold = newFold();
    if (fold !== undefined) {
      // Records past a watermark are folded again as they are read again.
      for (const file of pending) fold.discardFrom(file.path, startFor(file)?.offset ?? 0);
    }
    if (readsTwice({ retroactive: flags.retroactiveIdentities, createProperties: flags.createProperties, inputs: pending })) checkpoint.phase = 'learning';
    const basis = await learningPhase({
      retroactive: flags.retroactiveIdentities,
      createProperties: flags.createProperties,
      observe: plan.observe,
      inputs: pending,
      read,
      startFor,
      known: memory,
      mapperFor: (learning) => run.context.mapper(run.portal, learning),
      notify: (message) => notice(flags, message),
      onInput: (p) => checkpoint.shown.push(p),
      shouldStop,
    });
    let stopped = true;
    try {
      if (basis.kind === 'stopped') return;
      const portal = basis.kind === 'streamed' ? run.portal : await createPlanned();
      if (fold !== undefined) checkpoint.phase = 'folding';
      else if (checkpoint.phase !== undefined) checkpoint.phase = 'mapping';
      ({ stopped } = await runInputs({
        inputs: pending,
        read,
        mapper: run.context.mapper(portal, { ...mappingMemory(memory, basis), observe: plan.mappingObserver(basis) }),
        sink: fold === undefined ? delivery : new FoldSink(fold),
        tally: state.tally,
        deadLetters: new DeadLetters(state.tally, state.deadLetterWriter),
        onDelivered: (messageId) => state.store.delivered.add(messageId, state.generation),
        startFor,
        onInput: (p) => {
          checkpoint.progressOf.push(p);
          checkpoint.shown.push(p);
        },
        shouldStop,
      }));
    } finally {
      closeBasis(basis);
    }
    // What phase 1 learnt is released first: the sending phase needs none of it.
    if (fold !== undefined && !stopped) await sendingPhase(fold);
  }
  /** A checkpoint between phases: a disk that does not answer ends the run, as at its start. */
  async function saveInTime(): Promise<void> {
    if ((await guard.inTime(checkpoint.save())) === LATE) throw noAnswer(state);
  }
  /** The fold an unfinished run left, when it has one; refused when made with other mapping options. */
  function openFold(): FoldStore | undefined {
    if (flags.fresh || !state.continuing || !existsSync(FoldStore.path(state.dir))) {
      FoldStore.forget(state.dir);
      if (checkpoint.phase === 'folding' || checkpoint.phase === 'sending') checkpoint.phase = undefined;
      return undefined;
    }
    const fold = FoldStore.open(state.dir);
    checkpoint.fold = fold;
    const owner = fold.owner();
    // A fold whose first writes never became durable holds nothing yet: it is this run's.
    if (owner === undefined) fold.setOwner(foldOwner(flags));
    else if (owner !== foldOwner(flags)) throw new RefusedError(foldRefusal());
    return fold;
  }
  function newFold(): FoldStore {
    const fold = FoldStore.open(state.dir);
    fold.setOwner(foldOwner(flags));
    checkpoint.fold = fold;
    return fold;
  }
  /**
   * Phase 3: every unconfirmed key of the fold sent, then every folded record counted in
   * input order. The counting is not checkpointed midway: a run killed during it counts
   * again from the fold. False when a stop or a failure ended it first.
   */
  async function sendingPhase(fold: FoldStore): Promise<boolean> {
    checkpoint.phase = 'sending';
    await saveInTime();
    const { keys, confirmed } = fold.keyCounts();
    checkpoint.sending = { sent: confirmed, keys, since: Date.now(), sentBefore: confirmed };
    if (!(await sendFold(fold, delivery, shouldStop, checkpoint.sending))) return false;
    checkpoint.holding = true;
    await accountFold({
      fold,
      inputs: run.inputs,
      read,
      tally: state.tally,
      deadLetters: new DeadLetters(state.tally, state.deadLetterWriter),
      onDelivered: (messageId) => state.store.delivered.add(messageId, state.generation),
    });
    state.tally.compaction(fold.counts());
    checkpoint.phase = undefined;
    checkpoint.holding = false;
    await saveInTime();
    checkpoint.fold = undefined;
    fold.close();
    FoldStore.forget(state.dir);
    return true;
  }
  /**
   * After phase 1: the plan is fixed, and with --create-properties created before any
   * record is sent; the mapping phase then converts values by the created types.
   */
  async function createPlanned(): Promise<Portal> {
    const fixed = plan.fix((text) => process.stderr.write(text));
    if (!flags.createProperties || fixed.properties.every((p) => !p.creatable)) return run.portal;
    const created = await guard.unlessSignalled(createPlannedProperties(run.requester, fixed, flags.propertyGroup));
    plan.markCreated(created.properties);
    const catalog = run.portal.catalog.withProperties(created.properties);
    if (!flags.catalog) await writeCachedCatalog(state.dir, catalog.toDocument());
    notice(flags, `Created ${created.created} propert${created.created === 1 ? 'y' : 'ies'} of the property plan before sending: their values are kept from now on.`);
    return { ...run.portal, catalog };
  }
  // A stop ends reading even while it waits on something that will never come.
  await Promise.race([reading, guard.stopped]);
  if (delivery.failure instanceof WriteFailedError) guard.fail(delivery.failure);
  if (guard.stopping) {
    // Requests in flight get a bounded time to answer, so their records can settle; the
    // rest of the grace is kept for the last checkpoint.
    await guard.within(delivery.stop(), guard.graceMs * CHECKPOINT_SHARE);
    guard.throwIfSignalled();
  } else if (delivery.failure) {
    throw delivery.failure;
  }
}

/**
 * The run's checkpoint: what the run before left, updated from the inputs' progress each
 * time it is written.
 */
class RunCheckpoint {
  /** Every input the mapping phase opened so far, with its watermark. */
  readonly progressOf: InputProgress[] = [];
  /** Every input opened so far in either phase, for the progress line. */
  readonly shown: InputProgress[] = [];
  /** The phase under way, when the run reads its inputs twice or folds them. */
  phase: Checkpoint['phase'];
  /** The run's fold, made durable before each checkpoint that names its records. */
  fold: FoldStore | undefined;
  /** While the sending phase counts the folded records, no checkpoint is taken halfway. */
  holding = false;
  /** The sending phase's keys sent so far, for the progress line (set when the phase starts). */
  sending: SendingProgress | undefined;
  private readonly checkpoint: Checkpoint;
  private readonly checkpointer: Checkpointer;
  /** Set by finish(): until then the checkpoint says the run is running. */
  private end?: { status: RunStatus; message?: string };

  constructor(private readonly state: OpenState, started: number) {
    const { previous, tally, deadLetterWriter } = state;
    this.checkpoint = {
      version: 1,
      inputs: { ...(previous?.inputs ?? {}) },
      tally: tally.data,
      deadLetterLength: deadLetterWriter.length,
      startedAt: new Date(started).toISOString(),
      updatedAt: new Date(started).toISOString(),
      status: 'running',
      runs: (previous?.runs ?? 0) + 1,
      generation: state.generation,
    };
    // A resume of a fold continues in its phase: sending, or folding (any reading before it).
    if (state.continuing && previous?.phase !== undefined) this.phase = previous.phase === 'sending' ? 'sending' : previous.phase === 'mapping' ? undefined : 'folding';
    this.checkpointer = new Checkpointer(state.dir, this.checkpoint, {
      everyMs: testTimings().checkpointEveryMs,
      collect: (cp) => this.collect(cp),
      beforeWrite: async () => {
        await deadLetterWriter.sync();
        state.store.flush();
        this.fold?.commit();
        // Only now that the ids are on disk may the creates they confirm be forgotten.
        state.companyMemory.save();
      },
    });
  }

  done(file: InputFile): boolean {
    return this.checkpoint.inputs[file.path]?.done === true;
  }

  startFor(file: InputFile): StartAt | undefined {
    return this.checkpoint.inputs[file.path]?.watermark;
  }

  /**
   * Saves the checkpoint if the last save is a few seconds old. A failed save is not
   * retried: a full disk stays full, so the run stops (`onFailure`) rather than wait.
   */
  saveWhenDue(onFailure: (error: unknown) => void): void {
    if (this.holding) return;
    this.checkpointer.maybeWrite().catch(onFailure);
  }

  /** Saves the checkpoint now. */
  save(): Promise<void> {
    return this.checkpointer.write();
  }

  /** Saves the checkpoint of a run that ended so. */
  finish(status: RunStatus, message: string | undefined): Promise<void> {
    this.end = { status, message };
    return this.checkpointer.write();
  }

  /**
   * Watermarks, counts and the dead-letter length are taken at one instant, when a write
   * starts: the checkpoint then describes exactly the records before its marks.
   */
  private collect(cp: Checkpoint): void {
    if (this.phase === undefined) delete cp.phase;
    else cp.phase = this.phase;
    const { previous, continuing, fingerprints, tally, deadLetterWriter } = this.state;
    for (const p of this.progressOf) {
      const fingerprint = fingerprints.get(p.file.path);
      if (!fingerprint) continue; // standard input cannot be resumed
      const before = previous?.inputs[p.file.path]?.records ?? 0;
      cp.inputs[p.file.path] = {
        fingerprint,
        watermark: p.watermark.position,
        done: p.finishedReading && p.watermark.uncommitted === 0,
        size: p.file.size,
        records: (continuing ? before : 0) + p.committed,
      };
    }
    cp.tally = structuredClone(tally.data);
    const mark = deadLetterWriter.mark();
    cp.deadLetterLength = deadLetterWriter.length;
    cp.deadLetterFile = mark && { dev: mark.dev, ino: mark.ino, tail: mark.tail };
    cp.status = this.end?.status ?? 'running';
    cp.message = this.end?.message;
  }
}
