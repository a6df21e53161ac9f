// The commander program: one command per file, options from the typed table.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { ExitCode } from '../errors.js';
import { applyConfig, readConfigFile } from './config.js';
import { diffCommand, type DiffFlags } from './diff.js';
import { CONFIG_OPTION, optionsIn, toCommanderOption, type OptionGroup } from './options.js';
import { propertiesPullCommand, type PropertiesPullFlags } from './properties.js';
import { replayCommand, type ReplayFlags } from './replay.js';
import { statusCommand, type StatusFlags } from './status.js';

type Run = (positional: unknown[], flags: never) => Promise<ExitCode>;

/** Adds the option groups and --config, and runs `run` with the merged flags. */
function withOptions(command: Command, groups: readonly OptionGroup[], run: Run, setExit: (code: ExitCode) => void): Command {
  const specs = optionsIn(groups);
  command.exitOverride();
  for (const spec of [...specs, CONFIG_OPTION]) command.addOption(toCommanderOption(spec));
  command.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    applyConfig(self, specs, readConfigFile(self.opts().config as string | undefined));
    setExit(await run(args.slice(0, -2), self.opts() as never));
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
    ['connection', 'retry', 'input', 'replayFormat', 'mapping', 'delivery', 'state', 'output', 'replay'],
    ([inputs], flags: ReplayFlags) => replayCommand(inputs as string[], flags),
    setExit,
  ));

  program.addCommand(withOptions(
    new Command('diff')
      .description('show what a replay would change in HubSpot, property by property (read-only)')
      .argument('<inputs...>', 'NDJSON, CSV or gzip files, directories, or - for standard input'),
    ['connection', 'retry', 'input', 'diffFormat', 'viewFormat', 'mapping', 'delivery', 'state'],
    ([inputs], flags: DiffFlags) => diffCommand(inputs as string[], flags),
    setExit,
  ));

  program.addCommand(withOptions(
    new Command('status').description("show a state directory's progress: each input, counts, dead letters, last run"),
    ['state', 'viewFormat'],
    (_args, flags: StatusFlags) => statusCommand(flags),
    setExit,
  ));

  const properties = new Command('properties').description('work with the portal property catalog').exitOverride();
  properties.addCommand(withOptions(
    new Command('pull')
      .description('save the contact and company property catalog for --catalog (offline dry runs)')
      .addOption(new Option('--object <object>', 'only this object type').choices(['contacts', 'companies']))
      .option('--out <file>', 'write here instead of standard output'),
    ['connection', 'retry'],
    (_args, flags: PropertiesPullFlags) => propertiesPullCommand(flags),
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
