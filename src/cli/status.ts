// `hubspot-sync status`: what a state directory says about the backfill it drives: each
// input's progress, the counts, the dead letters, and how the last run ended.
import { open } from 'node:fs/promises';
import { EXIT, UsageError, type ExitCode } from '../errors.js';
import { formatBytes } from '../report/progress.js';
import { readCheckpoint, type Checkpoint, type RunPhase } from '../state/checkpoint.js';
import { lockState } from '../state/lock.js';
import { readBoundHubId } from '../state/portalBinding.js';
import type { OptionsOf } from './options.js';

export const STATUS_GROUPS = ['state', 'viewFormat'] as const;

export type StatusOptions = OptionsOf<(typeof STATUS_GROUPS)[number]>;

export async function statusCommand(flags: StatusOptions): Promise<ExitCode> {
  const checkpoint = await readCheckpoint(flags.stateDir);
  if (!checkpoint) {
    throw new UsageError(`No checkpoint in ${flags.stateDir}: no replay has run with this state directory (pass --state-dir to look elsewhere).`);
  }
  const hubId = (await readBoundHubId(flags.stateDir)) ?? null;
  const lastRun = await lastRunOf(checkpoint, flags.stateDir);
  const inputs = await Promise.all(Object.entries(checkpoint.inputs).map(async ([path, input]) => {
    const size = input.size ?? input.fingerprint.size;
    // The watermark's offset is in the decompressed stream: against a gzip file's size on
    // disk it is no percentage.
    const gzip = await isGzipFile(path);
    const percent = input.done ? 100 : gzip ? null : size > 0 ? Math.min(100, Math.round((input.watermark.offset / size) * 1000) / 10) : 0;
    return { path, done: input.done, records: input.records ?? null, line: input.watermark.line, bytes: input.watermark.offset, size, gzip, percent };
  }));
  if (flags.format === 'json') {
    process.stdout.write(JSON.stringify({
      stateDir: flags.stateDir,
      hubId,
      lastRun,
      inputs,
      counts: checkpoint.tally.counts,
      deadLetters: checkpoint.tally.deadLetters,
      skipped: checkpoint.tally.skipped,
      operations: checkpoint.tally.operations,
    }, null, 2) + '\n');
    return EXIT.completed;
  }
  const { counts } = checkpoint.tally;
  const lines = [
    `State directory ${flags.stateDir}, portal ${hubId === null ? 'not recorded yet' : `hub ID ${hubId}`}`,
    `Last run: ${lastRun.status}${lastRun.phase === undefined ? '' : ` in phase ${PHASE_NAMES[lastRun.phase]}`} at ${lastRun.updatedAt} (started ${lastRun.startedAt}, run ${lastRun.runs})${lastRun.message ? `\n  ${lastRun.message}` : ''}`,
    '',
    'Inputs:',
    ...inputs.map((i) => {
      const state = i.done ? 'done   ' : i.percent === null ? '       ' : `${String(i.percent).padStart(5)}% `;
      const bytes = i.gzip ? `${formatBytes(i.bytes)} decompressed (${formatBytes(i.size)} gzip)` : `${formatBytes(i.bytes)} of ${formatBytes(i.size)}`;
      return `  ${state} ${i.path}  line ${i.line}${i.records !== null ? `, ${i.records} records` : ''}, ${bytes}`;
    }),
    '',
    `Records: read ${counts.read}, delivered ${counts.delivered}, skipped ${counts.skipped}, dead letters ${counts.deadLettered}`,
  ];
  const dead = Object.entries(checkpoint.tally.deadLetters).filter(([, n]) => (n ?? 0) > 0);
  if (dead.length > 0) lines.push(`Dead letters: ${dead.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.completed;
}

/**
 * How the last run ended, truthfully. A run that ends releases the lock: a lock left by a
 * process that is gone, or a checkpoint still `running` with no live holder, means the
 * run was killed (`interrupted`), perhaps before its first checkpoint. A run refused at
 * start is `refused` (the checkpoint is the run before's).
 */
async function lastRunOf(checkpoint: Checkpoint, dir: string) {
  const { startedAt, updatedAt, runs } = checkpoint;
  const lock = await lockState(dir);
  if (checkpoint.refused && lock !== 'left') return { status: 'refused', startedAt: checkpoint.refused.at, updatedAt: checkpoint.refused.at, message: checkpoint.refused.message, runs };
  if (lock === 'left' || (checkpoint.status === 'running' && lock === 'none')) {
    return { status: 'interrupted', ...phaseOf(checkpoint), startedAt, updatedAt, message: 'the process ended without finishing (killed, or the machine stopped); the same command resumes it', runs };
  }
  return { status: checkpoint.status, ...(checkpoint.status === 'completed' ? {} : phaseOf(checkpoint)), startedAt, updatedAt, message: checkpoint.message ?? null, runs };
}

const PHASE_NAMES: Record<RunPhase, string> = {
  learning: '1 (learning: read again from the start on resume)',
  mapping: '2 (mapping)',
  folding: '2 (folding)',
  sending: '3 (sending the fold: what is not confirmed goes on resume)',
};

/** The reading an unfinished run was in, when it reads twice: 1, learning, is repeated on resume. */
function phaseOf(checkpoint: Checkpoint): { phase?: RunPhase } {
  return checkpoint.phase === undefined ? {} : { phase: checkpoint.phase };
}

/** Whether the input (still) starts with the gzip magic bytes; false when it is gone. */
async function isGzipFile(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
      return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
    } finally {
      await file.close();
    }
  } catch {
    return false;
  }
}
