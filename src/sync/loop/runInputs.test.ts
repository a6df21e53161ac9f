import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterVerdict } from '../../core/types.js';
import type { LineWriter } from '../../report/lineWriter.js';
import { RunTally } from '../../report/tally.js';
import type { SourceItem } from '../../sources/types.js';
import { DeadLetters, type DeadLetterLine } from './deadLetters.js';
import type { MappedRecord, RecordMapper } from './recordMapper.js';
import { committedBytes, runInputs, type InputProgress, type RecordSink, type RunInputsOptions } from './runInputs.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-run-inputs-'));
  path = join(dir, 'events.ndjson');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const call = (i: number) => ({ type: 'identify', messageId: `m-${i}`, traits: { email: `u${i}@example.com`, plan: { tier: 'pro' } } });

async function writeEvents(n: number): Promise<void> {
  await writeFile(path, Array.from({ length: n }, (_, i) => JSON.stringify(call(i))).join('\n') + '\n');
}

/** Every record one contact upsert; counts what was read. */
function mapper() {
  const mapped: MappedRecord[] = [];
  const map = (item: SourceItem): MappedRecord => {
    if (item.kind !== 'record') throw new Error('unexpected invalid line');
    const email = String((item.call.traits as { email?: string } | undefined)?.email);
    const record: MappedRecord = { position: item.position, call: item.call, operations: [{ op: 'contact.upsert', email, properties: {} }], warnings: [] };
    mapped.push(record);
    return record;
  };
  return { mapper: { map } as unknown as RecordMapper, mapped };
}

function setup(sink: RecordSink, extra: Partial<RunInputsOptions> = {}) {
  const tally = new RunTally();
  const lines: DeadLetterLine[] = [];
  const writer = { pushLine: (line: string) => lines.push(JSON.parse(line) as DeadLetterLine), full: false, flush: async () => {} } as unknown as LineWriter;
  const { mapper: m, mapped } = mapper();
  const run = runInputs({ inputs: [{ path, format: 'ndjson' }], read: { format: 'ndjson' }, mapper: m, sink, tally, deadLetters: new DeadLetters(tally, writer), ...extra });
  return { run, tally, mapped, lines };
}

