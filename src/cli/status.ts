// `hubspot-sync status`: what a state directory says about the backfill it drives: each
// input's progress, the counts, the dead letters, and how the last run ended.
import { EXIT, UsageError, type ExitCode } from '../errors.js';
import { formatBytes } from '../report/progress.js';
import { readCheckpoint } from '../state/checkpoint.js';

export interface StatusFlags {
  stateDir: string;
  format: 'text' | 'json';
}

export async function statusCommand(flags: StatusFlags): Promise<ExitCode> {
  const checkpoint = await readCheckpoint(flags.stateDir);
  if (!checkpoint) {
    throw new UsageError(`No checkpoint in ${flags.stateDir}: no replay has run with this state directory (pass --state-dir to look elsewhere).`);
  }
  const inputs = Object.entries(checkpoint.inputs).map(([path, input]) => {
    const size = input.size ?? input.fingerprint.size;
    const percent = input.done ? 100 : size > 0 ? Math.min(100, Math.round((input.watermark.offset / size) * 1000) / 10) : 0;
    return { path, done: input.done, records: input.records ?? null, line: input.watermark.line, bytes: input.watermark.offset, size, percent };
  });
  if (flags.format === 'json') {
    process.stdout.write(JSON.stringify({
      stateDir: flags.stateDir,
      lastRun: { status: checkpoint.status, startedAt: checkpoint.startedAt, updatedAt: checkpoint.updatedAt, message: checkpoint.message ?? null, runs: checkpoint.runs },
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
    `State directory ${flags.stateDir}`,
    `Last run: ${checkpoint.status} at ${checkpoint.updatedAt} (started ${checkpoint.startedAt}, run ${checkpoint.runs})${checkpoint.message ? `\n  ${checkpoint.message}` : ''}`,
    '',
    'Inputs:',
    ...inputs.map((i) =>
      `  ${i.done ? 'done   ' : `${String(i.percent).padStart(5)}% `} ${i.path}  line ${i.line}${i.records !== null ? `, ${i.records} records` : ''}, ${formatBytes(i.bytes)} of ${formatBytes(i.size)}`),
    '',
    `Records: read ${counts.read}, delivered ${counts.delivered}, skipped ${counts.skipped}, dead letters ${counts.deadLettered}`,
  ];
  const dead = Object.entries(checkpoint.tally.deadLetters).filter(([, n]) => (n ?? 0) > 0);
  if (dead.length > 0) lines.push(`Dead letters: ${dead.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.completed;
}
