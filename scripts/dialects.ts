// The same records as each warehouse unloads them and as spreadsheets save them, and the
// check that each reads exactly as the canonical file does (or is refused with its fix).
//
//   npx tsx scripts/dialects.ts generate          writes fixtures/dialects/ (deterministic)
//   npx tsx scripts/dialects.ts compare [--cli F]  dry-runs every variant with the built CLI
//                                                  (default bin/hubspot-sync.js) and compares
//
// `compare --cli other/bin/hubspot-sync.js --old` runs an earlier build the same way, leaving
// out the flags it did not know yet (--delimiter, --encoding), to measure "before".
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'fixtures', 'dialects');
const IDENTIFIES = 40;
const TRACKS = 60;

const FIRST = ['Ada', 'Bruno', 'Chloé', 'Dmitri', 'Eva', 'François', 'Günter', 'Hana'];
const LAST = ['Müller', 'Nuñez', 'Lovelace', 'Østergaard', 'Smith', 'Çelik', 'Dubois', 'Ito'];
const COLORS = ['red', 'blue', 'green', 'teal'];
const EVENTS = ['Signed Up', 'Order Completed', 'Report Viewed'];

/** A time of record `i`: 2026-03-02 02:16:51.272 UTC plus i hours and minutes. */
function instant(i: number): Date {
  return new Date(Date.UTC(2026, 2, 2, 2, 16, 51, 272) + i * 3_723_000);
}

type Cell = string | number | boolean | Date | null;
interface Table {
  columns: string[];
  rows: Cell[][];
}

function identifies(): Table {
  const columns = ['id', 'user_id', 'anonymous_id', 'received_at', 'timestamp', 'email', 'first_name', 'last_name', 'favorite_color', 'seats', 'is_paying', 'trial_end', 'last_login'];
  const rows = Array.from({ length: IDENTIFIES }, (_, i): Cell[] => [
    `idf-${i}`,
    `u-${i}`,
    i % 5 === 0 ? `anon-${i}` : null,
    instant(i + 1),
    instant(i),
    `user${i}@example.com`,
    FIRST[i % FIRST.length] as string,
    LAST[i % LAST.length] as string,
    i % 4 === 3 ? null : (COLORS[i % COLORS.length] as string),
    i % 3 === 0 ? null : i * 2,
    i % 2 === 0,
    i % 6 === 0 ? null : new Date(Date.UTC(2026, 5, 1 + (i % 28))),
    instant(i + 100),
  ]);
  return { columns, rows };
}

function tracks(): Table {
  const columns = ['id', 'user_id', 'event', 'event_text', 'timestamp', 'original_timestamp', 'context_traits_email', 'revenue', 'currency', 'coupon_used'];
  const rows = Array.from({ length: TRACKS }, (_, i): Cell[] => {
    const text = EVENTS[i % EVENTS.length] as string;
    return [
      `trk-${i}`,
      `u-${i % IDENTIFIES}`,
      text.toLowerCase().replaceAll(' ', '_'),
      text,
      instant(i * 7),
      instant(i * 7 - 1),
      `user${i % IDENTIFIES}@example.com`,
      i % 4 === 0 ? null : (i * 3.25).toFixed(2),
      i % 4 === 0 ? null : 'EUR',
      i % 3 === 0,
    ];
  });
  return { columns, rows };
}

