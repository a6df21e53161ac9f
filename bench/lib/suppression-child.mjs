// @ts-check
// One measurement of `bench/suppression.ts`, in a process of its own (node --expose-gc):
// loads a suppression list the way the CLI does (the built dist/), or into two plain
// Sets of strings for comparison, and prints what it cost as one JSON line.
//   node --expose-gc bench/lib/suppression-child.mjs compact|set FILE PROBES_FILE
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [mode, file, probesFile] = process.argv.slice(2);
if (!mode || !file || !probesFile) throw new Error('usage: compact|set FILE PROBES_FILE');
const gc = /** @type {() => void} */ (globalThis.gc);
const rss = () => process.memoryUsage().rss;
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
};

const { readSuppressionFile } = await import(new URL('../../dist/sync/suppressionList.js', import.meta.url).href);
// Probes are read before the baseline: they are not the list's memory.
const probes = readFileSync(probesFile, 'utf8').split('\n').filter((line) => line !== '');
settle();
const before = rss();
const peakBefore = process.resourceUsage().maxRSS * 1024;
const started = process.hrtime.bigint();

/** @type {{ hasEmail(e: string): boolean, hasId(i: string): boolean, sizes: [number, number] }} */
let list;
if (mode === 'compact') {
  const loaded = await readSuppressionFile(file);
  list = { hasEmail: (e) => loaded.emails.has(e), hasId: (i) => loaded.ids.has(i), sizes: [loaded.emails.size, loaded.ids.size] };
} else {
  // The obvious implementation: read lines, keep two Sets of strings.
  const emails = new Set();
  const ids = new Set();
  for await (const raw of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (text.includes('@')) emails.add(text.toLowerCase());
    else ids.add(text);
  }
  list = { hasEmail: (e) => emails.has(e), hasId: (i) => ids.has(i), sizes: [emails.size, ids.size] };
}
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
const peakDuringLoad = process.resourceUsage().maxRSS * 1024;
settle();
const after = rss();

// Lookups as the pipeline makes them: an email or an id per probe, half of them listed.
let hits = 0;
const lookupStart = process.hrtime.bigint();
for (const probe of probes) if (probe.includes('@') ? list.hasEmail(probe) : list.hasId(probe)) hits++;
const lookupNs = Number(process.hrtime.bigint() - lookupStart) / probes.length;

process.stdout.write(JSON.stringify({
  mode, emails: list.sizes[0], ids: list.sizes[1], loadMs, addedRssMB: (after - before) / 1e6,
  peakAddedRssMB: (Math.max(peakDuringLoad, before) - before) / 1e6, peakBeforeMB: peakBefore / 1e6,
  probes: probes.length, hits, lookupNs,
}) + '\n');
