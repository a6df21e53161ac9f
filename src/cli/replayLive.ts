// A live replay: lock the state directory, resume from the checkpoint, deliver, and save
// a checkpoint every few seconds, on a signal, before a pause and at the end.
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { HubSpotClient } from '../hubspot/client.js';
import { listInputs } from '../sources/listInputs.js';
import type { InputFile } from '../sources/types.js';
import { Catalog } from '../core/index.js';
import { LineWriter, sameFileAsMarked } from '../report/lineWriter.js';
import { emptyTally, RunTally, type RunStatus } from '../report/tally.js';
import { Checkpointer, fingerprintOf, readCheckpoint, sameInput, type Checkpoint, type Fingerprint } from '../state/checkpoint.js';
import { writeCachedCatalog } from '../state/catalogCache.js';
import { CompanyMemory } from '../state/companyMemory.js';
import { acquireLock } from '../state/lock.js';
import { ensureStateDir, stateDirPaths } from '../state/stateDir.js';
import { messageOrigin, StateStore } from '../state/stateStore.js';
import { systemClock } from '../sync/clock.js';
import { DailyBudget, parseReserve } from '../sync/dailyBudget.js';
import { DeadLetters } from '../sync/deadLetters.js';
import { Delivery } from '../sync/delivery.js';
import { listEventDefinitions } from '../sync/eventWriter.js';
import { PauseError } from '../sync/pause.js';
import { fetchCatalogDocument, fetchHubId } from '../sync/portal.js';
import { RecordMapper } from '../sync/recordMapper.js';
import { Requester } from '../sync/requester.js';
import { runInputs, type InputProgress } from '../sync/runInputs.js';
import { filtersFrom, loadCatalogFile, loadEventMap, mapOptionsFrom, parseHubId, prepareDeliveryRules } from './mappingSetup.js';
import { prepareStateDir } from './outputPaths.js';
import type { ReplayFlags, RunOutcome } from './replay.js';
import { progressIntervalMs, progressMode, startProgress } from '../report/progress.js';

/** How long in-flight requests may take to finish after a signal before we save and exit. */
const STOP_GRACE_MS = 30_000;

