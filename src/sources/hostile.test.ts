// Hostile lines through the readers: records nested deeper than mapping can follow, bytes
// that are not UTF-8. Each is a dead letter of its own at its exact position; the records
// around it (in the same `{"batch":[…]}` line too) are read as usual, and resuming after
// it starts at the right byte.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, depthOf, mayNestTooDeep } from './depth.js';
import { openInput } from './openInput.js';
import type { InputFormat, ReadOptions, SourceItem } from './types.js';

async function read(bytes: Buffer, format: InputFormat, options: ReadOptions = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of openInput({ path: '-', format }, { ...options, stdin: Readable.from([bytes]) })) items.push(item);
  return items;
}

const lines = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.flatMap((part) => [Buffer.isBuffer(part) ? part : Buffer.from(part), Buffer.from('\n')]));

/** `{"a":{"a":…{"a":leaf}…}}`, `levels` objects deep. */
const nested = (levels: number, leaf = '1'): string => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
const identify = (id: string, traits = '{}'): string => `{"type":"identify","messageId":"${id}","traits":${traits}}`;

function summary(item: SourceItem): string {
  const where = `line ${item.position.line}${item.position.index === undefined ? '' : ` #${item.position.index}`} @${item.position.offset}-${item.position.endOffset}`;
  return item.kind === 'record' ? `record ${String(item.call['messageId'])} ${where}` : `${item.code} ${where}`;
}

