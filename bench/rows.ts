// `npx tsx bench/rows.ts [--rows 100000] [--reps 5]`
//
// How rows should travel into SQLite (src/state/batchUpsert.ts): one bound parameter per
// value, 64 rows a statement ('parameters'), or one JSON array a statement unpacked by
// jsonb_each ('json'). Two shapes, each written whole in one transaction to a file in
// the temporary directory, the two ways alternated in one process:
//
//   short keyed   a messageId, a generation and a sequence number, upserted into a
//                 WITHOUT ROWID table (the delivered ids, the duplicate window)
//   long text     a folded part: kind, key, record, n and the operation's JSON (~250
//                 bytes), appended to a rowid table (the fold)
//
// Printed: each way's times (ms) and their medians, and the machine's load.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { BatchUpsert, type Cell, type RowPassing } from '../src/state/batchUpsert.js';
import { loadString, machineInfo, median } from './lib/run.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, reps: { type: 'string', default: '5' } } });
const rows = Number(values.rows);
const reps = Number(values.reps);

interface Shape {
  schema: string;
  table: string;
  columns: string[];
  onConflict: string;
  row: (i: number) => Cell[];
}

const ids = Array.from({ length: rows }, () => randomUUID());
const SHAPES: Record<string, Shape> = {
  'short keyed': {
    schema: 'CREATE TABLE t (message_id TEXT PRIMARY KEY, generation INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID; CREATE INDEX t_seq ON t (seq);',
    table: 't',
    columns: ['message_id', 'generation', 'seq'],
    onConflict: 'ON CONFLICT (message_id) DO UPDATE SET generation = excluded.generation, seq = excluded.seq',
    row: (i) => [ids[i]!, 1, i + 1],
  },
  'long text': {
    schema: 'CREATE TABLE t (kind TEXT NOT NULL, key TEXT NOT NULL, record INTEGER NOT NULL, n INTEGER NOT NULL, operation TEXT NOT NULL);',
    table: 't',
    columns: ['kind', 'key', 'record', 'n', 'operation'],
    onConflict: '',
    row: (i) => {
      const operation = { op: 'event.send', eventName: 'pe123_viewed_page', uuid: ids[i], email: `user${i % 5000}@example.com`, occurredAt: '2026-01-01T00:00:00.000Z', properties: { path: '/pricing', title: 'Pricing "plans"', n: i } };
      return ['event', `pe123_viewed_page\n${ids[i]}`, i + 1, 0, JSON.stringify(operation)];
    },
  },
};

function writeOnce(shape: Shape, passing: RowPassing): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rows-'));
  const db = new Database(join(dir, 'rows.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(shape.schema);
  const batch = new BatchUpsert(db, shape.table, shape.columns, shape.onConflict, passing);
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < rows; i++) batch.add(...shape.row(i));
    batch.end();
  })();
  const ms = performance.now() - started;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

console.log(JSON.stringify({ machine: machineInfo(), rows, reps }));
console.log(`load before: ${loadString()}`);
for (const [name, shape] of Object.entries(SHAPES)) {
  const times: Record<RowPassing, number[]> = { parameters: [], json: [] };
  for (let r = 0; r < reps; r++) for (const passing of ['parameters', 'json'] as const) times[passing].push(writeOnce(shape, passing));
  const line = (passing: RowPassing) => `${passing.padEnd(10)} median ${median(times[passing]).toFixed(0).padStart(5)} ms  (${times[passing].map((t) => t.toFixed(0)).join(' ')})`;
  console.log(`${name}, ${rows} rows:\n  ${line('parameters')}\n  ${line('json')}`);
}
console.log(`load after: ${loadString()}`);
