// Starts the HubSpot stand-in and runs the CLI against it: the shape of every end-to-end test.
// Search lags behind writes by default, as HubSpot's does: a test that needs an index in
// step with writes says so (searchLagMs: 0).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { runCli, startCli, tempDir, type CliOptions, type CliResult } from './cli.js';

export interface LiveRun {
  emulator: Emulator;
  stateDir: string;
  /** `replay` against the emulator with its token and URL in the environment. */
  replay(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  start(args: readonly string[], options?: CliOptions): ReturnType<typeof startCli>;
  env(): Record<string, string>;
  readReport(path: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** How far the stand-in's search trails writes unless a test says otherwise. */
export const DEFAULT_SEARCH_LAG_MS = 2000;

export async function liveRun(options: EmulatorOptions = {}): Promise<LiveRun> {
  const emulator = await startEmulator({ searchLagMs: DEFAULT_SEARCH_LAG_MS, ...options });
  const stateDir = join(await tempDir(), 'state');
  const env = () => ({ HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url });
  return {
    emulator,
    stateDir,
    env,
    replay: (args, opts = {}) => runCli(['replay', '--state-dir', stateDir, ...args], { ...opts, env: { ...env(), ...opts.env } }),
    start: (args, opts = {}) => startCli(['replay', '--state-dir', stateDir, ...args], { ...opts, env: { ...env(), ...opts.env } }),
    readReport: async (path) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>,
    close: () => emulator.close(),
  };
}
