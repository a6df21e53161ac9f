// `npx tsx bench/throughput.ts [--sizes 100k,1m] [--reps 5] [--info-formats gzip,csv] …`
//
// Dry-run throughput of the BUILT CLI (`npm run build` first) against a baseline measured
// in the same run: a bare Node script that reads the same file line by line (readline)
// and JSON.parses each line (bench/lib/baseline.mjs). Both are whole processes, timed
// from spawn to exit, alternating, several times; the medians and their ratio are
// reported, with CPU time (less sensitive to a busy machine) beside wall time.
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { countLabel, DEFAULT_SEED, parseCount, standardCorpus } from './lib/corpora.js';
import { CORPUS_SHAPES, type CorpusShape } from './lib/corpus.js';
import { BENCH_OUT, DEFAULT_CLI, formatInt, loadString, machineInfo, median, runNode, waitForQuiet, type Measured } from './lib/run.js';
import { writeCorpus, type CorpusFormat } from './lib/writeCorpus.js';

const BASELINE = fileURLToPath(new URL('./lib/baseline.mjs', import.meta.url));

const USAGE = `Usage: npx tsx bench/throughput.ts [options]

  --sizes LIST         NDJSON corpus sizes (default 100k,1m)
  --reps N             repetitions per size (default 5)
  --info-formats LIST  other formats, for information (default gzip,csv; "" for none)
  --info-size N        their size (default 1m)
  --info-reps N        their repetitions (default 3)
  --shape S            NDJSON corpus shape: standard (default) or trait-heavy
  --cli PATH           the CLI to run (default bin/hubspot-sync.js)
  --compare PATH       a second CLI (another build, e.g. with a proposed change), run
                       alternately with the first in the same session
  --max-load L         wait before each run until the 1-min load average is below L
                       (default: 0.75 x cores)
  --max-wait S         but not longer than S seconds (default 90)
  --json FILE          also write the figures as JSON (default bench/out/throughput-<time>.json)
`;

type Kind = 'cli' | 'compare' | 'baseline';

interface Sample {
  kind: Kind;
  wallMs: number;
  cpuMs: number | undefined;
  maxRssKB: number | undefined;
  /** The CLI's own durationMs from its report (no process start-up). */
  inProcessMs?: number;
  load1Before: number;
  load1After: number;
  quiet: boolean;
}

