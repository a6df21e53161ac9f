// `npx tsx bench/generate.ts --events N --format ndjson|gzip|csv --out FILE [--seed S]`
// (or `--size 1GB` instead of --events): writes a deterministic, realistic Segment export.
// See bench/lib/corpus.ts for what is in it; a FILE.stats.json beside it counts it.
import { parseArgs } from 'node:util';
import { CORPUS_SHAPES, type CorpusShape } from './lib/corpus.js';
import { CORPUS_FORMATS, eventsForBytes, writeCorpus, type CorpusFormat } from './lib/writeCorpus.js';

const USAGE = `Usage: npx tsx bench/generate.ts --out FILE (--events N | --size SIZE) [--format ndjson|gzip|csv] [--shape standard|trait-heavy] [--seed S]

  --events N     records to write (calls; each element of a {"batch":[…]} line counts)
  --size SIZE    about this many (uncompressed) bytes instead: 500MB, 1GB, 1.5GiB…
  --format F     ndjson (default), gzip (gzipped NDJSON) or csv (dotted headers, a type column)
  --shape S      standard (default) or trait-heavy: ~400 distinct custom traits, a deep
                 context on client calls, 15–30 properties per track
  --seed S       PRNG seed (default 1): the same seed and size give the same bytes
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?$/i.exec(text.trim());
  if (!m) fail(`--size: expected e.g. 500MB or 1GB, got ${JSON.stringify(text)}`);
  const units: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
  return Math.round(Number(m[1]) * (units[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

function positiveInt(name: string, text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) fail(`--${name}: expected a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        events: { type: 'string' },
        size: { type: 'string' },
        format: { type: 'string', default: 'ndjson' },
        shape: { type: 'string', default: 'standard' },
        out: { type: 'string' },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const format = values.format as CorpusFormat;
  if (!CORPUS_FORMATS.includes(format)) fail(`--format: expected one of ${CORPUS_FORMATS.join(', ')}`);
  const shape = values.shape as CorpusShape;
  if (!CORPUS_SHAPES.includes(shape)) fail(`--shape: expected one of ${CORPUS_SHAPES.join(', ')}`);
  if (values.out === undefined) fail('--out is required');
  if ((values.events === undefined) === (values.size === undefined)) fail('give exactly one of --events and --size');
  const seed = positiveInt('seed', values.seed);
  const events = values.events !== undefined ? positiveInt('events', values.events) : eventsForBytes(parseSize(values.size as string), format, seed, shape);

  const started = Date.now();
  const { stats, fileBytes } = await writeCorpus(values.out, format, events, seed, { shape });
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `wrote ${values.out}: ${stats.events.toLocaleString('en-US')} events in ${stats.lines.toLocaleString('en-US')} lines, ` +
      `${(fileBytes / 1e6).toFixed(1)} MB on disk (${(stats.bytes / 1e6).toFixed(1)} MB uncompressed), ${seconds.toFixed(1)} s\n` +
      `  by type: ${JSON.stringify(stats.byType)}\n` +
      `  duplicates ${stats.duplicates}, bad ${JSON.stringify(stats.bad)}, batch lines ${stats.batchLines} (${stats.batchedCalls} calls), ` +
      `users ${stats.usersIntroduced}/${stats.users} (${stats.anonymousOnlyUsers} anonymous only), companies ${stats.companies}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`generate: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
