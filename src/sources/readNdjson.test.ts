import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInput } from './openInput.js';
import type { ReadOptions, SourceItem } from './types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-ndjson-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function ndjsonFile(content: string | Buffer): Promise<string> {
  const path = join(dir, `input-${++fileCount}.ndjson`);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, options?: ReadOptions): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of openInput({ path, format: 'ndjson' }, options)) items.push(item);
  return items;
}

/** The short form tests compare: what an item is and where. */
function summary(item: SourceItem): string {
  const where = `line ${item.position.line}${item.position.index === undefined ? '' : ` #${item.position.index}`}`;
  return item.kind === 'record' ? `record ${String(item.call['messageId'])} ${where}` : `${item.code} ${where}`;
}

const call = (id: string): string => JSON.stringify({ type: 'track', messageId: id, userId: 'u-peter', event: 'Logged In' });

describe('NDJSON: bad input becomes an item with its code and line', () => {
  it.each([
    { kind: 'invalid JSON', lines: [call('m1'), '{"type":"track",', call('m3')], expected: ['record m1 line 1', 'INVALID_JSON line 2', 'record m3 line 3'] },
    { kind: 'an array', lines: [call('m1'), '["identify","u-bill"]'], expected: ['record m1 line 1', 'INVALID_RECORD line 2'] },
    { kind: 'a number', lines: [call('m1'), '42'], expected: ['record m1 line 1', 'INVALID_RECORD line 2'] },
    { kind: 'a string', lines: ['"track"'], expected: ['INVALID_RECORD line 1'] },
    { kind: 'null', lines: ['null'], expected: ['INVALID_RECORD line 1'] },
    { kind: 'a batch element that is not an object', lines: [`{"batch":[${call('m1')},7,${call('m3')}]}`], expected: ['record m1 line 1 #0', 'INVALID_RECORD line 1 #1', 'record m3 line 1 #2'] },
    { kind: 'a batch element that is an array', lines: ['', `{"batch":[[1,2]]}`], expected: ['INVALID_RECORD line 2 #0'] },
  ])('$kind', async ({ lines, expected }) => {
    const items = await readAll(await ndjsonFile(lines.join('\n') + '\n'));
    expect(items.map(summary)).toEqual(expected);
  });

  it('keeps the line as raw, the parser message as reason, and the parsed value', async () => {
    const items = await readAll(await ndjsonFile('{"type":"track",\n[1,2]\n{"batch":[null]}\n'));
    expect(items[0]).toMatchObject({ code: 'INVALID_JSON', raw: '{"type":"track",', reason: expect.stringMatching(/^Invalid JSON: .+/) });
    expect(items[1]).toMatchObject({ code: 'INVALID_RECORD', raw: '[1,2]', value: [1, 2], reason: expect.stringContaining('an array') });
    expect(items[2]).toMatchObject({ code: 'INVALID_RECORD', raw: 'null', value: null, reason: expect.stringContaining('batch element 0 is null') });
  });

  it('never parses a call with a type as a wrapper, even with batch or dead-letter fields', async () => {
    const odd = { type: 'track', event: 'X', batch: [1], code: 'INVALID_JSON', source: {}, raw: '{' };
    const items = await readAll(await ndjsonFile(JSON.stringify(odd) + '\n'));
    expect(items).toEqual([expect.objectContaining({ kind: 'record', call: odd })]);
  });
});

