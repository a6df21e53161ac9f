// How a run ended, and the one way every run finishes: report file, closing summary, exit
// code. Errors say how they end a run through their exit code (src/errors.ts): a pause and
// a signal are ways for a run to stop, anything else is a failure.
import { writeFile } from 'node:fs/promises';
import type { RequestPlan } from '../../core/requestPlan.js';
import { EXIT, HubspotSyncError, WriteFailedError, writeFailure, type ExitCode } from '../../errors.js';
import { closingWarnings, formatSummary } from '../../report/summary.js';
import { buildReport, withPropertyPlan, type RunStatus, type RunTally, type UnfinishedSend } from '../../report/tally.js';
import type { PropertyPlan } from '../../core/propertyPlan.js';
import { faultIfPlanned } from '../../state/writeFaults.js';

export interface RunOutcome {
  tally: RunTally;
  status: RunStatus;
  message?: string;
  /** The message already says how to go on (a write failed: free space first), so no other line does. */
  messageSaysWhatNext?: true;
  durationMs: number;
  deadLetterFile?: string;
  /** What stopped a `failed` run: thrown once the run is reported, for its message and exit code. */
  error?: unknown;
  /** The reader of standard output went away (`| head`): the run ends quietly, exit 0. */
  outputClosed?: boolean;
  /** What the summary must also say (an `--events` name that matched nothing). */
  warnings?: string[];
  /** The property plan, when the run computed one. */
  propertyPlan?: PropertyPlan;
  /** A dry run's request plan. */
  requestPlan?: RequestPlan;
  /** A compacted run that stopped while sending its fold: how far it got. */
  sending?: UnfinishedSend;
}

export type RunEnd = Pick<RunOutcome, 'status' | 'message' | 'messageSaysWhatNext' | 'error'>;

/** How an error thrown inside a run ends it. */
export function endedBy(error: unknown): RunEnd {
  const code = error instanceof HubspotSyncError ? error.exitCode : undefined;
  // After a failed write the last checkpoint written whole stands, and only free space lets the run go on.
  if (error instanceof WriteFailedError) return { status: 'paused', message: error.message, messageSaysWhatNext: true };
  if (code === EXIT.paused) return { status: 'paused', message: (error as Error).message };
  if (code === EXIT.interrupted) return { status: 'interrupted', message: (error as Error).message };
  return { status: 'failed', message: (error as Error)?.message ?? String(error), error };
}

/** The options finishing a run reads. */
export interface FinishOptions {
  dryRun: boolean;
  report?: string;
  logFormat: 'text' | 'json';
  failOnDeadLetters: boolean;
}

/**
 * Report file, closing summary, exit code: the same for every way a run ends. A failed
 * run's own error is left to the caller to print, once, last. A report that cannot be
 * written (a full disk) is thrown after the summary, unless the run has an error of its own.
 */
export async function finishRun(outcome: RunOutcome, flags: FinishOptions): Promise<ExitCode> {
  const report = withPropertyPlan(buildReport(outcome.tally, outcome.status, flags.dryRun, outcome.durationMs), outcome.propertyPlan);
  if (outcome.requestPlan) report.requestPlan = outcome.requestPlan;
  if (outcome.sending) report.sending = outcome.sending;
  const reportFailure = flags.report === undefined ? undefined : await writeReport(flags.report, JSON.stringify(report, null, 2) + '\n');
  // `| head` has what it wanted: like any Unix filter, end without a word.
  if (outcome.outputClosed) return EXIT.completed;
  if (flags.logFormat === 'json') {
    const warnings = [...(outcome.warnings ?? []), ...closingWarnings(report)];
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: outcome.error === undefined ? 'info' : 'error', msg: 'summary', message: outcome.message, ...report, warnings }) + '\n');
  } else {
    process.stderr.write(formatSummary(report, outcome.deadLetterFile, outcome.warnings));
    if (outcome.message && outcome.error === undefined) process.stderr.write(`  ${outcome.message}\n`);
    if (outcome.status === 'paused' && !outcome.messageSaysWhatNext) process.stderr.write(flags.dryRun ? '  Run the same command again later.\n' : '  The checkpoint is saved: run the same command again later to resume.\n');
    if (outcome.status === 'interrupted') process.stderr.write('  The checkpoint is saved: run the same command again to resume.\n');
  }
  if (reportFailure !== undefined && outcome.error === undefined && outcome.status !== 'paused') throw reportFailure;
  return exitCodeFor(outcome.status, report.counts.deadLettered, flags.failOnDeadLetters);
}

/** Writes the report; resolves to why it could not be written, if it could not. */
async function writeReport(path: string, text: string): Promise<unknown> {
  try {
    await faultIfPlanned('report');
    await writeFile(path, text, { mode: 0o600 });
    return undefined;
  } catch (error) {
    return writeFailure(path, error);
  }
}

export function exitCodeFor(status: RunStatus, deadLettered: number, failOnDeadLetters: boolean): ExitCode {
  if (status === 'paused') return EXIT.paused;
  if (status === 'interrupted') return EXIT.interrupted;
  if (status === 'failed') return EXIT.unexpected;
  return failOnDeadLetters && deadLettered > 0 ? EXIT.deadLetters : EXIT.completed;
}
