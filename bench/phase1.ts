// `npx tsx bench/phase1.ts [--events N] [--live-events N] [--runs R]`: what phase 1 (the
// first reading that makes retroactive identities possible) costs. For both corpus shapes
// (bench/lib/corpus.ts, `generate.ts --shape`): a dry run and a live run (against the
// stand-in, rate limits lifted so that HubSpot's pace does not hide the CPU), each with
// retroactive identities (two readings) and with `--no-retroactive-identities` (one).
// CPU time (user + system) of the CLI process, the median of R runs: the machine is
// shared, and CPU time is far less sensitive to its load than wall time.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index.js';
import { CORPUS_SHAPES } from './lib/corpus.js';
import { BENCH_OUT, DEFAULT_CLI, loadString, median, runNode } from './lib/run.js';
import { ensureCorpus } from './lib/writeCorpus.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, 'live-events': { type: 'string', default: '20000' }, runs: { type: 'string', default: '3' } }, strict: true });
const events = Number(values.events);
const liveEvents = Number(values['live-events']);
const runs = Number(values.runs);
mkdirSync(BENCH_OUT, { recursive: true });

async function cpu(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ cpuMs: number; load: string }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runNode(DEFAULT_CLI, args, { env });
    if (run.exitCode !== 0) throw new Error(`hubspot-sync ${args.join(' ')} exited ${run.exitCode}: ${run.stderr.slice(-500)}`);
    samples.push(run.cpuMs ?? NaN);
  }
  return { cpuMs: median(samples), load: loadString() };
}

const rows: string[] = [];
for (const shape of CORPUS_SHAPES) {
  const dryInput = join(BENCH_OUT, `phase1-${shape}-${events}.ndjson`);
  await ensureCorpus(dryInput, 'ndjson', events, 1, shape);
  const dry = ['replay', dryInput, '--dry-run', '--hub-id', '123', '--out', '/dev/null', '--quiet', '--state-dir', join(BENCH_OUT, 'phase1-dry-state')];
  const twice = await cpu(dry);
  const once = await cpu([...dry, '--no-retroactive-identities']);
  rows.push(`| ${shape} | dry run | ${events.toLocaleString('en-US')} | ${(once.cpuMs / 1000).toFixed(2)} s | ${(twice.cpuMs / 1000).toFixed(2)} s | +${Math.round((twice.cpuMs / once.cpuMs - 1) * 100)}% | ${twice.load} |`);

  const liveInput = join(BENCH_OUT, `phase1-${shape}-${liveEvents}.ndjson`);
  await ensureCorpus(liveInput, 'ndjson', liveEvents, 1, shape);
  const liveCpu = async (extra: string[]) => {
    const samples: number[] = [];
    let load = '';
    for (let i = 0; i < runs; i++) {
      const emulator = await startEmulator({ rateLimit: { perTenSeconds: 1_000_000, daily: 100_000_000, searchPerSecond: 1_000 } });
      const state = join(BENCH_OUT, `phase1-live-state-${Date.now()}`);
      try {
        const run = await runNode(DEFAULT_CLI, ['replay', liveInput, '--state-dir', state, '--rate', '100000', '--quiet', ...extra], {
          env: { HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url },
        });
        if (run.exitCode !== 0 && run.exitCode !== 4) throw new Error(`live run exited ${run.exitCode}: ${run.stderr.slice(-500)}`);
        samples.push(run.cpuMs ?? NaN);
        load = loadString();
      } finally {
        await emulator.close();
      }
    }
    return { cpuMs: median(samples), load };
  };
  const liveTwice = await liveCpu([]);
  const liveOnce = await liveCpu(['--no-retroactive-identities']);
  rows.push(`| ${shape} | live | ${liveEvents.toLocaleString('en-US')} | ${(liveOnce.cpuMs / 1000).toFixed(2)} s | ${(liveTwice.cpuMs / 1000).toFixed(2)} s | +${Math.round((liveTwice.cpuMs / liveOnce.cpuMs - 1) * 100)}% | ${liveTwice.load} |`);
}

process.stdout.write(`| shape | run | events | CPU, one reading | CPU, two readings | phase 1 adds | load (1/5/15 min) |\n|---|---|---:|---:|---:|---:|---|\n${rows.join('\n')}\n`);
