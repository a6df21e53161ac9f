// `replay --dry-run`: maps exactly as a live run would and writes the operations; sends
// nothing and writes nothing into the state directory (it only reads the identity map
// and the cached catalog there, when they exist).
import { UsageError } from '../errors.js';
import type { InputFile } from '../sources/types.js';
import { PauseError } from '../sync/pause.js';
import { HubSpotClient } from '../hubspot/client.js';
import { LineWriter } from '../report/lineWriter.js';
import { RunTally, type RunStatus } from '../report/tally.js';
import { listInputs } from '../sources/listInputs.js';
import { readCachedCatalog } from '../state/catalogCache.js';
import { systemClock } from '../sync/throttle.js';
import { DailyBudget } from '../sync/dailyBudget.js';
import { DeadLetters } from '../sync/deadLetters.js';
import { dryRunSink } from '../sync/dryRunSink.js';
import { fetchCatalogDocument, fetchHubId } from '../sync/portal.js';
import { RecordMapper } from '../sync/recordMapper.js';
import { Requester } from '../sync/requester.js';
import { runInputs, type InputProgress } from '../sync/runInputs.js';
import { progressIntervalMs, progressMode, startProgress } from '../report/progress.js';
import { Catalog, defaultCatalog } from '../core/index.js';
import { filtersFrom, loadCatalogFile, loadEventMap, prepareDeliveryRules, mapOptionsFrom, parseHubId, readOnlyMemory } from './mappingSetup.js';
import type { ReplayFlags, RunOutcome } from './replay.js';

export async function dryRunReplay(paths: string[], flags: ReplayFlags): Promise<RunOutcome> {
  const started = Date.now();
  const inputs = await listInputs(paths, flags.format);
  const rulesWith = await prepareDeliveryRules(flags);
  const tally = new RunTally();
  // With a token the dry run may read (never write): the hub ID and the live catalog.
  const requester = flags.token
    ? new Requester(new HubSpotClient({ baseUrl: flags.baseUrl, token: flags.token, apiVersion: flags.apiVersion }), { rate: flags.rate, concurrency: 1, maxRetries: flags.maxRetries }, tally, new DailyBudget({ kind: 'requests', value: 0 }), systemClock)
    : undefined;
  if (flags.hubId === undefined && !requester) {
    throw new UsageError('Pass --hub-id (or set HUBSPOT_HUB_ID, or give a token): the dry run needs the portal ID to name custom events.');
  }
  const catalogFile = flags.catalog ? await loadCatalogFile(flags.catalog) : undefined;
  const eventMap = await loadEventMap(flags.eventMap);

  // From here on the run is reported however it ends (HubSpot unreachable, a token refused).
  let status: RunStatus = 'completed';
  let message: string | undefined;
  let error: unknown;
  let outputClosed = false;
  try {
    const hubId = flags.hubId !== undefined ? parseHubId(flags.hubId) : await fetchHubId(requester as Requester);
    let catalog: Catalog;
    if (catalogFile) catalog = catalogFile;
    else if (requester) catalog = Catalog.fromDocument(await fetchCatalogDocument(requester));
    else {
      const cached = await readCachedCatalog(flags.stateDir);
      catalog = cached ? Catalog.fromDocument(cached) : defaultCatalog();
    }
    outputClosed = await mapAll(inputs, flags, tally, { catalog, hubId, eventMap, rulesWith });
    if (outputClosed) status = 'interrupted';
  } catch (thrown) {
    if (thrown instanceof PauseError) {
      status = 'paused';
      message = thrown.message;
    } else {
      status = 'failed';
      message = (thrown as Error)?.message ?? String(thrown);
      error = thrown;
    }
  }
  return { tally, status, message, durationMs: Date.now() - started, deadLetterFile: flags.deadLetter, error, outputClosed };
}

/**
 * Maps every input and writes the operations. Stops reading as soon as the reader of
 * standard output goes away (`| head`), and then resolves to true.
 */
async function mapAll(
  inputs: InputFile[],
  flags: ReplayFlags,
  tally: RunTally,
  setup: { catalog: Catalog; hubId: number; eventMap: Record<string, string>; rulesWith: Awaited<ReturnType<typeof prepareDeliveryRules>> },
): Promise<boolean> {
  const memory = readOnlyMemory(flags.stateDir);
  const mapper = new RecordMapper({
    context: { catalog: setup.catalog, hubId: setup.hubId, options: mapOptionsFrom(flags, setup.eventMap) },
    identities: memory.identities,
    duplicates: memory.duplicates,
    filters: filtersFrom(flags),
    rules: setup.rulesWith(memory.suppressedIds),
  });

  const out = flags.out ? await LineWriter.toFile(flags.out, { length: 0 }) : LineWriter.toStream(process.stdout);
  const deadLetterWriter = flags.deadLetter ? await LineWriter.toFile(flags.deadLetter, { length: 0 }) : undefined;
  // Progress goes to standard error, but not onto the terminal the operations scroll on.
  const progressOf: InputProgress[] = [];
  const progress = startProgress({
    mode: !flags.out && process.stdout.isTTY ? 'quiet' : progressMode(flags, process.stderr),
    stream: process.stderr,
    tally,
    inputs: progressOf,
    totalBytes: inputs.reduce((sum, f) => sum + (f.size ?? 0), 0),
    intervalMs: progressIntervalMs(),
  });
  try {
    await runInputs({
      inputs,
      read: { format: flags.format, type: flags.type },
      mapper,
      sink: dryRunSink(out),
      tally,
      deadLetters: new DeadLetters(tally, deadLetterWriter),
      onInput: (p) => progressOf.push(p),
      shouldStop: () => out.closed,
    });
  } finally {
    progress.stop();
    await out.close();
    await deadLetterWriter?.close();
    memory.close();
  }
  return out.closed;
}
