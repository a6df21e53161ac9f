// Configuration precedence: flags beat environment, environment beats the config file,
// the file beats defaults. Commander records where each value came from, so the file
// only fills what neither the command line nor the environment set.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { OPTIONS, type OptionSpec } from './options.js';

export const DEFAULT_CONFIG_FILE = 'hubspot-sync.config.json';

export function readConfigFile(path: string | undefined, cwd = process.cwd()): { path?: string; values: Record<string, unknown> } {
  const file = path ?? (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
  if (!file) return { values: {} };
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch {
    throw new UsageError(`Cannot read the config file ${file}: check the path given to --config.`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The config file ${file} is not valid JSON at ${syntaxErrorPlace(text, (error as Error).message)}: ${syntaxProblem((error as Error).message)}. Fix it or pass another with --config.`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new UsageError(`The config file ${file} must hold a JSON object of option names to values.`);
  }
  return { path: file, values: values as Record<string, unknown> };
}

/**
 * Where JSON.parse stopped, as `line L, column C` (1-based): its message gives a character
 * position (or, in newer engines, the line and column), or says the text ended early.
 */
export function syntaxErrorPlace(text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /at position (\d+)/.exec(message);
  const at = position ? Math.min(Number(position[1]), text.length) : text.length;
  const before = text.slice(0, at).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** The parser's complaint without the place, which syntaxErrorPlace says better. */
function syntaxProblem(message: string): string {
  return message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the text ends too early');
}

/**
 * Fills options that neither a flag nor the environment set from the config file. One
 * file serves every command: a key no command knows is an error, a key another command
 * takes (`rate` for `status`) is left to that command.
 */
export function applyConfig(command: Command, specs: readonly OptionSpec[], config: { path?: string; values: Record<string, unknown> }): void {
  const configurable = (OPTIONS as readonly OptionSpec[]).filter((option) => !option.commandLineOnly);
  const byKey = new Map(specs.filter((spec) => !spec.commandLineOnly).map((spec) => [spec.key, spec]));
  for (const [key, raw] of Object.entries(config.values)) {
    const spec = byKey.get(key);
    if (!spec) {
      if (configurable.some((option) => option.key === key)) continue;
      const known = [...new Set(configurable.map((option) => option.key))].join(', ');
      throw new UsageError(`Unknown option "${key}" in the config file ${config.path}. Known options: ${known}.`);
    }
    const source = command.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') continue;
    // `format` is the input format for replay and the output format for diff and status:
    // in a file shared by all of them, a value meant for the other reading is not ours.
    if (spec.choices && !spec.choices.includes(String(raw)) && configurable.some((o) => o !== spec && o.key === key && o.choices?.includes(String(raw)))) continue;
    command.setOptionValueWithSource(key, coerce(spec, raw, config.path ?? DEFAULT_CONFIG_FILE), 'config');
  }
}

function coerce(spec: OptionSpec, raw: unknown, file: string): unknown {
  const where = `"${spec.key}" in the config file ${file}`;
  const isBoolean = !spec.flags.includes('<');
  if (isBoolean) {
    if (typeof raw !== 'boolean') throw new UsageError(`${where} must be true or false.`);
    return raw;
  }
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) raw = raw.join(',');
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new UsageError(`${where} must be a string or a number.`);
  const text = String(raw);
  if (spec.choices && !spec.choices.includes(text)) throw new UsageError(`${where} must be one of ${spec.choices.join(', ')}.`);
  try {
    return spec.parse ? spec.parse(text) : text;
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
}

/** Where a value came from, strongest first: the same order as the precedence above. */
const SOURCE_RANK: Record<string, number> = { cli: 3, env: 2, config: 1, default: 0, implied: 0 };

/**
 * Hands each alias's value to the option it spells (`replay --format` to --input-format)
 * and drops the alias's own key. The stronger source wins (a flag beats the config file);
 * two flags that disagree are a usage error.
 */
export function resolveAliases(command: Command, specs: readonly OptionSpec[]): void {
  for (const alias of specs) {
    if (alias.aliasOf === undefined) continue;
    const value: unknown = command.getOptionValue(alias.key);
    const source = command.getOptionValueSource(alias.key);
    // opts() is commander's own record of values: the alias's key leaves it here.
    delete (command.opts() as Record<string, unknown>)[alias.key];
    if (value === undefined) continue;
    const target = command.getOptionValue(alias.aliasOf) as unknown;
    const targetSource = command.getOptionValueSource(alias.aliasOf);
    const rank = (from: string | undefined) => (from === undefined ? -1 : SOURCE_RANK[from] ?? 0);
    if (target !== undefined && rank(targetSource) === rank(source) && target !== value) {
      const flag = (key: string) => specs.find((spec) => spec.key === key && spec.aliasOf === undefined)?.flags.split(' ')[0] ?? key;
      throw new UsageError(`${flag(alias.aliasOf)} ${String(target)} and ${alias.flags.split(' ')[0]} ${String(value)} disagree: ${alias.flags.split(' ')[0]} is another spelling of ${flag(alias.aliasOf)}; give one.`);
    }
    if (target === undefined || rank(source) > rank(targetSource)) command.setOptionValueWithSource(alias.aliasOf, value, source ?? 'default');
  }
}