describe('NDJSON lines', () => {
  it('ignores blank and whitespace-only lines but counts them', async () => {
    const items = await readAll(await ndjsonFile(`\n   \n\t \t\n${call('m4')}\n\n${call('m6')}`));
    expect(items.map(summary)).toEqual(['record m4 line 4', 'record m6 line 6']);
  });

  it('reads CRLF line endings, keeping the \\r out of the text', async () => {
    const path = await ndjsonFile(`${call('m1')}\r\n\r\n{"broken":\r\n${call('m4')}\r\n`);
    const items = await readAll(path);
    expect(items.map(summary)).toEqual(['record m1 line 1', 'INVALID_JSON line 3', 'record m4 line 4']);
    expect(items[1]).toMatchObject({ raw: '{"broken":' });
    expect(items.map((item) => item.position.offset)).toEqual([0, call('m1').length + 4, call('m1').length + 16]);
  });

  it('reads a last line without a newline', async () => {
    const items = await readAll(await ndjsonFile(`${call('m1')}\n${call('m2')}`));
    expect(items.map(summary)).toEqual(['record m1 line 1', 'record m2 line 2']);
    expect(items[1]?.position).toMatchObject({ endLine: 3, endOffset: call('m1').length + 1 + call('m2').length });
  });

  it('skips a UTF-8 byte-order mark in front of the first line', async () => {
    const path = await ndjsonFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${call('m1')}\n`)]));
    expect((await readAll(path)).map(summary)).toEqual(['record m1 line 1']);
  });

  it('gives every record the byte offset of its line and where the next one starts', async () => {
    const path = join(import.meta.dirname, '../../fixtures/events.ndjson');
    const bytes = await readFile(path);
    const items = await readAll(path);
    expect(items.length).toBeGreaterThan(20);
    for (const item of items) {
      const { offset, endOffset, endLine, line } = item.position;
      const lineBytes = bytes.subarray(offset, endOffset);
      expect(offset === 0 || bytes[offset - 1] === 0x0a).toBe(true);
      expect(lineBytes.at(-1)).toBe(0x0a);
      expect(lineBytes.indexOf(0x0a)).toBe(lineBytes.length - 1);
      expect(endLine).toBe(line + 1);
      if (item.kind === 'record' && item.position.index === undefined) expect(JSON.parse(lineBytes.toString())).toEqual(item.call);
    }
  });

  it('reads a line of 17 MiB like any other', async () => {
    const big = JSON.stringify({ type: 'track', messageId: 'm-big', event: 'Big', properties: { blob: 'é'.repeat(9 * 1024 * 1024) } });
    expect(Buffer.byteLength(big)).toBeGreaterThan(17 * 1024 * 1024);
    const path = await ndjsonFile(`${call('m1')}\n${big}\n${call('m3')}\n`);
    const items = await readAll(path);
    expect(items.map(summary)).toEqual(['record m1 line 1', 'record m-big line 2', 'record m3 line 3']);
    expect(items[2]?.position.offset).toBe(call('m1').length + 1 + Buffer.byteLength(big) + 1);
  });
});

describe('NDJSON batches', () => {
  it('expands each element into a record sharing the line, told apart by index', async () => {
    const batch = { batch: [JSON.parse(call('m1')), JSON.parse(call('m2'))], context: { ip: '10.0.0.1' }, sentAt: '2026-01-05T09:00:00Z' };
    const items = await readAll(await ndjsonFile(`${call('m0')}\n${JSON.stringify(batch)}\n`));
    expect(items.map(summary)).toEqual(['record m0 line 1', 'record m1 line 2 #0', 'record m2 line 2 #1']);
    expect(items[1]?.position).toMatchObject({ offset: items[2]?.position.offset, endOffset: items[2]?.position.endOffset });
    // fields beside batch (context, sentAt) are not merged into the calls
    expect(items[1]).toEqual({ kind: 'record', call: JSON.parse(call('m1')), position: expect.anything() });
  });

  it('an empty batch yields nothing', async () => {
    const items = await readAll(await ndjsonFile(`{"batch":[]}\n${call('m2')}\n`));
    expect(items.map(summary)).toEqual(['record m2 line 2']);
  });
});

describe('NDJSON dead letters replay', () => {
  const source = { file: 'events.ndjson', line: 12 };

  it('unwraps an event into that event, at the dead-letter line', async () => {
    const event = JSON.parse(call('m1'));
    const items = await readAll(await ndjsonFile(`\n${JSON.stringify({ code: 'MISSING_EMAIL', reason: 'no email', source, event })}\n`));
    expect(items).toEqual([{ kind: 'record', call: event, position: expect.objectContaining({ line: 2, offset: 1 }), fromDeadLetter: true }]);
  });

  it.each([
    { form: 'a call', raw: call('m1'), expected: ['record m1 line 1'] },
    { form: 'invalid JSON again', raw: '{"type":"track",', expected: ['INVALID_JSON line 1'] },
    { form: 'a non-object again', raw: '[1]', expected: ['INVALID_RECORD line 1'] },
    { form: 'a batch', raw: `{"batch":[${call('m1')},${call('m2')}]}`, expected: ['record m1 line 1 #0', 'record m2 line 1 #1'] },
    { form: 'nothing (a truncation on a line boundary)', raw: '', expected: ['TRUNCATED_INPUT line 1'] },
  ])('reads raw text as if it were the line: $form', async ({ raw, expected }) => {
    const code = raw === '' ? 'TRUNCATED_INPUT' : 'INVALID_JSON';
    const items = await readAll(await ndjsonFile(`${JSON.stringify({ code, reason: 'r', source, raw })}\n`));
    expect(items.map(summary)).toEqual(expected);
  });

  it('replays the dead-letter fixture', async () => {
    const items = await readAll(join(import.meta.dirname, '../../fixtures/dead-letters.ndjson'));
    expect(items.map(summary)).toEqual(['record msg-0030 line 1', 'record msg-0014 line 2', 'INVALID_JSON line 3', 'INVALID_RECORD line 4', 'TRUNCATED_INPUT line 5']);
  });

  it('leaves an object that only looks a bit like a dead letter as a record', async () => {
    const notQuite = { code: 'X', source: 'events.ndjson', event: { type: 'track' } };
    const items = await readAll(await ndjsonFile(`${JSON.stringify(notQuite)}\n`));
    expect(items).toEqual([expect.objectContaining({ kind: 'record', call: notQuite })]);
  });
});

describe('the events fixture', () => {
  it('reads every kind of line at its place', async () => {
    const items = await readAll(join(import.meta.dirname, '../../fixtures/events.ndjson'));
    const invalid = items.filter((item) => item.kind === 'invalid').map(summary);
    expect(invalid).toEqual(['INVALID_JSON line 15', 'INVALID_RECORD line 16']);
    expect(items.filter((item) => item.position.line === 8).map(summary)).toEqual(['record msg-0007 line 8 #0', 'record msg-0008 line 8 #1']);
    const lines = new Set(items.map((item) => item.position.line));
    expect(lines.has(7) || lines.has(19)).toBe(false); // the blank lines
    expect(items).toHaveLength(25);
  });
});

describe('an input is read to its size when the run listed it', () => {
  it('lines appended afterwards are not read, from the start or from a resume point', async () => {
    const first = `${call('m1')}\n${call('m2')}\n`;
    const path = await ndjsonFile(first);
    const size = Buffer.byteLength(first);
    await writeFile(path, `${first}${call('m3')}\n`);
    const read = async (options: ReadOptions = {}) => {
      const items: string[] = [];
      for await (const item of openInput({ path, format: 'ndjson', size }, options)) items.push(summary(item));
      return items;
    };
    expect(await read()).toEqual(['record m1 line 1', 'record m2 line 2']);
    expect(await read({ start: { line: 2, offset: Buffer.byteLength(`${call('m1')}\n`) } })).toEqual(['record m2 line 2']);
    expect(await read({ start: { line: 3, offset: size } })).toEqual([]);
  });
});
