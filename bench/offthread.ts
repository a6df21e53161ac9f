// `npx tsx bench/offthread.ts [--events 100k] [--shape trait-heavy] [--reps 5]`
//
// Would parsing on a second core pay? A worker thread can read and JSON.parse lines, but
// the parsed calls must then reach the main thread, which maps them in input order. They
// can only travel as text (the main thread parses them again: nothing gained) or
// structured-cloned (the main thread deserialises them). This measures, on the same
// lines, what the main thread pays per line either way:
//
//   parse      JSON.parse of each line on the main thread (what the CLI does today)
//   clone      structuredClone of each parsed call (the receiving side's deserialise)
//   worker     a real worker parsing and posting batches of 1,000 calls: the main
//              thread's busy time while it receives them (event-loop utilisation)
//
// If `clone` or `worker` is not well below `parse`, moving the parse off the main thread
// cannot make the dry run faster on any number of cores.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { countLabel, DEFAULT_SEED, parseCount, standardCorpus } from './lib/corpora.js';
import { CORPUS_SHAPES, type CorpusShape } from './lib/corpus.js';
import { loadString, machineInfo, median } from './lib/run.js';

const BATCH = 1_000;

// The worker's code, kept inline so that it runs as plain JavaScript (no loader).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const lines = workerData.text.split('\\n').filter((l) => l !== '');
for (let i = 0; i < lines.length; i += ${BATCH}) {
  const batch = [];
  for (const line of lines.slice(i, i + ${BATCH})) { try { batch.push(JSON.parse(line)); } catch {} }
  parentPort.postMessage(batch);
}
parentPort.postMessage(null);
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100k' },
      shape: { type: 'string', default: 'standard' },
      reps: { type: 'string', default: '5' },
    },
    strict: true,
  });
  const shape = values.shape as CorpusShape;
  if (!CORPUS_SHAPES.includes(shape)) throw new Error(`--shape: expected one of ${CORPUS_SHAPES.join(', ')}`);
  const corpus = await standardCorpus(parseCount(values.events), 'ndjson', DEFAULT_SEED, shape);
  const text = readFileSync(corpus.path, 'utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  const machine = machineInfo();
  process.stdout.write(`${countLabel(corpus.stats.events)} ${shape} (${lines.length} lines), ${machine.nproc} cores, load ${machine.loadavg}\n`);

  const parse: number[] = [];
  const clone: number[] = [];
  const worker: number[] = [];
  for (let rep = 0; rep < Number(values.reps); rep++) {
    let t = performance.now();
    const parsed: unknown[] = [];
    for (const line of lines) {
      try {
        parsed.push(JSON.parse(line));
      } catch {
        // the corpus holds a few invalid lines on purpose
      }
    }
    parse.push(performance.now() - t);

    t = performance.now();
    for (const call of parsed) structuredClone(call);
    clone.push(performance.now() - t);

    worker.push(await mainThreadBusyReceiving(text));
  }
  const row = (name: string, ms: number[]) =>
    `| ${name} | ${median(ms).toFixed(0)} ms | ${((median(ms) * 1000) / lines.length).toFixed(2)} µs | ${((100 * median(ms)) / median(parse)).toFixed(0)} % |`;
  process.stdout.write(
    ['| main thread pays for | median | per line | of parse |', '|---|---:|---:|---:|', row('parse', parse), row('clone', clone), row('worker (receiving)', worker)].join('\n') +
      `\n(load at the end: ${loadString()})\n`,
  );
}

/** The main thread's busy time (event-loop utilisation × wall) while a worker parses and posts. */
function mainThreadBusyReceiving(text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const before = performance.eventLoopUtilization();
    const worker = new Worker(WORKER, { eval: true, workerData: { text } });
    let received = 0;
    worker.on('message', (batch: unknown[] | null) => {
      if (batch !== null) {
        received += batch.length;
        return;
      }
      const used = performance.eventLoopUtilization(before);
      void worker.terminate();
      if (received === 0) reject(new Error('the worker sent nothing'));
      else resolve(used.active);
    });
    worker.on('error', reject);
  });
}

await main();