/** How one tool writes a table. */
interface Writer {
  upper?: boolean;
  delimiter?: string;
  lineEnd?: string;
  nullAs?: string;
  time: (date: Date) => string;
  date?: (date: Date) => string;
  bool?: (value: boolean) => string;
  quoteAll?: boolean;
  pad?: boolean;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const ymd = (d: Date): string => d.toISOString().slice(0, 10);
const hms = (d: Date): string => `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
const ms3 = (d: Date): string => String(d.getUTCMilliseconds()).padStart(3, '0');

const CANONICAL: Writer = { time: (d) => d.toISOString(), bool: (v) => String(v) };
const WAREHOUSES: Record<string, Writer> = {
  // Snowflake COPY INTO @stage: upper-case names, TIMESTAMP_TZ with a numeric offset, NULL as \N.
  snowflake: { upper: true, nullAs: '\\N', time: (d) => `${ymd(d)} ${hms(d)}.${ms3(d)} +0000`, bool: (v) => (v ? 'true' : 'false') },
  // BigQuery EXPORT DATA (CSV): microseconds and " UTC".
  bigquery: { time: (d) => `${ymd(d)} ${hms(d)}.${ms3(d)}000 UTC`, bool: (v) => (v ? 'true' : 'false') },
  // Postgres COPY ... CSV HEADER: "+00" offsets, booleans t/f.
  postgres: { time: (d) => `${ymd(d)} ${hms(d)}.${ms3(d)}+00`, bool: (v) => (v ? 't' : 'f') },
  // Redshift UNLOAD ... HEADER: pipe-delimited, TIMESTAMP without a zone (UTC), t/f.
  redshift: { delimiter: '|', time: (d) => `${ymd(d)} ${hms(d)}.${ms3(d)}`, bool: (v) => (v ? 't' : 'f') },
};

function cellText(cell: Cell, writer: Writer): string {
  if (cell === null) return writer.nullAs ?? '';
  if (cell instanceof Date) return cell.getUTCHours() === 0 && cell.getUTCMinutes() === 0 && cell.getUTCSeconds() === 0 && cell.getUTCMilliseconds() === 0 ? (writer.date ?? ymd)(cell) : writer.time(cell);
  if (typeof cell === 'boolean') return (writer.bool ?? String)(cell);
  return String(cell);
}

function render(table: Table, writer: Writer): string {
  const delimiter = writer.delimiter ?? ',';
  const quote = (text: string): string => (writer.quoteAll || text.includes(delimiter) || text.includes('"') ? `"${text.replaceAll('"', '""')}"` : text);
  const line = (cells: string[]): string => cells.map((cell) => (writer.pad ? `${quote(cell)}  ` : quote(cell))).join(delimiter);
  const header = table.columns.map((name) => (writer.upper ? name.toUpperCase() : name));
  return [line(header), ...table.rows.map((row) => line(row.map((cell) => cellText(cell, writer))))].map((l) => l + (writer.lineEnd ?? '\n')).join('');
}

interface Variant {
  file: string;
  canonical: 'identifies.csv' | 'tracks.csv';
  /** Flags a user passes for it (besides --type). */
  flags?: string[];
  /** Refused as a whole: the start of the message expected. */
  refusal?: string;
}

export const VARIANTS: Variant[] = [
  ...Object.keys(WAREHOUSES).flatMap((name): Variant[] => [
    { file: `${name}-identifies.csv`, canonical: 'identifies.csv' },
    { file: `${name}-tracks.csv`, canonical: 'tracks.csv' },
  ]),
  { file: 'excel-cr.csv', canonical: 'identifies.csv' },
  { file: 'excel-semicolon.csv', canonical: 'identifies.csv' },
  { file: 'excel-tab.tsv', canonical: 'identifies.csv' },
  { file: 'excel-unicode.txt', canonical: 'identifies.csv' },
  { file: 'excel-windows-1252.csv', canonical: 'identifies.csv', flags: ['--encoding', 'windows-1252'] },
  { file: 'padded.csv', canonical: 'identifies.csv' },
  { file: 'join-second-email.csv', canonical: 'identifies.csv', refusal: 'its header names the column "email" twice' },
  { file: 'join-second-id.csv', canonical: 'identifies.csv', refusal: 'its header names the column "id" twice' },
  { file: 'no-id-column.csv', canonical: 'identifies.csv', refusal: 'this warehouse table has no user_id' },
  { file: 'pretty.json', canonical: 'identifies.csv', refusal: 'it is pretty-printed JSON' },
  { file: 'array.json', canonical: 'identifies.csv', refusal: 'it is a JSON array' },
  { file: 'identifies.csv.zst', canonical: 'identifies.csv', refusal: 'it is zstd-compressed' },
  { file: 'identifies.csv.bz2', canonical: 'identifies.csv', refusal: 'it is bzip2-compressed' },
  { file: 'identifies.csv.xz', canonical: 'identifies.csv', refusal: 'it is xz-compressed' },
  { file: 'identifies.csv.zip', canonical: 'identifies.csv', refusal: 'it is zip-compressed' },
];

