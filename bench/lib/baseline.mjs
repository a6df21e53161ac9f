// @ts-check
// The throughput baseline: the least any reader of an export must do. Reads a file line
// by line with readline and JSON.parses each line (NDJSON, or gzipped NDJSON through
// zlib); for CSV, parses the rows with csv-parse. Plain JavaScript run by plain `node`
// (no tsx loader), so that it pays only what the CLI itself would pay.
//
// Usage: node bench/lib/baseline.mjs FILE ndjson|gzip|csv
// Prints one JSON line: {"lines":…,"parsed":…,"failed":…,"ms":…}
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

const [file, format = 'ndjson'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bench/lib/baseline.mjs FILE ndjson|gzip|csv\n');
  process.exit(2);
}

const started = performance.now();
let lines = 0;
let parsed = 0;
let failed = 0;

if (format === 'csv') {
  // relax_column_count: the corpus has a few short rows on purpose (INVALID_CSV).
  const rows = createReadStream(file).pipe(parse({ relax_column_count: true }));
  for await (const row of rows) {
    lines++;
    if (Array.isArray(row)) parsed++;
  }
} else {
  const raw = createReadStream(file, { highWaterMark: 256 * 1024 });
  const input = format === 'gzip' ? raw.pipe(createGunzip()) : raw;
  const reader = createInterface({ input, crlfDelay: Infinity });
  for await (const line of reader) {
    lines++;
    try {
      JSON.parse(line);
      parsed++;
    } catch {
      failed++;
    }
  }
}

process.stdout.write(JSON.stringify({ lines, parsed, failed, ms: performance.now() - started }) + '\n');
