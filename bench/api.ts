// `npx tsx bench/api.ts [--events 100k] [--rate 100] [--streamed] [--journeys N]`
//
// A live replay of a generated export into the HubSpot stand-in (test/emulator), with the
// ten-secondly limit at HubSpot's real figure (100 requests per rolling 10 s on
// Free/Starter) and a daily limit too large to matter. Reports:
// - HubSpot requests per 1,000 input events, by endpoint, split into those that count
//   against the ten-secondly limit and those exempt from it (the emulator's own route
//   policies, test/emulator: search, v4 association batches and event sends are exempt,
//   docs/hubspot.md#rate-limits);
// - the achieved rate of ten-secondly-counted requests as a share of the limit: the
//   emulator's maxInTenSeconds, the average over the run, and per 10-second window;
// - 429 responses (must be 0);
// - the projected time to replay 10M events on a Free/Starter (100/10 s, 250k/day) and
//   an Enterprise (190/10 s, 1M/day) portal, against sending each event on its own.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index.js';
import { ROUTES } from '../test/emulator/server.js';
import { parseCount, standardCorpus } from './lib/corpora.js';
import { journeyCalls } from './lib/journeys.js';
import { CORPUS_SHAPES, type CorpusShape, type CorpusStats } from './lib/corpus.js';
import { BENCH_OUT, DEFAULT_CLI, formatInt, loadString, machineInfo, quarterPeaks, runNode } from './lib/run.js';

const USAGE = `Usage: npx tsx bench/api.ts [options]

  --events N        input size (default 500k: ~2,700 ten-secondly-counted requests, ~5 min at 100 per 10 s)
  --rate N          the stand-in's ten-secondly limit, and the CLI's --rate (default 100)
  --concurrency N   the CLI's --concurrency (default: the CLI's own default)
  --shape S         the standard corpus's shape: standard (default) or trait-heavy (many
                    trait and event property names: more than an event definition holds)
  --streamed        run the CLI with --no-compact (each update sent as it is read) rather than folded
  --journeys N      replay a journeys-shaped export of N people (bench/lib/journeys.ts, with its
                    suppression list) instead of the standard corpus
  --cli PATH        the CLI to run (default bin/hubspot-sync.js)
  --json FILE       also write the figures as JSON (default bench/out/api-<time>.json)
`;

/** HubSpot's published limits per tier (docs/hubspot.md#rate-limits). */
const TIERS = [
  { name: 'Free/Starter', perTenSeconds: 100, daily: 250_000 },
  { name: 'Enterprise', perTenSeconds: 190, daily: 1_000_000 },
] as const;
/** The CLI keeps 10% of the daily limit for the portal's other integrations (--daily-reserve). */
const DAILY_SHARE = 0.9;
const PROJECTED_EVENTS = 10_000_000;

type Policy = 'standard' | 'search' | 'no-ten-secondly' | 'exempt';

/** The emulator's rate policy of each stats key (`METHOD /path/{param}`). */
const POLICY_OF = new Map<string, Policy>(ROUTES.map((route) => [`${route.method} ${route.path}`, route.rate]));