function generate(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const write = (name: string, content: string | Buffer): void => writeFileSync(join(DIR, name), content);
  const ids = identifies();
  const trk = tracks();
  write('identifies.csv', render(ids, CANONICAL));
  write('tracks.csv', render(trk, CANONICAL));
  for (const [name, writer] of Object.entries(WAREHOUSES)) {
    write(`${name}-identifies.csv`, render(ids, writer));
    write(`${name}-tracks.csv`, render(trk, writer));
  }
  write('excel-cr.csv', render(ids, { ...CANONICAL, lineEnd: '\r' }));
  write('excel-semicolon.csv', render(ids, { ...CANONICAL, delimiter: ';', lineEnd: '\r\n' }));
  write('excel-tab.tsv', render(ids, { ...CANONICAL, delimiter: '\t', lineEnd: '\r\n' }));
  write('excel-unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(render(ids, { ...CANONICAL, delimiter: '\t', lineEnd: '\r\n' }), 'utf16le')]));
  write('excel-windows-1252.csv', Buffer.from(render(ids, { ...CANONICAL, lineEnd: '\r\n' }), 'latin1'));
  write('padded.csv', render(ids, { ...CANONICAL, pad: true }));
  const withColumn = (name: string, value: (i: number) => string): Table => ({ columns: [...ids.columns, name], rows: ids.rows.map((row, i) => [...row, value(i)]) });
  write('join-second-email.csv', render(withColumn('email', (i) => `other${i}@example.org`), CANONICAL));
  write('join-second-id.csv', render(withColumn('id', (i) => `join-${i % 3}`), CANONICAL));
  const noId = { columns: ids.columns.filter((c) => c !== 'user_id' && c !== 'anonymous_id' && c !== 'email'), rows: ids.rows.map((row) => row.filter((_, i) => ![1, 2, 5].includes(i))) };
  write('no-id-column.csv', render(noId, { ...CANONICAL, upper: true }));
  const calls = ids.rows.map((row) => ({ type: 'identify', messageId: row[0], userId: row[1], timestamp: cellText(row[4] as Cell, CANONICAL), traits: { email: row[5], first_name: row[6], last_name: row[7] } }));
  write('pretty.json', calls.map((call) => JSON.stringify(call, null, 2)).join('\n') + '\n');
  write('array.json', JSON.stringify(calls, null, 2) + '\n');
  const canonical = join(DIR, 'identifies.csv');
  const tool = (command: string, args: string[]): void => void execFileSync(command, args, { stdio: 'ignore' });
  tool('zstd', ['-q', '-f', canonical, '-o', join(DIR, 'identifies.csv.zst')]);
  writeFileSync(join(DIR, 'identifies.csv.bz2'), execFileSync('bzip2', ['-c', canonical]));
  writeFileSync(join(DIR, 'identifies.csv.xz'), execFileSync('xz', ['-c', canonical]));
  // zip records the file's time: a fixed one (in UTC) keeps the archive the same byte for byte.
  const fixed = new Date(Date.UTC(2026, 2, 2));
  utimesSync(canonical, fixed, fixed);
  execFileSync('zip', ['-q', '-j', '-X', join(DIR, 'identifies.csv.zip'), canonical], { stdio: 'ignore', env: { ...process.env, TZ: 'UTC' } });
  console.log(`wrote ${VARIANTS.length + 2} files to ${DIR}`);
}

interface DryRun {
  exit: number;
  operations: string[];
  stderr: string;
}

function dryRun(cli: string, file: string, type: string, flags: string[]): DryRun {
  const out = join(mkdtempSync(join(tmpdir(), 'dialects-')), 'ops.ndjson');
  const args = [cli, 'replay', '--dry-run', '--hub-id', '7', '--catalog', join(ROOT, 'fixtures', 'catalog.json'), '--type', type, '--out', out, '--quiet', ...flags, join(DIR, file)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, HUBSPOT_ACCESS_TOKEN: '' } });
  let operations: string[] = [];
  try {
    // Where an operation came from names the file; what it does is the rest.
    operations = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const { source: _, ...operation } = JSON.parse(line) as Record<string, unknown>;
        return JSON.stringify(operation);
      });
  } catch {
    // no file: refused before writing
  }
  rmSync(dirname(out), { recursive: true, force: true });
  return { exit: run.status ?? -1, operations, stderr: run.stderr };
}

