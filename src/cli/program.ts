// The commander program: one command per file, options from the typed table. Each
// command names its option groups; the options it receives are typed from the same list.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ExitCode } from '../errors.js';
import { applyConfig, readConfigFile, resolveAliases } from './config.js';
import { DIFF_GROUPS, diffCommand } from './diff.js';
import { CONFIG_OPTION, optionsIn, toCommanderOption, type OptionGroup, type OptionsOf } from './options.js';
import { PROPERTIES_PULL_GROUPS, propertiesPullCommand } from './properties.js';
import { REPLAY_GROUPS, replayCommand } from './replay.js';
import { STATUS_GROUPS, statusCommand } from './status.js';

/**
 * Adds the option groups and --config, and runs `run` with the merged options: command
 * line, environment, config file, defaults, aliases handed to the option they spell.
 */
function withOptions<G extends OptionGroup>(
  command: Command,
  groups: readonly G[],
  run: (positional: unknown[], options: OptionsOf<G>) => Promise<ExitCode>,
  setExit: (code: ExitCode) => void,
): Command {
  const specs = optionsIn(groups);
  command.exitOverride();
  for (const spec of [...specs, CONFIG_OPTION]) command.addOption(toCommanderOption(spec));
  command.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    applyConfig(self, specs, readConfigFile(self.opts().config as string | undefined));
    resolveAliases(self, specs);
    // Commander types values loosely; the table they were parsed from types them.
    setExit(await run(args.slice(0, -2), self.opts() as OptionsOf<G>));
  });
  return command;
}

export function buildProgram(setExit: (code: ExitCode) => void): Command {
  const program = new Command('hubspot-sync')
    .description('Replay and backfill Segment events into HubSpot: contacts, companies, associations and custom behavioral events.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)');

  program.addCommand(withOptions(
    new Command('replay')
      .description('map Segment exports and deliver them to HubSpot (resumes from its checkpoint)')
      .argument('<inputs...>', 'NDJSON, CSV or gzip files, directories, or - for standard input'),
    REPLAY_GROUPS,
    ([inputs], options) => replayCommand(inputs as string[], options),
    setExit,
  ));

  program.addCommand(withOptions(
    new Command('diff')
      .description('show what a replay would change in HubSpot, property by property (read-only)')
      .argument('<inputs...>', 'NDJSON, CSV or gzip files, directories, or - for standard input'),
    DIFF_GROUPS,
    ([inputs], options) => diffCommand(inputs as string[], options),
    setExit,
  ));

  program.addCommand(withOptions(
    new Command('status').description("show a state directory's progress: each input, counts, dead letters, last run"),
    STATUS_GROUPS,
    (_args, options) => statusCommand(options),
    setExit,
  ));

  const properties = new Command('properties').description('work with the portal property catalog').exitOverride();
  properties.addCommand(withOptions(
    new Command('pull').description('save the contact and company property catalog for --catalog (offline dry runs)'),
    PROPERTIES_PULL_GROUPS,
    (_args, options) => propertiesPullCommand(options),
    setExit,
  ));
  program.addCommand(properties);
  return program;
}

/** The version of the installed package (dist/cli/ and src/cli/ both sit two levels down). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
