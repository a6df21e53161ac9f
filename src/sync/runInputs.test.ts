import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterVerdict } from '../core/types.js';
import type { LineWriter } from '../report/lineWriter.js';
import { RunTally } from '../report/tally.js';
import type { SourceItem } from '../sources/types.js';
import { DeadLetters, type DeadLetterLine } from './deadLetters.js';
import type { MappedRecord, RecordMapper } from './recordMapper.js';
import { runInputs, type RecordSink, type RunInputsOptions } from './runInputs.js';

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
  const writer = { push: (line: DeadLetterLine) => lines.push(line), flushIfFull: async () => {} } as unknown as LineWriter;
  const { mapper: m, mapped } = mapper();
  const run = runInputs({ inputs: [{ path, format: 'ndjson' }], read: { format: 'ndjson' }, mapper: m, sink, tally, deadLetters: new DeadLetters(tally, writer), ...extra });
  return { run, tally, mapped, lines };
}

describe('runInputs', () => {
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
});