interface Sample {
  t: number;
  tenSecondly: number;
  total: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '500k' },
      rate: { type: 'string', default: '100' },
      concurrency: { type: 'string' },
      streamed: { type: 'boolean', default: false },
      shape: { type: 'string', default: 'standard' },
      journeys: { type: 'string' },
      cli: { type: 'string', default: DEFAULT_CLI },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const rate = Number(values.rate);
  const shape = values.shape as CorpusShape;
  if (!CORPUS_SHAPES.includes(shape)) throw new Error(`--shape must be one of ${CORPUS_SHAPES.join(', ')}`);
  const machine = machineInfo();
  const corpus: { path: string; suppress?: string; stats: Pick<CorpusStats, 'events' | 'byType'> } =
    values.journeys === undefined ? await standardCorpus(parseCount(values.events), 'ndjson', undefined, shape) : journeysCorpus(Number(values.journeys));
  const events = corpus.stats.events;

  const emulator = await startEmulator({ rateLimit: { perTenSeconds: rate, daily: 100_000_000 }, tier: 'enterprise', timeZone: 'UTC' });
  const scratch = mkdtempSync(join(tmpdir(), 'hubspot-sync-bench-api-'));
  const samples: Sample[] = [];
  /** The CLI's VmRSS (KiB), every 100 ms. */
  const rss: number[] = [];
  const sample = (): void => {
    const stats = emulator.stats();
    let tenSecondly = 0;
    for (const [key, count] of Object.entries(stats.requests.byEndpoint)) if (POLICY_OF.get(key) === 'standard') tenSecondly += count;
    samples.push({ t: Date.now(), tenSecondly, total: stats.requests.total });
  };
  const ticker = setInterval(sample, 250);
  process.stderr.write(`live replay of ${formatInt(events)} events into ${emulator.url} at ${rate} requests / 10 s (load ${loadString()})…\n`);
  const progress = setInterval(() => {
    const last = samples.at(-1);
    if (last) process.stderr.write(`  ${((last.t - (samples[0]?.t ?? last.t)) / 1000).toFixed(0)} s: ${last.tenSecondly} ten-secondly-counted requests, ${last.total} in all, load ${loadString()}\n`);
  }, 30_000);

  let run;
  const reportPath = join(scratch, 'report.json');
  try {
    sample();
    const args = [
      'replay', corpus.path,
      '--base-url', emulator.url,
      '--state-dir', join(scratch, 'state'),
      '--dead-letter', join(scratch, 'dead-letter.ndjson'),
      '--report', reportPath,
      '--rate', String(rate),
      '--quiet',
      ...(values.concurrency !== undefined ? ['--concurrency', values.concurrency] : []),
      ...(values.streamed === true ? ['--no-compact'] : []),
      ...(corpus.suppress !== undefined ? ['--suppress', corpus.suppress] : []),
    ];
    // The token goes through the environment, never on a command line.
    run = await runNode(values.cli, args, { stdout: '/dev/null', env: { HUBSPOT_ACCESS_TOKEN: emulator.token }, onRssSample: (kb) => rss.push(kb) });
    sample();
  } finally {
    clearInterval(ticker);
    clearInterval(progress);
  }
  try {
    if (run.exitCode !== 0) throw new Error(`the CLI exited with ${run.exitCode}: ${run.stderr}`);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as CliReport;
    const stats = emulator.stats();
    const state = emulator.state;
    const result = analyse({
      events,
      corpus: corpus.stats,
      rate,
      samples,
      stats,
      report,
      wallMs: run.wallMs,
      maxRssKB: run.maxRssKB,
      rssQuartersKB: quarterPeaks(rss),
      stateDigest: digest(emulator.snapshot()),
      stored: {
        contacts: state.contacts.size,
        companies: state.companies.size,
        associations: state.associations.size,
        eventOccurrences: state.eventOccurrences.length,
        eventDefinitions: state.eventDefinitions.size,
      },
    });
    const jsonPath = values.json ?? join(BENCH_OUT, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(BENCH_OUT, { recursive: true });
    writeFileSync(jsonPath, JSON.stringify({ machine, cli: values.cli, ...result, samples }, null, 2) + '\n');
    process.stdout.write(render(result) + `\n(load average at the end: ${loadString()}; raw figures in ${jsonPath})\n`);
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A digest of a value with object keys sorted and arrays sorted by their canonical text. */
function digest(value: unknown): string {
  const canonical = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(canonical).sort().join(',')}]`;
    if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
    return JSON.stringify(v) ?? 'undefined';
  };
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

/** A journeys-shaped export written once per size under bench/out, with its suppression list. */
function journeysCorpus(people: number): { path: string; suppress: string; stats: Pick<CorpusStats, 'events' | 'byType'> } {
  const path = join(BENCH_OUT, `journeys-${people}.ndjson`);
  const { calls, suppressed } = journeyCalls({ people, seed: 1 });
  mkdirSync(BENCH_OUT, { recursive: true });
  writeFileSync(path, calls.map((call) => JSON.stringify(call)).join('\n') + '\n');
  writeFileSync(`${path}.suppress.txt`, suppressed.join('\n') + '\n');
  const byType: Record<string, number> = {};
  for (const call of calls) byType[String(call.type)] = (byType[String(call.type)] ?? 0) + 1;
  return { path, suppress: `${path}.suppress.txt`, stats: { events: calls.length, byType } };
}

interface CliReport {
  status: string;
  counts: Record<string, number>;
  operations: Record<string, number>;
  deadLetters: Record<string, number>;
  requests: { total: number; byEndpoint: Record<string, number>; retried: number; rateLimited: number };
  durationMs: number;
  compaction?: Record<string, number>;
}

interface AnalyseInput {
  events: number;
  corpus: Pick<CorpusStats, 'events' | 'byType'>;
  rate: number;
  samples: Sample[];
  stats: ReturnType<Awaited<ReturnType<typeof startEmulator>>['stats']>;
  report: CliReport;
  wallMs: number;
  maxRssKB: number | undefined;
  rssQuartersKB: number[];
  stored: Record<string, number>;
  /** What the stand-in holds, canonical: equal digests, equal final states. */
  stateDigest: string;
}

function analyse(input: AnalyseInput) {
  const { events, rate, samples, stats, report } = input;
  const per1000 = (n: number) => (n * 1000) / events;

  const byEndpoint = Object.entries(stats.requests.byEndpoint)
    .map(([endpoint, count]) => ({ endpoint, policy: POLICY_OF.get(endpoint) ?? 'unknown', count, per1000: per1000(count) }))
    .sort((a, b) => b.count - a.count);
  const tenSecondly = byEndpoint.filter((e) => e.policy === 'standard').reduce((sum, e) => sum + e.count, 0);
  const dailyCounted = stats.dailyUsed;

  // The counted requests' span: from the first to the last sample that saw one more.
  const first = samples.find((s) => s.tenSecondly > 0);
  const lastChange = [...samples].reverse().find((s, i, all) => i + 1 < all.length && s.tenSecondly > (all[i + 1]?.tenSecondly ?? 0)) ?? samples.at(-1);
  const spanMs = first && lastChange ? Math.max(1, lastChange.t - first.t) : NaN;
  const averagePerTen = (tenSecondly / spanMs) * 10_000;

  // Tumbling 10-second windows from the first counted request. The main phase is every
  // window after the first (catalog reads, definitions, the pipeline filling) up to the
  // last one that still used half the limit; after it comes the drain, where the last
  // exempt requests (association batches) go out and counted ones are few.
  const windows: number[] = [];
  if (first) {
    const countAt = (t: number): number => {
      let value = 0;
      for (const s of samples) if (s.t <= t) value = s.tenSecondly;
      return value;
    };
    for (let start = first.t - 250; start + 10_000 <= (lastChange?.t ?? start); start += 10_000) windows.push(countAt(start + 10_000) - countAt(start));
  }
  let lastBusy = windows.length - 1;
  while (lastBusy > 0 && (windows[lastBusy] ?? 0) < rate / 2) lastBusy--;
  const main = windows.slice(1, lastBusy + 1);
  const mainAverage = main.length > 0 ? main.reduce((a, b) => a + b, 0) / main.length : NaN;
  const drainSeconds = (windows.length - 1 - lastBusy) * 10;

  const utilisation = averagePerTen / rate;
  const projections = TIERS.map((tier) => {
    const counted = (tenSecondly / events) * PROJECTED_EVENTS;
    const daily = (dailyCounted / events) * PROJECTED_EVENTS;
    const byRateS = (counted / (tier.perTenSeconds * Math.min(1, utilisation))) * 10;
    const days = daily / (tier.daily * DAILY_SHARE);
    return { tier: tier.name, tenSecondlyRequests: counted, dailyCountedRequests: daily, byRateHours: byRateS / 3600, dailyBudgetDays: days };
  });

  // Each event on its own, as per-event destinations do: one request per identify and per
  // track (of the corpus as written: duplicates and bad records included, as a replay
  // would send them), and all of them counted against the ten-secondly and daily limits.
  const identify = input.corpus.byType['identify'] ?? 0;
  const track = input.corpus.byType['track'] ?? 0;
  const perEvent = TIERS.map((tier) => {
    const requests = ((identify + track) / events) * PROJECTED_EVENTS;
    const identifyOnly = (identify / events) * PROJECTED_EVENTS;
    return {
      tier: tier.name,
      requests,
      byRateHours: (requests / tier.perTenSeconds) * 10 / 3600,
      dailyBudgetDays: requests / (tier.daily * DAILY_SHARE),
      // If tracks went to the exempt events API, only identifies would count.
      identifyOnlyByRateHours: (identifyOnly / tier.perTenSeconds) * 10 / 3600,
      identifyOnlyDays: identifyOnly / (tier.daily * DAILY_SHARE),
    };
  });

  return {
    events,
    rate,
    wallMs: input.wallMs,
    cliMaxRssKB: input.maxRssKB,
    cliRssQuartersKB: input.rssQuartersKB,
    status: report.status,
    compaction: report.compaction,
    counts: report.counts,
    operations: report.operations,
    deadLetters: report.deadLetters,
    stored: input.stored,
    stateDigest: input.stateDigest,
    byEndpoint,
    cliRequests: report.requests,
    tenSecondly: { total: tenSecondly, per1000: per1000(tenSecondly) },
    dailyCounted: { total: dailyCounted, per1000: per1000(dailyCounted) },
    allRequests: { total: stats.requests.total, per1000: per1000(stats.requests.total) },
    rateLimited: { emulator: stats.rateLimited, byPolicy: stats.rateLimitedByPolicy, cli: report.requests.rateLimited },
    achieved: { maxInTenSeconds: stats.maxInTenSeconds, averagePerTen, spanMs, utilisation, windows, mainWindows: main.length, mainAverage, mainUtilisation: mainAverage / rate, drainSeconds },
    projections,
    perEvent: { identify, track, per1000: per1000(identify + track), tiers: perEvent },
  };
}

function render(r: ReturnType<typeof analyse>): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines: string[] = [];
  lines.push(`status ${r.status}; ${formatInt(r.events)} events in ${(r.wallMs / 1000).toFixed(1)} s; counts ${JSON.stringify(r.counts)}; compaction ${JSON.stringify(r.compaction ?? 'none (streamed)')}`);
  lines.push(`operations ${JSON.stringify(r.operations)}; in the stand-in: ${JSON.stringify(r.stored)} (digest ${r.stateDigest}); CLI peak RSS ${(((r.cliMaxRssKB ?? NaN) * 1024) / 1e6).toFixed(0)} MB (highest in each quarter of the run: ${r.cliRssQuartersKB.map((kb) => ((kb * 1024) / 1e6).toFixed(0)).join(' / ')} MB)`);
  lines.push('', '| endpoint | ten-secondly limit | requests | per 1,000 events |', '|---|---|---:|---:|');
  for (const e of r.byEndpoint) lines.push(`| ${e.endpoint} | ${e.policy === 'standard' ? 'counted' : `exempt (${e.policy})`} | ${formatInt(e.count)} | ${e.per1000.toFixed(2)} |`);
  lines.push(`| **ten-secondly-counted** | | **${formatInt(r.tenSecondly.total)}** | **${r.tenSecondly.per1000.toFixed(2)}** |`);
  lines.push(`| daily-counted (all but event sends) | | ${formatInt(r.dailyCounted.total)} | ${r.dailyCounted.per1000.toFixed(2)} |`);
  lines.push(`| all requests | | ${formatInt(r.allRequests.total)} | ${r.allRequests.per1000.toFixed(2)} |`);
  lines.push(
    '',
    `429s: ${r.rateLimited.emulator} at the stand-in (${JSON.stringify(r.rateLimited.byPolicy)}), ${r.rateLimited.cli} seen by the CLI`,
    `achieved ten-secondly rate: max ${r.achieved.maxInTenSeconds} in any rolling 10 s (limit ${r.rate}); ` +
      `average ${r.achieved.averagePerTen.toFixed(1)} per 10 s over ${(r.achieved.spanMs / 1000).toFixed(0)} s = ${pct(r.achieved.utilisation)} of the limit; ` +
      `main phase (10-s windows 2–${r.achieved.mainWindows + 1}) ${r.achieved.mainAverage.toFixed(1)} = ${pct(r.achieved.mainUtilisation)}; ` +
      `then ~${r.achieved.drainSeconds} s of drain below half the limit`,
    `10-second windows: ${r.achieved.windows.join(' ')}`,
    '',
    '| 10M events | ten-secondly-counted requests | time at the measured rate | daily-counted requests | days of daily budget (90%) |',
    '|---|---:|---:|---:|---:|',
  );
  for (const p of r.projections) {
    lines.push(`| hubspot-sync, ${p.tier} | ${formatInt(p.tenSecondlyRequests)} | ${p.byRateHours.toFixed(1)} h | ${formatInt(p.dailyCountedRequests)} | ${p.dailyBudgetDays.toFixed(2)} |`);
  }
  for (const p of r.perEvent.tiers) {
    lines.push(`| one request per identify and track, ${p.tier} | ${formatInt(p.requests)} | ${p.byRateHours.toFixed(1)} h | ${formatInt(p.requests)} | ${p.dailyBudgetDays.toFixed(1)} |`);
  }
  lines.push(
    '',
    `per-event sending: ${formatInt(r.perEvent.identify)} identify + ${formatInt(r.perEvent.track)} track = ${r.perEvent.per1000.toFixed(0)} requests per 1,000 events ` +
      `(identifies alone, if tracks went to the exempt events API: ${r.perEvent.tiers.map((t) => `${t.tier} ${t.identifyOnlyByRateHours.toFixed(1)} h / ${t.identifyOnlyDays.toFixed(1)} days`).join(', ')})`,
  );
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`api: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