export async function liveReplay(paths: string[], flags: ReplayFlags): Promise<RunOutcome> {
  const started = Date.now();
  if (!flags.token) {
    throw new UsageError('A HubSpot token is needed to deliver: pass --token or set HUBSPOT_ACCESS_TOKEN (or use --dry-run to send nothing).');
  }
  const client = new HubSpotClient({ baseUrl: flags.baseUrl, token: flags.token, apiVersion: flags.apiVersion });
  const inputs = await listInputs(paths, flags.format);
  const reserve = parseReserve(flags.dailyReserve);
  const catalogFile = flags.catalog ? await loadCatalogFile(flags.catalog) : undefined;
  const eventMap = await loadEventMap(flags.eventMap);
  const rulesWith = await prepareDeliveryRules(flags);

  await prepareStateDir(flags.stateDir, ensureStateDir);
  const lock = await acquireLock(flags.stateDir, { command: `replay ${paths.join(' ')}` });
  const store = StateStore.open(stateDirPaths(flags.stateDir).state, { cache: 'small' });
  try {
    const previous = flags.fresh ? undefined : await readCheckpoint(flags.stateDir);
    const fingerprints = await fingerprintInputs(inputs, previous);
    // A run that did not complete is continued: its counts go on. A completed one starts
    // new counts, but inputs it finished are not sent again (the nightly cron case).
    const continuing = previous !== undefined && previous.status !== 'completed';
    const tally = new RunTally(continuing ? previous.tally : emptyTally());
    // Duplicates are those of this run (docs/mapping.md#duplicates); a resumed run is the same run.
    if (!continuing) store.clearSeenMessages();

    const deadLetterPath = flags.deadLetter ?? stateDirPaths(flags.stateDir).deadLetter;
    const deadLetterWriter = await openDeadLetterFile(deadLetterPath, continuing ? previous : undefined);
    const deadLetters = new DeadLetters(tally, deadLetterWriter);
    const companyMemory = new CompanyMemory(stateDirPaths(flags.stateDir).companies);

    const progressOf: InputProgress[] = [];
    const checkpoint: Checkpoint = {
      version: 1,
      inputs: { ...(previous?.inputs ?? {}) },
      tally: tally.data,
      deadLetterLength: deadLetterWriter.length,
      startedAt: new Date(started).toISOString(),
      updatedAt: new Date(started).toISOString(),
      status: 'running',
      runs: (previous?.runs ?? 0) + 1,
    };
    let status: RunStatus = 'completed';
    let message: string | undefined;
    // Watermarks, counts and the dead-letter length are taken at one instant, when a
    // write starts: the checkpoint then describes exactly the records before its marks.
    const checkpointer = new Checkpointer(flags.stateDir, checkpoint, {
      collect: (cp) => {
        for (const p of progressOf) {
          const fingerprint = fingerprints.get(p.file.path);
          if (!fingerprint) continue; // standard input cannot be resumed
          const before = previous?.inputs[p.file.path]?.records ?? 0;
          cp.inputs[p.file.path] = {
            fingerprint,
            watermark: p.watermark.position,
            done: p.finishedReading && p.watermark.unresolved === 0,
            size: p.file.size,
            records: (continuing ? before : 0) + p.committed,
          };
        }
        cp.tally = structuredClone(tally.data);
        const mark = deadLetterWriter.mark();
        cp.deadLetterLength = deadLetterWriter.length;
        cp.deadLetterFile = mark && { dev: mark.dev, ino: mark.ino, tail: mark.tail };
        cp.status = status === 'completed' && !finished ? 'running' : status;
        cp.message = message;
      },
      beforeWrite: async () => {
        await deadLetterWriter.sync();
        store.flush();
        // Only now that the ids are on disk may the creates they confirm be forgotten.
        companyMemory.save();
      },
    });
    let finished = false;

    // Inputs a run finished are not opened again: a nightly run over a growing Segment
    // layout would otherwise decompress every earlier day just to skip it.
    const pending = inputs.filter((file) => !checkpoint.inputs[file.path]?.done);

    // From here on every way the run ends is reported (summary, --report, checkpoint),
    // so the signal handlers are in place before the first request goes out.
    let delivery: Delivery | undefined;
    let signalled: NodeJS.Signals | undefined;
    let interrupt!: (error: Interrupted) => void;
    const interrupted = new Promise<never>((_resolve, reject) => (interrupt = reject));
    interrupted.catch(() => undefined);
    /** `work`, unless a signal comes first (the run's start-up requests may retry for a minute). */
    const unlessSignalled = <T>(work: Promise<T>): Promise<T> => Promise.race([work, interrupted]);
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130); // a second signal: the last checkpoint stands
      signalled = signal;
      delivery?.interrupt();
      interrupt(new Interrupted(signal));
      process.stderr.write(`\nhubspot-sync: ${signal} received: finishing requests in flight, then saving the checkpoint…\n`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const ticker = setInterval(() => {
      checkpointer.maybeWrite().catch((error: unknown) => {
        process.stderr.write(`hubspot-sync: could not save the checkpoint in ${flags.stateDir} (${(error as Error).message}); will try again.\n`);
      });
    }, 1000);
    const progress = startProgress({
      mode: progressMode(flags, process.stderr),
      stream: process.stderr,
      tally,
      inputs: progressOf,
      totalBytes: pending.reduce((sum, f) => sum + (f.size ?? 0), 0),
      intervalMs: progressIntervalMs(),
    });

    let failure: unknown;
    try {
      const budget = new DailyBudget(reserve, flags.dailyLimit);
      const requester = new Requester(client, { rate: flags.rate, concurrency: flags.concurrency, maxRetries: flags.maxRetries }, tally, budget, systemClock);
      const hubId = flags.hubId !== undefined ? parseHubId(flags.hubId) : await unlessSignalled(fetchHubId(requester));
      const catalog = catalogFile ?? (await unlessSignalled(fetchCatalog(requester, flags.stateDir)));
      const eventDefinitions = flags.createEventDefinitions ? undefined : await unlessSignalled(listEventDefinitions(requester));

      const mapper = new RecordMapper({
        context: { catalog, hubId, options: mapOptionsFrom(flags, eventMap), eventDefinitions },
        identities: store.identities,
        recentIds: { checkAndMark: (id, position) => store.seenMessages.checkAndMark(id, messageOrigin(position)) },
        filters: filtersFrom(flags),
        rules: rulesWith(store.suppressedIds),
      });
      const notify = (message: string) => {
        process.stderr.write(flags.logFormat === 'json' ? `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'companies', message })}\n` : `hubspot-sync: ${message}\n`);
      };
      const sink = new Delivery(
        requester,
        {
          hubId,
          maxRetries: flags.maxRetries,
          createEventDefinitions: flags.createEventDefinitions,
          companyKey: flags.companyKey === 'none' ? undefined : flags.companyKey,
          companyMemory,
          notify,
        },
        store.companyIds,
        systemClock,
      );
      delivery = sink;
      if (signalled) throw new Interrupted(signalled);

      await runInputs({
        inputs: pending,
        read: { format: flags.format, type: flags.type },
        mapper,
        sink,
        tally,
        deadLetters,
        startFor: (file) => (checkpoint.inputs[file.path]?.watermark),
        onInput: (p) => progressOf.push(p),
        shouldStop: () => signalled !== undefined || sink.failure !== undefined,
      });
      if (signalled) {
        // Requests in flight get a bounded time to answer, so their records can settle.
        await Promise.race([sink.stop(), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
        throw new Interrupted(signalled);
      } else if (sink.failure) {
        throw sink.failure;
      }
    } catch (error) {
      if (error instanceof Interrupted) {
        status = 'interrupted';
        message = `stopped by ${error.signal}`;
      } else if (error instanceof PauseError) {
        status = 'paused';
        message = error.message;
      } else {
        status = 'failed';
        message = (error as Error)?.message ?? String(error);
        failure = error;
      }
    } finally {
      clearInterval(ticker);
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    finished = true;
    await checkpointer.write();
    await deadLetterWriter.close();
    return { tally, status, message, durationMs: Date.now() - started, deadLetterFile: deadLetterPath, error: failure };
  } finally {
    store.close();
    await lock.release();
  }
}

/** A signal stopped the run (the checkpoint is saved, exit 130). */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
}

/**
 * The dead-letter file, resumed: cut back to the checkpoint's length when it is still the
 * file the checkpoint describes (lines past it belong to records that will be read
 * again), else kept whole and appended to, saying so in one line.
 */
async function openDeadLetterFile(path: string, previous: Checkpoint | undefined): Promise<LineWriter> {
  if (previous === undefined) return LineWriter.toFile(path);
  const { deadLetterLength: length, deadLetterFile: file } = previous;
  // Nothing was written before: a missing file is simply started.
  if (length === 0 && (await stat(path).catch(() => undefined)) === undefined) return LineWriter.toFile(path);
  // A checkpoint written before files were marked: cut back only what is really there.
  const verdict = file ? await sameFileAsMarked(path, { length, ...file }) : await atLeast(path, length);
  if (verdict.same) return LineWriter.toFile(path, { length });
  process.stderr.write(`hubspot-sync: the dead-letter file ${path} is not as the last run left it (${verdict.why}): it is kept as it is and new dead letters are appended to it.\n`);
  return LineWriter.toFile(path);
}

async function atLeast(path: string, length: number): Promise<{ same: true } | { same: false; why: string }> {
  const size = await stat(path).then((info) => info.size, () => undefined);
  if (size === undefined) return length === 0 ? { same: true } : { same: false, why: 'it is gone (moved or removed)' };
  return size >= length ? { same: true } : { same: false, why: `it is shorter (${size} bytes) than the ${length} the checkpoint counts` };
}

async function fetchCatalog(requester: Requester, stateDir: string): Promise<Catalog> {
  const doc = await fetchCatalogDocument(requester);
  await writeCachedCatalog(stateDir, doc);
  return Catalog.fromDocument(doc);
}

/** Fingerprints every input; refuses one that changed since the checkpoint. */
async function fingerprintInputs(inputs: readonly InputFile[], previous: Checkpoint | undefined): Promise<Map<string, Fingerprint>> {
  const fingerprints = new Map<string, Fingerprint>();
  for (const file of inputs) {
    if (file.path === '-') continue;
    const fingerprint = await fingerprintOf(file.path);
    const saved = previous?.inputs[file.path];
    if (saved && !sameInput(saved.fingerprint, fingerprint)) {
      throw new UsageError(
        `${file.path} changed since the checkpoint (size or first 64 KiB differ), so resuming it at line ${saved.watermark.line} would be wrong. ` +
          'Run with --fresh to start over (records already sent are sent again; that is harmless), or restore the original file.',
      );
    }
    fingerprints.set(file.path, fingerprint);
  }
  return fingerprints;
}
