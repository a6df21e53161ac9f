// `npx tsx bench/memory.ts [--sizes 100k,1m] [--big 1GB] [--keep-big] [--commands dry-run,diff] [--shape trait-heavy]`
//
// Peak memory of a dry run and of `diff --format json` (the BUILT CLI) over inputs of
// growing size: the standard 100k and 1M NDJSON corpora, and a ~1 GB file generated on
// the fly and deleted after. `diff` reads from a HubSpot stand-in started here (empty, so
// every record is new: the most output, and every record compared).
// The peak is the kernel's maxRSS of the CLI process (read by a preloaded hook at exit,
// bench/lib/usage-hook.mjs), cross-checked by polling /proc/PID/status VmHWM; VmRSS is
// also sampled through the run (the highest value in each quarter is reported), so a
// curve that keeps rising shows even when the peak looks acceptable. Target: < 200 MB, flat in the input size.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countLabel, DEFAULT_SEED, parseCount, standardCorpus } from './lib/corpora.js';
import { BENCH_OUT, DEFAULT_CLI, formatInt, loadString, machineInfo, quarterPeaks, runNode, waitForQuiet } from './lib/run.js';
import { ensureCorpus, eventsForBytes, removeCorpus, writeCorpus, type WrittenCorpus } from './lib/writeCorpus.js';
import { CORPUS_SHAPES, type CorpusShape } from './lib/corpus.js';
import { startEmulator, type Emulator } from '../test/emulator/index.js';

const USAGE = `Usage: npx tsx bench/memory.ts [options]

  --sizes LIST   standard NDJSON corpora to run (default 100k,1m)
  --big SIZE     also a generated file of about this size, deleted afterwards (default 1GB; "" for none)
  --big-dir DIR  where to generate it (default bench/out)
  --keep-big     keep the big file (and reuse it next time)
  --cli PATH     the CLI to run (default bin/hubspot-sync.js)
  --target MB    the peak RSS to stay under (default 200)
  --commands L   what to measure: dry-run, diff (default both)
  --shape S      corpus shape: standard (default) or trait-heavy
  --json FILE    also write the figures as JSON (default bench/out/memory-<time>.json)
`;

const MB = 1e6;

type Command = 'dry-run' | 'diff';

