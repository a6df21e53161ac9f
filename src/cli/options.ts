// The typed table of every command-line option. Commands pick the groups they need;
// the config file accepts exactly these keys, so one table drives flags, help,
// environment variables, configuration and the options type each command receives
// (OptionsOf, computed from the table: nothing restates it by hand).
import { InvalidArgumentError, Option } from 'commander';
import { parseInstant } from '../core/instant.js';
import { API_VERSIONS, DEFAULT_API_VERSION } from '../hubspot/endpoints.js';
import { checkCompanyKeyName, DEFAULT_COMPANY_KEY } from '../sync/companies/companyKey.js';

export type OptionGroup = 'connection' | 'requests' | 'input' | 'mapping' | 'delivery' | 'state' | 'output' | 'replay' | 'replayFormat' | 'viewFormat' | 'pull';

export interface OptionSpec {
  /** camelCase key: the commander attribute name and the config-file key. */
  key: string;
  flags: string;
  description: string;
  group: OptionGroup;
  default?: string | number | boolean;
  env?: string;
  choices?: readonly string[];
  parse?: (value: string) => unknown;
  /** Never echoed in help defaults or errors. */
  secret?: boolean;
  /** Another spelling of that option's key: its value is handed over (resolveAliases) and the key itself never reaches a command. */
  aliasOf?: string;
  /** Taken only on the command line: the config file does not know the key for this command. */
  commandLineOnly?: boolean;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1.`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of at least 0.`);
    return n;
  };
}

function isoInstant(name: string) {
  return (value: string): string => {
    // The one time parser: a --since copied from a warehouse cell reads as that cell does.
    if (parseInstant(value) === undefined) throw new InvalidArgumentError(`${name} must be an ISO-8601 date or date-time, e.g. 2026-03-01, 2026-03-01T12:00:00Z or 2026-03-01 12:00:00 UTC.`);
    return value;
  };
}