interface Row {
  format: CorpusFormat;
  events: number;
  fileMB: number;
  cli: Sample[];
  compare: Sample[];
  baseline: Sample[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100k,1m' },
      reps: { type: 'string', default: '5' },
      'info-formats': { type: 'string', default: 'gzip,csv' },
      'info-size': { type: 'string', default: '1m' },
      'info-reps': { type: 'string', default: '3' },
      shape: { type: 'string', default: 'standard' },
      cli: { type: 'string', default: DEFAULT_CLI },
      compare: { type: 'string' },
      'max-load': { type: 'string', default: String(cpus().length * 0.75) },
      'max-wait': { type: 'string', default: '90' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const maxLoad = Number(values['max-load']);
  const maxWaitMs = Number(values['max-wait']) * 1000;
  const cli = values.cli;
  const compare = values.compare;
  const shape = values.shape as CorpusShape;
  if (!CORPUS_SHAPES.includes(shape)) throw new Error(`--shape: expected one of ${CORPUS_SHAPES.join(', ')}`);
  const plan: Array<{ format: CorpusFormat; events: number; reps: number }> = [];
  for (const size of values.sizes.split(',').filter(Boolean)) plan.push({ format: 'ndjson', events: parseCount(size), reps: Number(values.reps) });
  for (const format of values['info-formats'].split(',').filter(Boolean)) {
    if (format !== 'gzip' && format !== 'csv' && format !== 'ndjson') throw new Error(`--info-formats: unknown format ${format}`);
    plan.push({ format, events: parseCount(values['info-size']), reps: Number(values['info-reps']) });
  }

  const machine = machineInfo();
  process.stderr.write(`machine: ${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, load ${machine.loadavg}, commit ${machine.commit}${machine.dirtySrc.length ? ` + ${machine.dirtySrc.length} modified src files` : ''}\n`);
  const scratch = mkdtempSync(join(tmpdir(), 'hubspot-sync-bench-'));
  try {
    const outArgs = await outputArgs(cli, scratch);
    const rows: Row[] = [];
    for (const step of plan) {
      // The shape applies to the NDJSON sizes; the other formats are for information.
      const corpus = await standardCorpus(step.events, step.format, DEFAULT_SEED, step.format === 'ndjson' ? shape : 'standard');
      const row: Row = { format: step.format, events: corpus.stats.events, fileMB: corpus.fileBytes / 1e6, cli: [], compare: [], baseline: [] };
      const kinds: Kind[] = compare === undefined ? ['baseline', 'cli'] : ['baseline', 'cli', 'compare'];
      for (let rep = 0; rep < step.reps; rep++) {
        // Alternate the order, so a slow spell hurts each alike.
        const order = rep % 2 === 0 ? kinds : [...kinds].reverse();
        for (const kind of order) {
          const quiet = await waitForQuiet(maxLoad, maxWaitMs);
          const sample =
            kind === 'baseline'
              ? await runBaseline(corpus.path, step.format)
              : await runCli(kind === 'cli' ? cli : (compare as string), kind, corpus.path, step.format, outArgs, scratch, corpus.stats.events);
          sample.quiet = quiet;
          row[kind].push(sample);
          process.stderr.write(
            `${step.format} ${countLabel(step.events)} rep ${rep + 1} ${kind.padEnd(8)} ${(sample.wallMs / 1000).toFixed(2)} s wall, ` +
              `${((sample.cpuMs ?? NaN) / 1000).toFixed(2)} s cpu, ${formatInt(row.events / (sample.wallMs / 1000))} ev/s, ` +
              `load ${sample.load1Before.toFixed(2)}→${sample.load1After.toFixed(2)}${quiet ? '' : ' (busy machine)'}\n`,
          );
        }
      }
      rows.push(row);
    }
    const report = { machine, shape, cli, compare, outArgs, maxLoad, rows, finishedLoad: loadString() };
    const jsonPath = values.json ?? join(BENCH_OUT, `throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(BENCH_OUT, { recursive: true });
    writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`NDJSON corpus shape: ${shape}\n` + table(rows, compare !== undefined) + `\n(load average at the end: ${loadString()}; raw figures in ${jsonPath})\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `--out /dev/null` is what the brief asks for, but the CLI truncates its output file
 * (EINVAL on a character device, in the version measured): then the operations go to
 * standard output, redirected to /dev/null, which costs the same writes.
 */
async function outputArgs(cli: string, scratch: string): Promise<string[]> {
  const probe = join(scratch, 'probe.ndjson');
  await writeCorpus(probe, 'ndjson', 50, 7);
  const result = await runNode(cli, ['replay', probe, '--dry-run', '--hub-id', '123', '--quiet', '--out', '/dev/null', '--state-dir', join(scratch, 'no-state')]);
  if (result.exitCode === 0) return ['--out', '/dev/null'];
  process.stderr.write(`note: \`--out /dev/null\` fails (${firstLine(result.stderr)}); writing the operations to standard output redirected to /dev/null instead\n`);
  return [];
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? `exit code`;
}

async function runCli(cli: string, kind: 'cli' | 'compare', file: string, format: CorpusFormat, outArgs: string[], scratch: string, events: number): Promise<Sample> {
  const reportPath = join(scratch, 'report.json');
  rmSync(reportPath, { force: true });
  // A state directory that does not exist: a dry run would read an identity map there.
  const args = ['replay', file, '--dry-run', '--hub-id', '123', '--quiet', '--report', reportPath, '--state-dir', join(scratch, 'no-state'), ...outArgs];
  if (format === 'csv') args.push('--format', 'csv');
  const m = await runNode(cli, args, { stdout: '/dev/null' });
  if (m.exitCode !== 0) throw new Error(`the CLI failed (exit ${m.exitCode}): ${m.stderr}`);
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { counts: { read: number }; durationMs: number };
  if (report.counts.read !== events) throw new Error(`the CLI read ${report.counts.read} records, the corpus has ${events}`);
  return sample(kind, m, report.durationMs);
}

async function runBaseline(file: string, format: CorpusFormat): Promise<Sample> {
  const m = await runNode(BASELINE, [file, format], { stdout: 'pipe' });
  if (m.exitCode !== 0) throw new Error(`the baseline failed: ${m.stderr}`);
  return sample('baseline', m);
}

function sample(kind: Sample['kind'], m: Measured, inProcessMs?: number): Sample {
  return { kind, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssKB: m.maxRssKB, inProcessMs, load1Before: m.load1Before, load1After: m.load1After, quiet: true };
}

function table(rows: readonly Row[], withCompare: boolean): string {
  const header = [
    '| input | events | file | baseline ev/s (wall) | dry run ev/s (wall) | ratio (wall) | ratio (CPU time) | dry run ev/s in-process |',
    withCompare ? ' --compare ev/s (wall) | ratio (wall) | ratio (CPU time) |' : '',
    ' loads (1-min, before each run) |',
  ].join('');
  const lines = [header, `|---|---:|---:|---:|---:|---:|---:|---:|${withCompare ? '---:|---:|---:|' : ''}---|`];
  for (const row of rows) {
    const rate = (ms: number) => formatInt(row.events / (ms / 1000));
    const baseWall = median(row.baseline.map((s) => s.wallMs));
    const baseCpu = median(row.baseline.map((s) => s.cpuMs ?? NaN));
    const figures = (samples: readonly Sample[]) => {
      const wall = median(samples.map((s) => s.wallMs));
      const cpu = median(samples.map((s) => s.cpuMs ?? NaN));
      return `${rate(wall)} | ${((100 * baseWall) / wall).toFixed(0)}% | ${((100 * baseCpu) / cpu).toFixed(0)}%`;
    };
    const inProcess = median(row.cli.map((s) => s.inProcessMs ?? NaN));
    const loads = [...row.baseline, ...row.cli, ...row.compare].map((s) => s.load1Before);
    lines.push(
      `| ${row.format} | ${formatInt(row.events)} | ${row.fileMB.toFixed(0)} MB | ${rate(baseWall)} | ${figures(row.cli)} | ${rate(inProcess)} |` +
        (withCompare ? ` ${figures(row.compare)} |` : '') +
        ` ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`throughput: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