interface Case {
  label: string;
  command: Command;
  events: number;
  fileBytes: number;
  maxRssKB: number | undefined;
  polledHwmKB: number | undefined;
  /** The highest VmRSS (KiB) sampled in each quarter of the run: flat, or still rising? */
  rssQuartersKB: number[];
  wallMs: number;
  load1Before: number;
  load1After: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100k,1m' },
      big: { type: 'string', default: '1GB' },
      'big-dir': { type: 'string', default: BENCH_OUT },
      'keep-big': { type: 'boolean', default: false },
      cli: { type: 'string', default: DEFAULT_CLI },
      target: { type: 'string', default: '200' },
      json: { type: 'string' },
      commands: { type: 'string', default: 'dry-run,diff' },
      shape: { type: 'string', default: 'standard' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const targetMB = Number(values.target);
  const machine = machineInfo();
  process.stderr.write(`machine: ${machine.nproc} cores, node ${machine.node}, load ${machine.loadavg}, commit ${machine.commit}\n`);
  const commands = values.commands.split(',').filter(Boolean) as Command[];
  for (const command of commands) if (command !== 'dry-run' && command !== 'diff') throw new Error(`--commands: unknown ${command}`);
  const shape = values.shape as CorpusShape;
  if (!CORPUS_SHAPES.includes(shape)) throw new Error(`--shape: expected one of ${CORPUS_SHAPES.join(', ')}`);
  const scratch = mkdtempSync(join(tmpdir(), 'hubspot-sync-bench-'));
  // diff's reads: an unthrottled stand-in, so the run measures the CLI, not the rate limit.
  const emulator = commands.includes('diff') ? await startEmulator({ rateLimit: { perTenSeconds: 1e9, daily: 1e9, searchPerSecond: 1e9 } }) : undefined;
  const cases: Case[] = [];
  const measureAll = async (corpus: WrittenCorpus, label: string) => {
    for (const command of commands) cases.push(await measure(values.cli, corpus, label, command, scratch, emulator));
  };
  try {
    for (const size of values.sizes.split(',').filter(Boolean)) {
      const corpus = await standardCorpus(parseCount(size), 'ndjson', DEFAULT_SEED, shape);
      await measureAll(corpus, `${countLabel(corpus.stats.events)}${shape === 'standard' ? '' : ` ${shape}`}`);
    }
    if (values.big !== '') {
      const bytes = parseBytes(values.big);
      const events = eventsForBytes(bytes, 'ndjson', DEFAULT_SEED, shape);
      const path = join(values['big-dir'], `memory-${values.big.toLowerCase()}${shape === 'standard' ? '' : `-${shape}`}.ndjson`);
      mkdirSync(values['big-dir'], { recursive: true });
      process.stderr.write(`generating ${path}: ${formatInt(events)} events for ~${values.big}…\n`);
      const started = Date.now();
      const corpus: WrittenCorpus = values['keep-big']
        ? await ensureCorpus(path, 'ndjson', events, DEFAULT_SEED, shape)
        : await writeCorpus(path, 'ndjson', events, DEFAULT_SEED, { shape });
      process.stderr.write(`  ${(corpus.fileBytes / MB).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      try {
        await measureAll(corpus, `~${values.big}`);
      } finally {
        if (!values['keep-big']) await removeCorpus(path);
      }
    }
  } finally {
    await emulator?.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  const jsonPath = values.json ?? join(BENCH_OUT, `memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(BENCH_OUT, { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ machine, cli: values.cli, targetMB, cases }, null, 2) + '\n');
  process.stdout.write(table(cases, targetMB) + `\n(load average at the end: ${loadString()}; raw figures in ${jsonPath})\n`);
}

function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(mb|gb|mib|gib)$/i.exec(text.trim());
  if (!m) throw new Error(`--big: expected e.g. 1GB or 500MB, got ${JSON.stringify(text)}`);
  const unit = { mb: 1e6, gb: 1e9, mib: 2 ** 20, gib: 2 ** 30 }[(m[2] ?? '').toLowerCase() as 'mb'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

async function measure(cli: string, corpus: WrittenCorpus, label: string, command: Command, scratch: string, emulator: Emulator | undefined): Promise<Case> {
  await waitForQuiet(2, 30_000); // memory barely depends on load; don't wait long
  const reportPath = join(scratch, 'report.json');
  rmSync(reportPath, { force: true });
  const samples: number[] = [];
  const state = ['--state-dir', join(scratch, 'no-state')];
  // Output to standard output, redirected to /dev/null: `--out /dev/null` may fail to
  // truncate a character device in the version measured, and the writes cost the same.
  const args = command === 'diff'
    ? ['diff', corpus.path, '--format', 'json', '--rate', '1000000', '--concurrency', '8', ...state]
    : ['replay', corpus.path, '--dry-run', '--hub-id', '123', '--quiet', '--report', reportPath, ...state];
  const env = emulator ? { HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url } : undefined;
  const m = await runNode(cli, args, { stdout: '/dev/null', env, onRssSample: (kb) => samples.push(kb) });
  if (m.exitCode !== 0) throw new Error(`the CLI failed (exit ${m.exitCode}): ${m.stderr}`);
  if (command === 'dry-run') {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { counts: { read: number } };
    if (report.counts.read !== corpus.stats.events) throw new Error(`read ${report.counts.read} records of ${corpus.stats.events}`);
  }
  const result: Case = {
    label,
    command,
    events: corpus.stats.events,
    fileBytes: corpus.fileBytes,
    maxRssKB: m.maxRssKB,
    polledHwmKB: m.polledHwmKB,
    rssQuartersKB: quarterPeaks(samples),
    wallMs: m.wallMs,
    load1Before: m.load1Before,
    load1After: m.load1After,
  };
  process.stderr.write(
    `${label} ${command}: ${formatInt(result.events)} events, ${(result.fileBytes / MB).toFixed(0)} MB: peak RSS ${mb(result.maxRssKB)} ` +
      `(polled ${mb(result.polledHwmKB)}), ${(m.wallMs / 1000).toFixed(1)} s, load ${m.load1Before.toFixed(2)}→${m.load1After.toFixed(2)}\n`,
  );
  return result;
}

function mb(kb: number | undefined): string {
  return kb === undefined ? '?' : `${((kb * 1024) / MB).toFixed(0)} MB`;
}

function table(cases: readonly Case[], targetMB: number): string {
  const lines = [
    '| input | command | events | file | peak RSS (maxRSS) | VmHWM polled | highest VmRSS in each quarter of the run | under target | load (1-min) |',
    '|---|---|---:|---:|---:|---:|---|---|---|',
  ];
  for (const c of cases) {
    const peakMB = ((c.maxRssKB ?? NaN) * 1024) / MB;
    lines.push(
      `| ${c.label} | ${c.command} | ${formatInt(c.events)} | ${(c.fileBytes / MB).toFixed(0)} MB | ${peakMB.toFixed(0)} MB (${((c.maxRssKB ?? NaN) / 1024).toFixed(0)} MiB) | ` +
        `${mb(c.polledHwmKB)} | ${c.rssQuartersKB.map((kb) => ((kb * 1024) / MB).toFixed(0)).join(' / ')} MB | ` +
        `${peakMB < targetMB ? 'yes' : `**no** (> ${targetMB} MB)`} | ${c.load1Before.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`memory: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
