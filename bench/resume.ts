// `npx tsx bench/resume.ts [--events N]`: shows that resuming a large plain file does not
// re-read what lies before the watermark. It reads a generated export twice through the
// built source reader, from the start and from a watermark at 95 % of the file, in child
// processes, and reports the bytes each process read from the kernel (/proc/self/io
// rchar, which counts every read(2) byte: the reader's own counter is not the witness).
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
const events = Number(values.events);
const file = join(ROOT, 'bench/out', `resume-${events}.ndjson`);

if (!existsSync(file)) {
  const made = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/generate.ts'), '--events', String(events), '--out', file], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}

/** The offset and line number of the first line starting at or after `fraction` of the file. */
function lineBoundary(path: string, fraction: number): { offset: number; line: number } {
  const size = statSync(path).size;
  const target = Math.floor(size * fraction);
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let line = 1;
  let position = 0;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) throw new Error('no line boundary after the target');
      for (let i = 0; i < n; i++) {
        if (chunk[i] !== 0x0a) continue;
        line++;
        if (position + i + 1 >= target) return { offset: position + i + 1, line };
      }
      position += n;
    }
  } finally {
    closeSync(fd);
  }
}

// The child iterates the reader to the end and prints what the kernel says it read.
const child = `
  import { readFileSync } from 'node:fs';
  import { openInput } from ${JSON.stringify(join(ROOT, 'dist/sources/openInput.js'))};
  const [path, line, offset] = process.argv.slice(1);
  const before = Number(/rchar: (\\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1]);
  const started = performance.now();
  const start = Number(offset) > 0 ? { line: Number(line), offset: Number(offset) } : undefined;
  let records = 0;
  for await (const item of openInput({ path, format: 'ndjson' }, { start })) if (item.kind === 'record') records++;
  const rchar = Number(/rchar: (\\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1]) - before;
  console.log(JSON.stringify({ records, rchar, ms: Math.round(performance.now() - started) }));
`;

function read(line: number, offset: number): { records: number; rchar: number; ms: number } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', child, file, String(line), String(offset)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { records: number; rchar: number; ms: number };
}

const size = statSync(file).size;
const watermark = lineBoundary(file, 0.95);
const full = read(1, 0);
const resumed = read(watermark.line, watermark.offset);
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
console.log(`file: ${file} (${mib(size)}, ${events} events)`);
console.log(`watermark: line ${watermark.line}, byte ${watermark.offset} (${((watermark.offset / size) * 100).toFixed(1)} %)`);
console.log(`from the start:     ${full.records} records, read ${mib(full.rchar)} in ${full.ms} ms`);
console.log(`from the watermark: ${resumed.records} records, read ${mib(resumed.rchar)} in ${resumed.ms} ms`);
console.log(`bytes before the watermark that the resume read: ${mib(Math.max(0, resumed.rchar - (size - watermark.offset)))}`);