/** Settles every record at once except the first, which waits for `releaseFirst`. */
function holdingFirstSink() {
  let releaseFirst: () => void = () => undefined;
  let halt: () => void = () => undefined;
  const sink: RecordSink = {
    async accept(record, settle) {
      if (record.position.line === 1) releaseFirst = () => settle([]);
      else settle([]);
    },
    async drain() {},
    halted: new Promise<void>((resolve) => (halt = resolve)),
  };
  return { sink, release: () => releaseFirst(), halt: () => halt() };
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Waits (in event-loop turns) until `done` holds: reading goes through real file I/O. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('runInputs', () => {
  it('reads no further ahead of the oldest unsettled record than maxUncommitted', async () => {
    await writeEvents(50);
    const { sink, release } = holdingFirstSink();
    const { run, mapped, tally } = setup(sink, { maxUncommitted: 5 });
    await until(() => mapped.length >= 5);
    await turns(20);
    // Records 2–5 settled, but they wait for the watermark behind record 1: reading waits.
    expect(mapped).toHaveLength(5);
    expect(tally.data.counts.read).toBe(0);
    release();
    await run;
    expect(mapped).toHaveLength(50);
    expect(tally.data.counts).toEqual({ read: 50, delivered: 50, skipped: 0, deadLettered: 0 });
  });

  it('shows as done only the bytes behind committed records, not those read ahead of them', async () => {
    await writeEvents(50);
    const { sink, release } = holdingFirstSink();
    const seen: InputProgress[] = [];
    const { run, mapped } = setup(sink, { maxUncommitted: 5, onInput: (p) => seen.push(p) });
    await until(() => mapped.length >= 5);
    await turns(20);
    // The whole small file is read, but record 1 holds the watermark at its start.
    const [progress] = seen;
    expect(progress!.bytesDone()).toBe(0);
    release();
    await run;
    expect(progress!.bytesDone()).toBe((await readFile(path)).length);
  });

  it.each([
    ['nothing read yet', 0, 0, 0, 0],
    ['all read is committed', 4096, 4096, 4096, 4096],
    ['a plain file read ahead: the watermark, scaled by what was read', 8192, 1000, 4000, 2048],
    ['gzip: 1,000 disk bytes for 10,000 of text, a quarter committed', 1000, 2500, 10_000, 250],
    ['a resumed input, nothing new read yet: where it starts', 300, 5000, 5000, 300],
  ])('committedBytes: %s', (_name, read, mark, readTo, done) => {
    expect(committedBytes(read, mark, readTo)).toBe(done);
  });

  it('is never held back by a sink that settles each record itself (dry run, diff)', async () => {
    await writeEvents(30);
    const sink: RecordSink = {
      async accept(_record, settle) {
        await Promise.resolve();
        settle([]);
      },
      async drain() {},
    };
    const { run, tally } = setup(sink, { maxUncommitted: 1 });
    await run;
    expect(tally.data.counts.read).toBe(30);
  });

  it('stops waiting for unsettled records once the sink halts', async () => {
    await writeEvents(50);
    const { sink, halt } = holdingFirstSink();
    let stop = false;
    const { run, mapped } = setup(sink, { maxUncommitted: 5, shouldStop: () => stop });
    await until(() => mapped.length >= 5);
    await turns(20);
    expect(mapped).toHaveLength(5);
    stop = true;
    halt();
    expect(await run).toEqual({ stopped: true });
  });

  it('dead-letters a record HubSpot rejects after it was accepted with its whole event', async () => {
    await writeEvents(3);
    const later: Array<() => void> = [];
    const rejection: DeadLetterVerdict = { code: 'HUBSPOT_REJECTED', reason: 'no' };
    const sink: RecordSink = {
      async accept(record, settle) {
        later.push(() => settle(record.position.line === 2 ? [rejection] : []));
      },
      async drain() {
        for (const settle of later) settle();
      },
    };
    const { run, lines, tally } = setup(sink);
    await run;
    expect(tally.data.counts).toEqual({ read: 3, delivered: 2, skipped: 0, deadLettered: 1 });
    expect(lines).toEqual([{ code: 'HUBSPOT_REJECTED', reason: 'no', source: { file: path, line: 2 }, event: call(1) }]);
  });

  it('gives the same report, dead letters and watermarks whether a sink settling at once is tracked or not', async () => {
    // Single lines and {"batch":[…]} lines; some records dead letters, some skipped, some
    // without operations, some rejected by the sink.
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines.push(i % 9 === 4 ? JSON.stringify({ batch: [call(i), call(i + 100), call(i + 200)] }) : JSON.stringify(call(i)));
    }
    await writeFile(path, lines.join('\n') + '\n');
    const rejection: DeadLetterVerdict = { code: 'HUBSPOT_REJECTED', reason: 'no' };
    const map = (item: SourceItem): MappedRecord => {
      if (item.kind !== 'record') throw new Error('unexpected invalid line');
      const n = Number(String(item.call.messageId).slice(2));
      const operations: MappedRecord['operations'] = n % 4 === 1 ? [] : [{ op: 'contact.upsert', email: `u${n}@example.com`, properties: {} }];
      return {
        position: item.position, call: item.call, operations, warnings: [],
        ...(n % 6 === 2 ? { deadLetter: { code: 'INVALID_EMAIL' as const, reason: 'bad' }, operations: [] } : {}),
        ...(n % 4 === 1 ? { skip: 'filtered' as const } : {}),
      };
    };
    const run = async (settlesAtOnce: boolean) => {
      const sink: RecordSink = {
        settlesAtOnce,
        accept(record, settle) {
          settle(record.position.line % 5 === 3 ? [rejection] : []);
          return undefined;
        },
        async drain() {},
      };
      const marks: string[] = [];
      let final: (() => unknown) | undefined;
      const { run: running, tally, lines: deadLetters } = setup(sink, {
        mapper: { map } as unknown as RecordMapper,
        onInput: (progress) => {
          final = () => progress.watermark.position;
          const original = progress.watermark.passAtOnce.bind(progress.watermark);
          progress.watermark.passAtOnce = (position) => {
            const passed = original(position);
            marks.push(JSON.stringify(progress.watermark.position));
            return passed;
          };
        },
      });
      const outcome = await running;
      return { outcome, tally: tally.data, deadLetters, marks, final: final?.() };
    };
    const tracked = await run(false);
    const atOnce = await run(true);
    expect(atOnce.tally).toEqual(tracked.tally);
    expect(atOnce.deadLetters).toEqual(tracked.deadLetters);
    expect(atOnce.final).toEqual(tracked.final);
    expect(atOnce.final).toEqual({ line: 41, offset: (await readFile(path)).length });
    // 36 single lines and 4 lines of 3 records.
    expect(tracked.tally.counts).toEqual({ read: 48, delivered: 22, skipped: 12, deadLettered: 14 });
    // The fast path was asked for every record (and refused the batch lines' records).
    expect(atOnce.marks).toHaveLength(48);
    expect(tracked.marks).toHaveLength(0);
  });
});