function companyKey(value: string): string {
  try {
    return checkCompanyKeyName(value) ?? 'none';
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function delimiter(value: string): string {
  const named = new Map([['tab', '\t'], ['\\t', '\t'], ['pipe', '|'], ['comma', ','], ['semicolon', ';']]);
  const char = named.get(value.toLowerCase()) ?? value;
  if (char.length !== 1 || char === '"' || char === '\n' || char === '\r') {
    throw new InvalidArgumentError(`--delimiter must be one character other than a quote or a line break (or tab, pipe, comma, semicolon), not ${JSON.stringify(value)}.`);
  }
  return char;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export const OPTIONS = [
  // properties pull
  { key: 'object', flags: '--object <object>', group: 'pull', choices: ['contacts', 'companies'], commandLineOnly: true,
    description: 'only this object type' },
  { key: 'out', flags: '--out <file>', group: 'pull', commandLineOnly: true,
    description: 'write here instead of standard output' },
  // connection
  { key: 'token', flags: '--token <token>', env: 'HUBSPOT_ACCESS_TOKEN', group: 'connection', secret: true,
    description: 'HubSpot private app or service key token' },
  { key: 'hubId', flags: '--hub-id <id>', env: 'HUBSPOT_HUB_ID', group: 'connection',
    description: 'HubSpot portal (hub) ID; read from the account when omitted' },
  { key: 'baseUrl', flags: '--base-url <url>', env: 'HUBSPOT_BASE_URL', group: 'connection', default: 'https://api.hubapi.com',
    description: 'HubSpot API base URL' },
  { key: 'apiVersion', flags: '--api-version <version>', group: 'connection', default: DEFAULT_API_VERSION, choices: API_VERSIONS,
    description: "HubSpot's dated API version; every request of the run uses it" },
  // input
  { key: 'since', flags: '--since <iso>', group: 'input', parse: isoInstant('--since'),
    description: 'only events at or after this time' },
  { key: 'until', flags: '--until <iso>', group: 'input', parse: isoInstant('--until'),
    description: 'only events before this time' },
  { key: 'types', flags: '--types <list>', group: 'input', parse: list,
    description: 'only these call types, comma-separated (identify,track,group,page,screen,alias)' },
  { key: 'events', flags: '--events <list>', group: 'input', parse: list,
    description: 'only these track event names, comma-separated' },
  { key: 'inputFormat', flags: '--input-format <format>', group: 'input', choices: ['ndjson', 'csv'],
    description: 'input format when the name does not tell (standard input)' },
  // `replay --format` was the input format before diff and status gave --format its output meaning.
  { key: 'format', flags: '--format <format>', group: 'replayFormat', choices: ['ndjson', 'csv'], aliasOf: 'inputFormat',
    description: 'the same as --input-format (the earlier spelling, still accepted)' },
  { key: 'format', flags: '--format <format>', group: 'viewFormat', choices: ['text', 'json'], default: 'text',
    description: 'output format' },
  { key: 'type', flags: '--type <type>', group: 'input', choices: ['identify', 'track', 'group', 'page', 'screen', 'alias'],
    description: 'call type of CSV rows when there is no type column' },
  { key: 'delimiter', flags: '--delimiter <char>', group: 'input', parse: delimiter,
    description: 'the character between CSV cells (default: a tab for .tsv, else sniffed from the header: , tab ; |)' },
  { key: 'encoding', flags: '--encoding <encoding>', group: 'input', choices: ['utf-8', 'windows-1252', 'latin1', 'utf-16le'],
    description: 'text encoding of inputs without a byte-order mark (default utf-8; a UTF-16 BOM is always read)' },
  // mapping
  { key: 'catalog', flags: '--catalog <file>', group: 'mapping',
    description: 'saved property catalog (from `properties pull`) instead of fetching it' },
  { key: 'eventMap', flags: '--event-map <file>', group: 'mapping',
    description: 'JSON object: Segment event name -> HubSpot event name' },
  { key: 'createEventDefinitions', flags: '--no-create-event-definitions', group: 'mapping', default: true,
    description: 'do not create missing event definitions or properties' },
  { key: 'pagesAsEvents', flags: '--pages-as-events', group: 'mapping', default: false,
    description: 'send page calls as the custom event page_viewed' },
  { key: 'ignoreIntegrations', flags: '--ignore-integrations', group: 'mapping', default: false,
    description: 'also send calls whose integrations object keeps them from HubSpot (a deliberate full backfill)' },
  { key: 'consentCategories', flags: '--consent-categories <list>', group: 'mapping', parse: list,
    description: 'consent categories HubSpot is mapped to, comma-separated: calls with consent preferences must grant them all' },
  { key: 'suppress', flags: '--suppress <file>', group: 'mapping',
    description: 'suppression list: emails and user/anonymous ids, one per line (# comments); those people are never sent' },
  { key: 'propertyMap', flags: '--property-map <file>', group: 'mapping',
    description: 'JSON {"contact":{…},"company":{…},"event":{…}}: Segment key -> HubSpot property name, null (leave out) or {"name","type"}' },
  { key: 'createProperties', flags: '--create-properties', group: 'mapping', default: false,
    description: 'create the contact and company properties of the property plan before sending (needs the crm.schemas.*.write scopes)' },
  { key: 'propertyGroup', flags: '--property-group <name>', group: 'mapping',
    description: 'existing property group for created properties (default contactinformation / companyinformation)' },
  { key: 'maxNewProperties', flags: '--max-new-properties <n>', group: 'mapping', default: 100, parse: positiveInt('--max-new-properties'),
    description: 'refuse (exit 2) to create more properties than this per object' },
  { key: 'retroactiveIdentities', flags: '--no-retroactive-identities', group: 'mapping', default: true,
    description: 'do not read the inputs once first to attribute anonymous calls before their identify (stream rules only)' },
  // delivery
  { key: 'rate', flags: '--rate <n>', group: 'requests', default: 100, parse: positiveInt('--rate'),
    description: 'requests per rolling 10 seconds' },
  { key: 'concurrency', flags: '--concurrency <n>', group: 'delivery', default: 4, parse: positiveInt('--concurrency'),
    description: 'requests in flight at once' },
  { key: 'dailyLimit', flags: '--daily-limit <n>', group: 'delivery', parse: positiveInt('--daily-limit'),
    description: 'stop (exit 75) once the runs of this state directory made this many requests in the UTC day' },
  { key: 'dailyReserve', flags: '--daily-reserve <n|pct>', group: 'delivery', default: '10%',
    description: 'stop (exit 75) when the daily remaining falls to this many requests or percent' },
  { key: 'compact', flags: '--no-compact', group: 'delivery', default: true,
    description: 'stream every update as it is read rather than fold the inputs first and send each contact and company once' },
  { key: 'maxRetries', flags: '--max-retries <n>', group: 'requests', default: 6, parse: nonNegativeInt('--max-retries'),
    description: 'retries of a failing request before pausing (exit 75)' },
  { key: 'companyKey', flags: '--company-key <property|none>', group: 'delivery', default: DEFAULT_COMPANY_KEY, parse: companyKey,
    description: 'unique company property holding the domain, created when missing, so a company is never created twice; none: search only' },
  // state
  { key: 'stateDir', flags: '--state-dir <dir>', group: 'state', default: '.hubspot-sync',
    description: 'state directory: checkpoint, identity map, caches, dead letters, lock' },
  { key: 'fresh', flags: '--fresh', group: 'replay', default: false,
    description: 'start over: ignore the checkpoint and forget the delivered messageIds (a directory of another portal forgets all it holds but dead letters)' },
  { key: 'resend', flags: '--resend', group: 'replay', default: false,
    description: 'this run only: send again records that earlier completed runs delivered' },
  // replay output
  { key: 'dryRun', flags: '--dry-run', group: 'replay', default: false,
    description: 'send nothing; write the mapped operations' },
  { key: 'out', flags: '--out <file>', group: 'replay',
    description: 'dry run: where to write operations (default standard output)' },
  { key: 'deadLetter', flags: '--dead-letter <file>', group: 'output',
    description: 'dead-letter file (default <state-dir>/dead-letter.ndjson)' },
  { key: 'report', flags: '--report <file>', group: 'output',
    description: 'write the run report as JSON' },
  { key: 'logFormat', flags: '--log-format <format>', group: 'output', default: 'text', choices: ['text', 'json'],
    description: 'log format on standard error' },
  { key: 'quiet', flags: '--quiet', group: 'output', default: false,
    description: 'no progress display, summary only' },
  { key: 'failOnDeadLetters', flags: '--fail-on-dead-letters', group: 'replay', default: false,
    description: 'exit 4 when the run dead-lettered records' },
] as const satisfies readonly OptionSpec[];

type Spec = (typeof OPTIONS)[number];

/** An option's value as commander hands it over: parsed, one of its choices, a string, or a switch. */
type ValueOf<S extends Spec> = S extends { parse: (value: string) => infer V }
  ? V
  : S extends { choices: ReadonlyArray<infer C> }
    ? C
    : S['flags'] extends `${string}<${string}>` ? string : boolean;

type Named<G extends OptionGroup> = Exclude<Extract<Spec, { group: G }>, { aliasOf: string }>;

/**
 * The options a command taking `G` receives: one property per key of those groups, present
 * when the table gives a default, else optional.
 */
export type OptionsOf<G extends OptionGroup> = Flatten<
  { [S in Named<G> as S extends { default: unknown } ? S['key'] : never]: ValueOf<S> } & {
    [S in Named<G> as S extends { default: unknown } ? never : S['key']]?: ValueOf<S>;
  }
>;

type Flatten<T> = { [K in keyof T]: T[K] };

export const CONFIG_OPTION: OptionSpec = {
  key: 'config', flags: '--config <file>', group: 'output',
  description: 'config file (default ./hubspot-sync.config.json when present)',
};

export function optionsIn(groups: readonly OptionGroup[]): OptionSpec[] {
  return (OPTIONS as readonly OptionSpec[]).filter((spec) => groups.includes(spec.group));
}

export function toCommanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.env) option.env(spec.env);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse);
  // A negated boolean (--no-x) already defaults to true; stating it keeps help honest.
  if (spec.default !== undefined && !spec.secret) option.default(spec.default);
  return option;
}