describe('records nested deeper than MAX_DEPTH', () => {
  it('a deep identify is an INVALID_RECORD of its own, its raw the line itself; the lines around it are read', async () => {
    const deep = identify('deep', nested(6000));
    const input = lines(identify('m1'), deep, identify('m3'));
    const items = await read(input, 'ndjson');
    const first = identify('m1').length + 1;
    expect(items.map(summary)).toEqual([
      `record m1 line 1 @0-${first}`,
      `INVALID_RECORD line 2 @${first}-${first + deep.length + 1}`,
      `record m3 line 3 @${first + deep.length + 1}-${input.length}`,
    ]);
    const bad = items[1] as Extract<SourceItem, { kind: 'invalid' }>;
    expect(bad.reason).toBe(`The record nests 6001 levels deep; records deeper than ${MAX_DEPTH} levels are not read`);
    expect(bad.raw).toBe(deep);
  });

  it('the limit is exact: a call of MAX_DEPTH levels is read, one more level is not', async () => {
    // The call is level 1, and traits (the first of the nested objects) level 2.
    const atLimit = identify('at', nested(MAX_DEPTH - 1));
    const over = identify('over', nested(MAX_DEPTH));
    const items = await read(lines(atLimit, over), 'ndjson');
    expect(items.map((item) => item.kind)).toEqual(['record', 'invalid']);
    expect(depthOf((items[0] as Extract<SourceItem, { kind: 'record' }>).call)).toBe(MAX_DEPTH);
  });

  it('in a {"batch":[…]} line only the deep element is a dead letter; its raw is its own JSON', async () => {
    const deepElement = `{"type":"track","event":"Deep","messageId":"b2","properties":${nested(5000, '[1,2]')}}`;
    const line = `{"batch":[${identify('b1')},${deepElement},${identify('b3')}],"sentAt":"2026-01-01T00:00:00Z"}`;
    const items = await read(lines(line), 'ndjson');
    expect(items.map(summary)).toEqual([
      `record b1 line 1 #0 @0-${line.length + 1}`,
      `INVALID_RECORD line 1 #1 @0-${line.length + 1}`,
      `record b3 line 1 #2 @0-${line.length + 1}`,
    ]);
    const bad = items[1] as Extract<SourceItem, { kind: 'invalid' }>;
    expect(bad.reason).toMatch(/^Batch element 1 nests 5002 levels deep/);
    expect(bad.raw).toBe(deepElement);
  });

  it('a deep event wrapped in a dead letter (a dead-letter file replayed) is a dead letter again', async () => {
    const wrapped = `{"code":"HUBSPOT_REJECTED","reason":"x","source":{"file":"a","line":1},"event":${identify('w', nested(3000))}}`;
    const rawForm = JSON.stringify({ code: 'INVALID_RECORD', reason: 'x', source: { file: 'a', line: 2 }, raw: identify('r', nested(3000)) });
    const items = await read(lines(wrapped, rawForm), 'ndjson');
    expect(items.map((item) => [item.kind, item.kind === 'invalid' ? item.reason.slice(0, 30) : ''])).toEqual([
      ['invalid', 'The record nests 3001 levels d'],
      ['invalid', 'The record nests 3001 levels d'],
    ]);
  });

  it('brackets inside strings do not count, escaped quotes included', async () => {
    const brackets = '{'.repeat(3000) + '\\"' + '['.repeat(3000);
    const items = await read(lines(identify('s', `{"text":"${brackets}"}`)), 'ndjson');
    expect(items.map((item) => item.kind)).toEqual(['record']);
  });

  it('the byte scan says yes only for long lines that go past the limit', () => {
    const scan = (text: string) => mayNestTooDeep(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(scan(nested(MAX_DEPTH + 1))).toBe(true);
    expect(scan(nested(MAX_DEPTH))).toBe(false);
    expect(scan(`[${'[],'.repeat(5000)}[]]`)).toBe(false);
    expect(scan(`"${'{'.repeat(5000)}`)).toBe(false);
  });

  it('a CSV whose dotted header nests past the limit: each row an INVALID_RECORD, positions exact', async () => {
    const header = ['type', Array.from({ length: MAX_DEPTH + 1 }, () => 'a').join('.')].join(',');
    const input = lines(header, 'identify,x', 'identify,y');
    const items = await read(input, 'csv');
    expect(items.map(summary)).toEqual([
      `INVALID_RECORD line 2 @${header.length + 1}-${header.length + 12}`,
      `INVALID_RECORD line 3 @${header.length + 12}-${input.length}`,
    ]);
    expect((items[0] as Extract<SourceItem, { kind: 'invalid' }>).reason).toMatch(/nests 1001 levels deep/);
  });

  it("an Actions CSV row whose JSON cell nests past the limit is an INVALID_RECORD; the rows around it are read", async () => {
    const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
    const row = (id: string, traits: string) => ['identify', id, traits].map(quote).join(',');
    const input = lines('"event_type","message_id","traits"', row('m1', '{"email":"a@example.com"}'), row('m2', nested(6000)), row('m3', '{"email":"c@example.com"}'));
    const items = await read(input, 'csv');
    expect(items.map((item) => (item.kind === 'record' ? `record ${String(item.call['messageId'])}` : item.code))).toEqual(['record m1', 'INVALID_RECORD', 'record m3']);
    expect((items[1] as Extract<SourceItem, { kind: 'invalid' }>).reason).toMatch(/nests 6002 levels deep/);
  });
});

describe('bytes that are not UTF-8', () => {
  const latin1 = Buffer.concat([Buffer.from('{"type":"identify","messageId":"l","traits":{"email":"m@x.com","lastName":"M'), Buffer.from([0xfc]), Buffer.from('ller"}}')]);

  it('NDJSON: the line is an INVALID_RECORD with its text (U+FFFD for each bad byte); offsets stay exact', async () => {
    const input = lines(identify('m1'), latin1, identify('m3'));
    const items = await read(input, 'ndjson');
    const first = identify('m1').length + 1;
    expect(items.map(summary)).toEqual([
      `record m1 line 1 @0-${first}`,
      `INVALID_RECORD line 2 @${first}-${first + latin1.length + 1}`,
      `record m3 line 3 @${first + latin1.length + 1}-${input.length}`,
    ]);
    const bad = items[1] as Extract<SourceItem, { kind: 'invalid' }>;
    expect(bad.reason).toMatch(/not UTF-8/);
    expect(bad.raw).toContain('M\uFFFDller');
  });

  it('a genuine U+FFFD, and multi-byte characters split across reads, are text like any other', async () => {
    const genuine = identify('g', '{"name":"\uFFFD ü 日本 😀"}');
    const bytes = lines(genuine, identify('m2'));
    const items: SourceItem[] = [];
    const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    for await (const item of openInput({ path: '-', format: 'ndjson' }, { stdin: Readable.from(pieces) })) items.push(item);
    expect(items.map((item) => item.kind)).toEqual(['record', 'record']);
  });

  it('a resume after the bad line starts at its end offset and reads on', async () => {
    const input = lines(identify('m1'), latin1, identify('m3'));
    const items = await read(input, 'ndjson');
    const resumeAt = { line: items[1]!.position.endLine, offset: items[1]!.position.endOffset };
    expect(input.subarray(resumeAt.offset).toString()).toBe(identify('m3') + '\n');
  });

  it('CSV: a row with such bytes is an INVALID_RECORD too (one rule for both formats), quoted multi-line rows included', async () => {
    const bad = Buffer.concat([Buffer.from('identify,m2,M'), Buffer.from([0xfc]), Buffer.from('ller')]);
    const multi = Buffer.concat([Buffer.from('identify,m3,"two'), Buffer.from([0xff]), Buffer.from('\nlines"')]);
    const input = lines('type,messageId,traits.lastName', 'identify,m1,Ada', bad, multi, 'identify,m4,Bob');
    const items = await read(input, 'csv');
    expect(items.map((item) => `${item.kind === 'record' ? String(item.call['messageId']) : item.code} line ${item.position.line} @${item.position.offset}`)).toEqual([
      'm1 line 2 @31',
      'INVALID_RECORD line 3 @47',
      'INVALID_RECORD line 4 @66',
      'm4 line 6 @91',
    ]);
    expect((items[2] as Extract<SourceItem, { kind: 'invalid' }>).raw).toBe('identify,m3,"two\uFFFD\nlines"');
  });

  it('CSV: a header with such bytes leaves no usable header, and every row says so', async () => {
    const header = Buffer.concat([Buffer.from('type,messageId,traits.n'), Buffer.from([0xe9])]);
    const items = await read(lines(header, 'identify,m1,x'), 'csv');
    expect(items.map((item) => (item.kind === 'invalid' ? `${item.code} ${item.position.line}` : 'record'))).toEqual(['INVALID_RECORD 1', 'INVALID_CSV 2']);
    expect((items[1] as Extract<SourceItem, { kind: 'invalid' }>).reason).toMatch(/No usable header row .*not UTF-8/);
  });
});
