// `replay --dry-run`: maps exactly as a live run would and writes the operations; sends
// nothing and writes nothing into the state directory (it only reads the identity map
// and the cached catalog there, when they exist).
import { RefusedError, UsageError } from '../../errors.js';
import { LineWriter } from '../../report/lineWriter.js';
import { progressIntervalMs, progressMode, startProgress } from '../../report/progress.js';
import { RunTally } from '../../report/tally.js';
import { listInputs } from '../../sources/listInputs.js';
import type { InputFile } from '../../sources/types.js';
import { DeadLetters } from '../../sync/loop/deadLetters.js';
import { dryRunSink } from '../../sync/sinks/dryRunSink.js';
import { runInputs, type InputProgress } from '../../sync/loop/runInputs.js';
import type { RequestCounter, SendMode } from '../../sync/sinks/requestCounter.js';
import type { RequestPlan } from '../../core/requestPlan.js';
import { closeBasis, foldsBeforeSending, learningPhase, mappingMemory, readsTwice, type MappingBasis } from '../../phases/phases.js';
import type { ReplayOptions } from '../replay.js';
import { CommandContext, readOnlyMemory, readOnlyStateFor, type Portal } from './context.js';
import { refuseOwnDeadLetterFile } from './ownDeadLetters.js';
import { notice } from './notice.js';
import { endedBy, type RunEnd, type RunOutcome } from './outcome.js';
import { inspectBeforeSending, readOptionsFrom } from './inspect.js';
import { refuseStreamedCreate, RunPlan } from './propertyPlan.js';
import { startRequestPlanning, type RequestPlanning } from './requestPlan.js';
import { CREATE_BATCH } from '../../sync/portal/propertyCreator.js';
import { creatableNames, type PropertyPlan } from '../../core/propertyPlan.js';
import type { CatalogObject } from '../../core/types.js';

export async function dryRunReplay(paths: string[], flags: ReplayOptions): Promise<RunOutcome> {
  const started = Date.now();
  const inputs = await listInputs(paths, flags.inputFormat);
  refuseStreamedCreate(inputs, flags);
  await refuseOwnDeadLetterFile(inputs, flags.deadLetter, '--dead-letter');
  await inspectBeforeSending(inputs, flags);
  const context = await CommandContext.open(flags, flags);
  const tally = new RunTally();
  // With a token the dry run may read (never write): the hub ID and the live catalog.
  const requester = context.connect({ concurrency: 1, tally });
  if (flags.hubId === undefined && !requester) {
    throw new UsageError('Pass --hub-id (or set HUBSPOT_HUB_ID, or give a token): the dry run needs the portal ID to name custom events.');
  }

  // From here on the run is reported however it ends (HubSpot unreachable, a token refused).
  let end: RunEnd = { status: 'completed' };
  let outputClosed = false;
  const plan = new RunPlan(flags);
  let requestPlan: RequestPlan | undefined;
  try {
    let state: Awaited<ReturnType<typeof readOnlyStateFor>> = { use: true };
    const portal = await context.portal(requester, {
      cache: { stateDir: flags.stateDir, use: 'read' },
      bind: async (hubId) => {
        state = await readOnlyStateFor(flags.stateDir, hubId, flags);
      },
    });
    const memory = readOnlyMemory(state.use ? flags.stateDir : undefined, state.deliveredGeneration);
    let planning: RequestPlanning | undefined;
    try {
      planning = await startRequestPlanning({ ...flags, stateDir: state.use ? flags.stateDir : undefined }, sendMode(flags, inputs), requester, memory.companyIds);
      outputClosed = await mapAll(inputs, flags, tally, context, portal, memory, plan, planning.counter);
      if (outputClosed) end = { status: 'interrupted' };
      else {
        requestPlan = await planning.plan(propertyBatchCreates(flags.createProperties ? plan.plan() : undefined));
        for (const [property, count] of planning.eventPropertiesLeftOut()) tally.eventPropertyLeftOut(property, count);
      }
    } finally {
      planning?.close();
      memory.close();
    }
  } catch (error) {
    if (error instanceof RefusedError) throw error;
    end = endedBy(error);
  }
  return { tally, ...end, durationMs: Date.now() - started, deadLetterFile: flags.deadLetter, outputClosed, warnings: context.filterWarnings(), propertyPlan: plan.plan(), requestPlan };
}

