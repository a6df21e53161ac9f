// `hubspot-sync replay <inputs…>`: map a Segment export and deliver it to HubSpot, or
// with --dry-run write what would be sent. This file only turns options into a run
// (src/cli/run/ holds the runs themselves).
import type { ExitCode } from '../errors.js';
import type { OptionsOf } from './options.js';
import { prepareOutputFile } from './outputPaths.js';
import { dryRunReplay } from './run/dry.js';
import { liveReplay } from './run/live.js';
import { finishRun } from './run/outcome.js';

export const REPLAY_GROUPS = ['connection', 'requests', 'input', 'replayFormat', 'mapping', 'delivery', 'state', 'output', 'replay'] as const;

export type ReplayOptions = OptionsOf<(typeof REPLAY_GROUPS)[number]>;

export async function replayCommand(paths: string[], flags: ReplayOptions): Promise<ExitCode> {
  // Before any work: a path that cannot be written is found now, not after the run.
  if (flags.dryRun && flags.out) await prepareOutputFile(flags.out, '--out');
  if (flags.report) await prepareOutputFile(flags.report, '--report');
  if (flags.deadLetter) await prepareOutputFile(flags.deadLetter, '--dead-letter');
  const outcome = flags.dryRun ? await dryRunReplay(paths, flags) : await liveReplay(paths, flags);
  const code = await finishRun(outcome, flags);
  if (outcome.error !== undefined) throw outcome.error;
  return code;
}
