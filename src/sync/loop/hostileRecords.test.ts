// A record whose mapping throws, or that nests deeper than JSON.stringify can go, is a
// dead letter of its own, written as one valid JSON line; the run goes on.
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../core/catalog.js';
import type { CatalogDocument, DeadLetterVerdict, SegmentCall } from '../../core/types.js';
import { LineWriter } from '../../report/lineWriter.js';
import { RunTally } from '../../report/tally.js';
import type { RecordPosition, SourceItem } from '../../sources/types.js';
import { DeadLetters, deadLetterLine, deadLetterText } from './deadLetters.js';
import { RecordMapper, type MappedRecord } from './recordMapper.js';
import { runInputs, type RecordSink } from './runInputs.js';

const catalog = Catalog.fromDocument(JSON.parse(readFileSync(new URL('../../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument);
const position: RecordPosition = { file: 'in.ndjson', line: 3, offset: 10, endLine: 4, endOffset: 20 };

function mapper(overrides: { catalog?: Catalog } = {}): RecordMapper {
  const seen = new Set<string>();
  return new RecordMapper({
    context: { catalog: overrides.catalog ?? catalog, hubId: 1, options: { createEventDefinitions: true, pagesAsEvents: false, eventMap: {} } },
    identities: new Map<string, string>(),
    duplicates: { checkAndMark: (id) => seen.has(id) || (seen.add(id), false) },
    filters: {},
  });
}

/** An object `levels` deep, built without recursion (what JSON.parse gives for a deep line). */
function deep(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let inner = root;
  for (let i = 1; i < levels; i++) inner = (inner.a = {}) as Record<string, unknown>;
  inner.leaf = 'x';
  return root;
}

describe('RecordMapper: what throws inside one record is that record\'s dead letter', () => {
  it('a mapping that throws (here: the catalog) gives INVALID_RECORD with the cause, and the next record maps', () => {
    const exploding = { writable: () => { throw new TypeError('boom'); }, contact: () => undefined, company: () => undefined } as unknown as Catalog;
    const record = mapper({ catalog: exploding }).map({ kind: 'record', call: { type: 'identify', traits: { email: 'a@example.com', firstName: 'A' } }, position });
    expect(record.deadLetter).toEqual({ code: 'INVALID_RECORD', reason: 'The record could not be mapped (TypeError: boom); please report it if the record looks valid' });
    expect(record.operations).toEqual([]);
    expect(record.call).toEqual({ type: 'identify', traits: { email: 'a@example.com', firstName: 'A' } });
    const next = mapper().map({ kind: 'record', call: { type: 'identify', traits: { email: 'b@example.com' } }, position });
    expect(next.operations).toHaveLength(1);
  });

  it('a call nested past the stack (one that did not come through a reader) is a dead letter, not a crash', () => {
    const record = mapper().map({ kind: 'record', call: { type: 'identify', traits: { email: 'a@example.com', nest: deep(50_000) } }, position });
    expect(record.deadLetter?.code).toBe('INVALID_RECORD');
    expect(record.deadLetter?.reason).toMatch(/could not be mapped \(RangeError: Maximum call stack size exceeded\)/);
  });

  it('a call whose type is itself nested past the stack: its check is guarded too', () => {
    const record = mapper().map({ kind: 'record', call: { type: deep(50_000) }, position });
    expect(record.deadLetter?.code).toBe('INVALID_RECORD');
  });
});

describe('dead letters are one valid JSON line whatever the event holds', () => {
  it('an event too deep for JSON.stringify is written in full without recursion', () => {
    const call: SegmentCall = { type: 'track', event: 'Deep', properties: deep(20_000) };
    const record: MappedRecord = { position, call, operations: [], warnings: [] };
    const text = deadLetterText(deadLetterLine(record, { code: 'INVALID_RECORD', reason: 'r' }));
    expect(text).not.toContain('\n');
    expect(text.startsWith('{"code":"INVALID_RECORD","reason":"r","source":{"file":"in.ndjson","line":3},"event":{"type":"track","event":"Deep","properties":{"a":{"a":')).toBe(true);
    expect(text.endsWith('"leaf":"x"' + '}'.repeat(20_000 + 2))).toBe(true);
  });

  it('a run whose sink rejects a deep record after accepting it: the record is held and dead-lettered, the run goes on', async () => {
    // A context nested past JSON.stringify, which mapping does not walk: the record maps,
    // is accepted, cannot be held as text, and must still be written when rejected.
    const deepContext = deep(20_000);
    const track = JSON.stringify({ type: 'track', event: 'E', messageId: 'deep', properties: { email: 'a@example.com' } });
    const input = [JSON.stringify({ type: 'identify', messageId: 'm1', traits: { email: 'a@example.com' } }), track, '{"type":"identify","messageId":"m3","traits":{"email":"c@example.com"}}'].join('\n');
    const real = mapper();
    const withDeepContext = {
      map(item: SourceItem): MappedRecord {
        if (item.kind === 'record' && item.position.line === 2) item.call.context = deepContext;
        return real.map(item);
      },
    } as RecordMapper;
    const later: Array<() => void> = [];
    const sink: RecordSink = {
      accept(record: MappedRecord, settle: (rejections: DeadLetterVerdict[]) => void) {
        later.push(() => settle(record.position.line === 2 ? [{ code: 'HUBSPOT_REJECTED', reason: 'no' }] : []));
        return undefined;
      },
      async drain() {
        for (const settle of later) settle();
      },
    };
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const writer = LineWriter.toStream(stream);
    const tally = new RunTally();
    await runInputs({ inputs: [{ path: '-', format: 'ndjson' }], read: { stdin: Readable.from([Buffer.from(input)]) }, mapper: withDeepContext, sink, tally, deadLetters: new DeadLetters(tally, writer) });
    await writer.close();
    expect(tally.data.counts).toEqual({ read: 3, delivered: 2, skipped: 0, deadLettered: 1 });
    const lines = written.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{"code":"HUBSPOT_REJECTED","reason":"no","source":\{"file":"-","line":2\},"event":\{"type":"track","event":"E","messageId":"deep","properties":\{"email":"a@example.com"\},"context":\{"a":\{"a":/);
    expect(lines[0]?.endsWith('"leaf":"x"' + '}'.repeat(20_000 + 2))).toBe(true);
  });

  it('a source item that parsed but is not a call keeps its value as raw, however deep', () => {
    const value = [deep(20_000)];
    const item: SourceItem = { kind: 'invalid', code: 'INVALID_RECORD', reason: 'not a call', position, value };
    const record = mapper().map(item);
    expect(record.raw?.startsWith('[{"a":{"a":')).toBe(true);
  });
});
