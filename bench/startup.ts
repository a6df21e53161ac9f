// `npx tsx bench/startup.ts [--runs R]`: what one command costs before it does anything, the
// CLI as one bundled module (bin/hubspot-sync.js → dist/cli/hubspot-sync.js, packages
// included) against the same build loaded file by file (dist/cli/main.js). Every
// end-to-end test starts the CLI, some hundreds of times in all, so start-up is a large
// share of the suite's time. The two builds are alternated in one session; medians of R
// runs, wall and CPU time. The live run sends one record into the stand-in.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index.js';
import { BENCH_OUT, REPO, loadString, median, runNode } from './lib/run.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } }, strict: true });
const runs = Number(values.runs);
mkdirSync(BENCH_OUT, { recursive: true });
const input = join(BENCH_OUT, 'startup.ndjson');
writeFileSync(input, `${JSON.stringify({ type: 'identify', messageId: 'm-1', userId: 'u-1', traits: { email: 'ada@example.com' } })}\n`);
const stateDir = join(BENCH_OUT, 'startup-state');
const emulator = await startEmulator({ rateLimit: { perTenSeconds: 1e9, daily: 1e9 } });

const builds = { 'file by file': join(REPO, 'dist/cli/main.js'), bundled: join(REPO, 'dist/cli/hubspot-sync.js') };
const commands = {
  '--version': ['--version'],
  'a one-record dry run': ['replay', input, '--dry-run', '--hub-id', '1', '--quiet'],
  'a one-record live run': ['replay', input, '--token', emulator.token, '--base-url', emulator.url, '--state-dir', stateDir, '--quiet'],
};

console.log(`| command | build | wall (median) | CPU (median) | load |`);
console.log(`|---|---|---|---|---|`);
for (const [name, args] of Object.entries(commands)) {
  const samples = Object.fromEntries(Object.keys(builds).map((build) => [build, { wall: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < runs; i++) {
    for (const [build, script] of Object.entries(builds)) {
      rmSync(stateDir, { recursive: true, force: true }); // each live run sends its record
      const run = await runNode(script, args);
      if (run.exitCode !== 0) throw new Error(`${script} ${args.join(' ')} exited ${run.exitCode}: ${run.stderr.slice(-300)}`);
      samples[build]!.wall.push(run.wallMs);
      samples[build]!.cpu.push(run.cpuMs ?? NaN);
    }
  }
  for (const build of Object.keys(builds)) {
    console.log(`| ${name} | ${build} | ${median(samples[build]!.wall).toFixed(0)} ms | ${median(samples[build]!.cpu).toFixed(0)} ms | ${loadString()} |`);
  }
}
await emulator.close();