/** The canonical operations the variant does not give exactly, and the variant's others (as multisets). */
function differing(a: string[], b: string[]): { missing: number; extra: number } {
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  let extra = 0;
  for (const line of b) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else extra++;
  }
  let missing = 0;
  for (const n of counts.values()) missing += n;
  return { missing, extra };
}

function compare(cli: string, old: boolean): void {
  const known = (flags: string[]): string[] => (old ? [] : flags);
  const canonical = {
    'identifies.csv': dryRun(cli, 'identifies.csv', 'identify', []),
    'tracks.csv': dryRun(cli, 'tracks.csv', 'track', []),
  };
  console.log(`canonical: identifies.csv ${canonical['identifies.csv'].operations.length} operations, tracks.csv ${canonical['tracks.csv'].operations.length} operations`);
  console.log('| file | flags | exit | operations | canonical ones missing / others | dead letters / refusal |');
  console.log('|---|---|---|---|---|---|');
  let failures = 0;
  for (const variant of VARIANTS) {
    const type = variant.canonical === 'tracks.csv' ? 'track' : 'identify';
    const flags = known(variant.flags ?? []);
    const run = dryRun(cli, variant.file, type, flags);
    const expected = canonical[variant.canonical].operations;
    const diff = differing(expected, run.operations);
    const deadLetters = /dead letters\s+(\d+[^\n]*)/.exec(run.stderr)?.[1] ?? '';
    const refusal = run.exit === 2 ? (/hubspot-sync: (.*)/.exec(run.stderr)?.[1] ?? run.stderr.trim()) : '';
    const same = diff.missing === 0 && diff.extra === 0;
    const ok = variant.refusal === undefined ? run.exit === 0 && same : run.exit === 2 && refusal.includes(variant.refusal);
    if (!ok) failures++;
    console.log(`| ${variant.file} | ${flags.join(' ')} | ${run.exit} | ${run.operations.length} | ${diff.missing} / ${diff.extra} | ${refusal ? refusal.replaceAll(DIR + '/', '').replaceAll('|', '\\|') : deadLetters} |`);
  }
  console.log(`\n${VARIANTS.length - failures} of ${VARIANTS.length} variants read as the canonical file or are refused with their fix`);
  if (failures > 0 && !old) process.exitCode = 1;
}

function main([command, ...rest]: string[]): void {
  if (command === 'generate') generate();
  else if (command === 'compare') {
    const at = rest.indexOf('--cli');
    compare(at === -1 ? join(ROOT, 'bin', 'hubspot-sync.js') : (rest[at + 1] as string), rest.includes('--old'));
  } else {
    console.error('usage: tsx scripts/dialects.ts generate | compare [--cli path/to/hubspot-sync.js] [--old]');
    process.exitCode = 2;
  }
}

// Imported (the end-to-end test reads VARIANTS), it does nothing.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
