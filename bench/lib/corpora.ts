// The benchmarks' standard corpora in bench/out, generated on first use and reused after
// (a FILE.stats.json beside each says how it was made).
import { join } from 'node:path';
import { BENCH_OUT } from './run.js';
import type { CorpusShape } from './corpus.js';
import { ensureCorpus, type CorpusFormat, type WrittenCorpus } from './writeCorpus.js';

export const DEFAULT_SEED = 1;

const EXTENSIONS: Record<CorpusFormat, string> = { ndjson: 'ndjson', gzip: 'ndjson.gz', csv: 'csv' };

/** "100k" → 100000, "1m" → 1000000, "250000" → 250000. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim().replace(/_/g, ''));
  if (!m) throw new Error(`not a count: ${JSON.stringify(text)} (use e.g. 100k, 1m, 50000)`);
  const factor = { '': 1, k: 1e3, m: 1e6 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * factor);
}

export function countLabel(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

export function corpusPath(events: number, format: CorpusFormat, seed = DEFAULT_SEED, shape: CorpusShape = 'standard'): string {
  const shapePart = shape === 'standard' ? '' : `-${shape}`;
  return join(BENCH_OUT, `events-${countLabel(events)}${shapePart}${seed === DEFAULT_SEED ? '' : `-seed${seed}`}.${EXTENSIONS[format]}`);
}

/** The standard corpus of `events` records in `format`, generated if missing. */
export async function standardCorpus(events: number, format: CorpusFormat, seed = DEFAULT_SEED, shape: CorpusShape = 'standard'): Promise<WrittenCorpus> {
  const path = corpusPath(events, format, seed, shape);
  const started = Date.now();
  const corpus = await ensureCorpus(path, format, events, seed, shape);
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 1) process.stderr.write(`generated ${path} (${(corpus.fileBytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(0)} s\n`);
  return corpus;
}
