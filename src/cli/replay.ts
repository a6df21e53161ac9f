// `hubspot-sync replay <inputs…>`: map a Segment export and deliver it to HubSpot, or
// with --dry-run write what would be sent.
import { writeFile } from 'node:fs/promises';
import type { CallType } from '../core/index.js';
import { EXIT, type ExitCode } from '../errors.js';
import { formatSummary } from '../report/summary.js';
import { buildReport, type RunStatus, type RunTally } from '../report/tally.js';
import type { InputFormat } from '../sources/types.js';
import type { MappingFlags } from './mappingSetup.js';
import { prepareOutputFile } from './outputPaths.js';
import { dryRunReplay } from './replayDry.js';
import { liveReplay } from './replayLive.js';
import type { ApiVersion } from '../hubspot/endpoints.js';

export interface ReplayFlags extends MappingFlags {
  token?: string;
  baseUrl: string;
  apiVersion: ApiVersion;
  dryRun: boolean;
  out?: string;
  stateDir: string;
  fresh: boolean;
  deadLetter?: string;
  report?: string;
  rate: number;
  concurrency: number;
  dailyLimit?: number;
  dailyReserve: string;
  maxRetries: number;
  /** A property name, or 'none'. */
  companyKey: string;
  format?: InputFormat;
  type?: CallType;
  logFormat: 'text' | 'json';
  quiet: boolean;
  failOnDeadLetters: boolean;
}

export interface RunOutcome {
  tally: RunTally;
  status: RunStatus;
  message?: string;
  durationMs: number;
  deadLetterFile?: string;
  /** What stopped a `failed` run: thrown once the run is reported, for its message and exit code. */
  error?: unknown;
  /** The reader of standard output went away (`| head`): the run ends quietly, exit 0. */
  outputClosed?: boolean;
}

export async function replayCommand(paths: string[], flags: ReplayFlags): Promise<ExitCode> {
  // Before any work: a path that cannot be written is found now, not after the run.
  if (flags.dryRun && flags.out) await prepareOutputFile(flags.out, '--out');
  if (flags.report) await prepareOutputFile(flags.report, '--report');
  if (flags.deadLetter) await prepareOutputFile(flags.deadLetter, '--dead-letter');
  const outcome = flags.dryRun ? await dryRunReplay(paths, flags) : await liveReplay(paths, flags);
  const code = await finishRun(outcome, flags);
  if (outcome.error !== undefined) throw outcome.error;
  return code;
}

/**
 * Report file, closing summary, exit code: the same for every way a run ends. A failed
 * run's own error is left to the caller to print, once, last.
 */
export async function finishRun(outcome: RunOutcome, flags: ReplayFlags): Promise<ExitCode> {
  const report = buildReport(outcome.tally, outcome.status, flags.dryRun, outcome.durationMs);
  if (flags.report) await writeFile(flags.report, JSON.stringify(report, null, 2) + '\n', { mode: 0o600 });
  // `| head` has what it wanted: like any Unix filter, end without a word.
  if (outcome.outputClosed) return EXIT.completed;
  if (flags.logFormat === 'json') {
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: outcome.error === undefined ? 'info' : 'error', msg: 'summary', message: outcome.message, ...report }) + '\n');
  } else {
    process.stderr.write(formatSummary(report, outcome.deadLetterFile));
    if (outcome.message && outcome.error === undefined) process.stderr.write(`  ${outcome.message}\n`);
    if (outcome.status === 'paused') process.stderr.write(flags.dryRun ? '  Run the same command again later.\n' : '  The checkpoint is saved: run the same command again later to resume.\n');
    if (outcome.status === 'interrupted') process.stderr.write('  The checkpoint is saved: run the same command again to resume.\n');
  }
  return exitCodeFor(outcome.status, report.counts.deadLettered, flags.failOnDeadLetters);
}

export function exitCodeFor(status: RunStatus, deadLettered: number, failOnDeadLetters: boolean): ExitCode {
  if (status === 'paused') return EXIT.paused;
  if (status === 'interrupted') return EXIT.interrupted;
  if (status === 'failed') return EXIT.unexpected;
  return failOnDeadLetters && deadLettered > 0 ? EXIT.deadLetters : EXIT.completed;
}