/**
 * How a live run of these inputs would send: folded (each key once, after the whole export)
 * as a live run folds them, else as the stream fills its batches.
 */
function sendMode(flags: ReplayOptions, inputs: InputFile[]): SendMode {
  return foldsBeforeSending(flags.compact, inputs) ? 'folded' : 'streamed';
}

/** The batch creates (100 names a request) the live run makes for the plan's creatable names. */
function propertyBatchCreates(propertyPlan: PropertyPlan | undefined): { contacts: number; companies: number } {
  if (propertyPlan === undefined) return { contacts: 0, companies: 0 };
  const requests = (object: CatalogObject) => Math.ceil(creatableNames(propertyPlan, object).length / CREATE_BATCH);
  return { contacts: requests('contact'), companies: requests('company') };
}

/**
 * Maps every input and writes the operations. Stops reading as soon as the reader of
 * standard output goes away (`| head`), and then resolves to true.
 */
async function mapAll(inputs: InputFile[], flags: ReplayOptions, tally: RunTally, context: CommandContext, portal: Portal, memory: ReturnType<typeof readOnlyMemory>, plan: RunPlan, counter: RequestCounter): Promise<boolean> {
  const out = flags.out ? await LineWriter.toFile(flags.out, { length: 0 }) : LineWriter.toStream(process.stdout);
  const deadLetterWriter = flags.deadLetter ? await LineWriter.toFile(flags.deadLetter, { length: 0 }) : undefined;
  const read = readOptionsFrom(flags);
  // Progress goes to standard error, but not onto the terminal the operations scroll on.
  const progressOf: InputProgress[] = [];
  const progress = startProgress({
    mode: !flags.out && process.stdout.isTTY ? 'quiet' : progressMode(flags, process.stderr),
    stream: process.stderr,
    tally,
    inputs: progressOf,
    totalBytes: inputs.reduce((sum, f) => sum + (f.size ?? 0), 0),
    // Over both readings when the run reads twice: the share and ETA are the whole run's.
    readings: readsTwice({ retroactive: flags.retroactiveIdentities, createProperties: flags.createProperties, inputs }) ? 2 : 1,
    intervalMs: progressIntervalMs(),
  });
  let basis: MappingBasis = { kind: 'streamed' };
  try {
    basis = await learningPhase({
      retroactive: flags.retroactiveIdentities,
      createProperties: flags.createProperties,
      observe: plan.observe,
      inputs,
      read,
      known: memory,
      mapperFor: (learning) => context.mapper(portal, learning),
      notify: (message) => notice(flags, message),
      onInput: (p) => progressOf.push(p),
      shouldStop: () => out.closed,
    });
    if (basis.kind !== 'stopped') {
      // With --create-properties the dry run maps as if the plan's creatable names existed, as the live run will.
      const mapping = { ...portal, catalog: plan.fixForPrediction(basis, portal.catalog, (text) => process.stderr.write(text)).catalog };
      await runInputs({
        inputs,
        read,
        mapper: context.mapper(mapping, { ...mappingMemory(memory, basis), observe: plan.mappingObserver(basis) }),
        sink: counter.counting(dryRunSink(out)),
        tally,
        deadLetters: new DeadLetters(tally, deadLetterWriter),
        onInput: (p) => progressOf.push(p),
        shouldStop: () => out.closed,
      });
    }
  } finally {
    progress.stop();
    closeBasis(basis);
    await out.close();
    await deadLetterWriter?.close();
  }
  return out.closed;
}
