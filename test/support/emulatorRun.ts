// Starts the HubSpot stand-in and runs the CLI against it: the shape of every end-to-end test.
// Search lags behind writes by default, as HubSpot's does: a test that needs an index in
// step with writes says so (searchLagMs: 0).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, onTestFinished } from 'vitest';
import { startEmulator, type ApiVersion, type Emulator, type EmulatorOptions, type RequestLogEntry } from '../emulator/index.js';
import { familyRoot, type ApiFamily } from '../emulator/versions.js';
import { runCli, startCli, tempDir, type CliOptions, type CliResult } from './cli.js';

export interface LiveRun {
  emulator: Emulator;
  /** The share of HubSpot's real times the stand-in and the CLI run at (1: real time). */
  timeScale: number;
  stateDir: string;
  apiVersion: ApiVersion;
  /** `replay --api-version <apiVersion>` against the emulator with its token and URL in the environment. */
  replay(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  start(args: readonly string[], options?: CliOptions): ReturnType<typeof startCli>;
  env(): Record<string, string>;
  readReport(path: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** How far the stand-in's search trails writes unless a test says otherwise. */
export const DEFAULT_SEARCH_LAG_MS = 2000;

/** HubSpot's rolling rate window and the CLI's first back-off step, at real time. */
const RATE_WINDOW_MS = 10_000;
const BACKOFF_MS = 1000;
const CHECKPOINT_EVERY_MS = 2000;

export interface LiveRunOptions extends EmulatorOptions {
  /**
   * Shrinks time for the stand-in and the CLI together (0.1: a tenth): the stand-in's rate
   * window and search lag, the CLI's rate window and back-off (its test settings
   * HUBSPOT_SYNC_RATE_WINDOW_MS and HUBSPOT_SYNC_BACKOFF_MS). A test states HubSpot's real
   * times; their ratios, which are what it proves, stay the same. Default 1.
   */
  timeScale?: number;
}

export async function liveRun({ timeScale = 1, ...options }: LiveRunOptions = {}, apiVersion: ApiVersion = '2026-03'): Promise<LiveRun> {
  const scaled = (ms: number) => Math.round(ms * timeScale);
  const emulator = await startEmulator({
    ...options,
    searchLagMs: scaled(options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS),
    rateLimit: { ...options.rateLimit, windowMs: scaled(options.rateLimit?.windowMs ?? RATE_WINDOW_MS) },
  });
  const stateDir = join(await tempDir(), 'state');
  const timings: Record<string, string> =
    timeScale === 1
      ? {}
      : {
          HUBSPOT_SYNC_RATE_WINDOW_MS: String(scaled(RATE_WINDOW_MS)),
          HUBSPOT_SYNC_BACKOFF_MS: String(scaled(BACKOFF_MS)),
          HUBSPOT_SYNC_CHECKPOINT_INTERVAL_MS: String(scaled(CHECKPOINT_EVERY_MS)),
        };
  const env = () => ({ HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url, ...timings });
  const replay = ['replay', '--state-dir', stateDir, '--api-version', apiVersion];
  return {
    emulator,
    timeScale,
    stateDir,
    apiVersion,
    env,
    replay: (args, opts = {}) => runCli([...replay, ...args], { ...opts, env: { ...env(), ...opts.env } }),
    start: (args, opts = {}) => startCli([...replay, ...args], { ...opts, env: { ...env(), ...opts.env } }),
    readReport: async (path) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>,
    close: () => emulator.close(),
  };
}

const FAMILIES: ApiFamily[] = ['account-info', 'crm-objects', 'crm-properties', 'crm-associations', 'custom-events'];

/** Whether a URL path belongs to one of the version's API families. */
export function isPathOf(path: string, version: ApiVersion): boolean {
  return FAMILIES.some((family) => path.startsWith(`${familyRoot(family, version)}/`));
}

/** The stand-in's request log proves it: every request went to a path of `version` (none legacy, none of another version). */
export function expectOnlyVersion(emulator: Emulator, version: ApiVersion): void {
  const paths = emulator.requests().map((r) => r.path);
  expect(paths.length).toBeGreaterThan(0);
  expect(paths.filter((path) => !isPathOf(path, version))).toEqual([]);
}

/**
 * Waits until the stand-in has received a request matching `match` among those after the
 * first `since` of its log: a run has got that far, however long its start-up took.
 */
export async function waitForRequest(emulator: Emulator, since: number, match: (entry: RequestLogEntry) => boolean = () => true, timeoutMs = 30_000): Promise<void> {
  for (let waited = 0; !emulator.requests().slice(since).some(match); waited += 20) {
    if (waited >= timeoutMs) throw new Error(`No matching request reached the stand-in within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/**
 * Waits until the stand-in has answered `count` requests after the first `since` of its log
 * (a reset counts: HubSpot applied it), or `stop` settles first (the run ended): kill points
 * counted in requests, the same on a fast machine and a loaded one.
 */
export async function waitForAnswered(emulator: Emulator, since: number, count: number, stop?: Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  let stopped = false;
  void stop?.then(() => (stopped = true));
  for (let waited = 0; !stopped && emulator.requests().length - since < count; waited += 10) {
    if (waited >= timeoutMs) throw new Error(`The stand-in answered fewer than ${count} requests within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * liveRun, closed when the current test finishes: a test holds its own stand-in in a local
 * constant, and tests of a file share no run through module state.
 */
export async function testLiveRun(options: LiveRunOptions = {}, apiVersion: ApiVersion = '2026-03'): Promise<LiveRun> {
  const run = await liveRun(options, apiVersion);
  onTestFinished(() => run.close());
  return run;
}
