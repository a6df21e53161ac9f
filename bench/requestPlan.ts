// `npx tsx bench/requestPlan.ts [--events 20k] [--rate 100]`
//
// How close a dry run's request plan (docs/hubspot.md#the-request-plan) comes to the
// requests a live run of the same export then makes into the HubSpot stand-in, on both
// corpus shapes (`bench/generate.ts --shape`). Per shape, each against a fresh stand-in:
// - the plan of a run that folds its inputs (each key sent once: compaction, the default
//   for files), and the live run of that command;
// - the plan of a streamed run (`--no-compact`: batches as the stream fills them), and the
//   live run of that command.
// The live runs pace at `--rate` against a stand-in with the same ten-second limit, as
// against HubSpot. Requests are compared in total and in `windowed` (the endpoint table's
// ten-second class, for the plan and the live run alike), endpoint by endpoint too.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RequestPlan } from '../src/core/requestPlan.js';
import { ENDPOINTS, endpointLabel, DEFAULT_API_VERSION, type EndpointName } from '../src/hubspot/endpoints.js';
import { startEmulator } from '../test/emulator/index.js';
import { parseCount, standardCorpus } from './lib/corpora.js';
import type { CorpusShape } from './lib/corpus.js';
import { BENCH_OUT, DEFAULT_CLI, formatInt, loadString, machineInfo, runNode } from './lib/run.js';

const USAGE = `Usage: npx tsx bench/requestPlan.ts [options]

  --events N   events per corpus (default 20k)
  --rate N     the stand-in's ten-second limit and the CLI's --rate (default 100)
  --cli PATH   the CLI to run (default bin/hubspot-sync.js)
`;

const SHAPES: CorpusShape[] = ['standard', 'trait-heavy'];
const HUB_ID = '123456';
const WINDOWED = new Set(
  (Object.keys(ENDPOINTS) as EndpointName[]).filter((name) => ENDPOINTS[name].limit === 'tenSecondly').map((name) => endpointLabel(name, DEFAULT_API_VERSION)),
);

interface Comparison {
  shape: CorpusShape;
  mode: 'read twice' | 'streamed';
  plan: RequestPlan;
  live: { byEndpoint: Record<string, number>; total: number; windowed: number; wallMs: number };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '20k' },
      rate: { type: 'string', default: '100' },
      cli: { type: 'string', default: DEFAULT_CLI },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const events = parseCount(values.events);
  const rate = Number(values.rate);
  const comparisons: Comparison[] = [];
  for (const shape of SHAPES) {
    const corpus = await standardCorpus(events, 'ndjson', undefined, shape);
    for (const mode of ['read twice', 'streamed'] as const) {
      const flags = mode === 'streamed' ? ['--no-compact'] : [];
      comparisons.push(await compare(values.cli, corpus.path, shape, mode, flags, rate));
    }
  }
  mkdirSync(BENCH_OUT, { recursive: true });
  const jsonPath = join(BENCH_OUT, `requestPlan-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(jsonPath, JSON.stringify({ machine: machineInfo(), events, rate, comparisons }, null, 2) + '\n');
  process.stdout.write(render(events, rate, comparisons) + `\n(load average at the end: ${loadString()}; raw figures in ${jsonPath})\n`);
}

async function compare(cli: string, path: string, shape: CorpusShape, mode: Comparison['mode'], flags: string[], rate: number): Promise<Comparison> {
  const scratch = mkdtempSync(join(tmpdir(), 'hubspot-sync-bench-plan-'));
  const emulator = await startEmulator({ rateLimit: { perTenSeconds: rate, daily: 100_000_000 }, tier: 'enterprise', timeZone: 'UTC' });
  try {
    const common = ['replay', path, '--hub-id', HUB_ID, '--base-url', emulator.url, '--rate', String(rate), '--quiet', ...flags];
    // The dry run has no token: it plans for an empty portal, which the fresh stand-in is.
    const planReport = join(scratch, 'plan.json');
    const dry = await runNode(cli, [...common, '--dry-run', '--out', '/dev/null', '--state-dir', join(scratch, 'dry-state'), '--report', planReport]);
    if (dry.exitCode !== 0) throw new Error(`the dry run exited with ${dry.exitCode}: ${dry.stderr}`);
    const plan = (JSON.parse(readFileSync(planReport, 'utf8')) as { requestPlan: RequestPlan }).requestPlan;

    process.stderr.write(`${shape}, ${mode}: planned ${plan.total} requests (${plan.windowed} windowed); live run at ${rate} / 10 s (load ${loadString()})…\n`);
    const live = await runNode(cli, [...common, '--state-dir', join(scratch, 'state'), '--dead-letter', join(scratch, 'dead.ndjson')], { env: { HUBSPOT_ACCESS_TOKEN: emulator.token } });
    if (live.exitCode !== 0) throw new Error(`the live run exited with ${live.exitCode}: ${live.stderr}`);
    const byEndpoint = emulator.stats().requests.byEndpoint;
    const counts = Object.entries(byEndpoint);
    return {
      shape,
      mode,
      plan,
      live: {
        byEndpoint,
        total: counts.reduce((sum, [, n]) => sum + n, 0),
        windowed: counts.filter(([label]) => WINDOWED.has(label)).reduce((sum, [, n]) => sum + n, 0),
        wallMs: live.wallMs,
      },
    };
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function off(planned: number, made: number): string {
  if (made === 0) return planned === 0 ? '0 %' : '—';
  const share = (planned - made) / made;
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)} %`;
}

function render(events: number, rate: number, comparisons: Comparison[]): string {
  const lines = [
    `Request plan against the live run: ${formatInt(events)} events per corpus, --rate ${rate}, a fresh stand-in each`,
    '',
    '| corpus | run | planned total | live total | off | planned windowed | live windowed | off | live run took |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of comparisons) {
    lines.push(`| ${c.shape} | ${c.mode} | ${c.plan.total} | ${c.live.total} | ${off(c.plan.total, c.live.total)} | ${c.plan.windowed} | ${c.live.windowed} | ${off(c.plan.windowed, c.live.windowed)} | ${(c.live.wallMs / 1000).toFixed(1)} s |`);
  }
  for (const c of comparisons) {
    lines.push('', `${c.shape}, ${c.mode}: per endpoint (planned / live)`, '');
    const endpoints = [...new Set([...Object.keys(c.plan.byEndpoint), ...Object.keys(c.live.byEndpoint)])].sort();
    for (const endpoint of endpoints) lines.push(`    ${endpoint.padEnd(80)} ${String(c.plan.byEndpoint[endpoint] ?? 0).padStart(5)} / ${String(c.live.byEndpoint[endpoint] ?? 0).padStart(5)}`);
  }
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
