import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallType } from '../core/types.js';
import { openInput } from './openInput.js';
import type { FileFormat, ReadOptions, SourceItem } from './types.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures', name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-resume-'));
  const call = (id: string): string => JSON.stringify({ type: 'track', messageId: id, event: 'E' });
  const mixed = [call('m1'), '', `{"batch":[${call('m2')},5,${call('m3')}]}`, '{"broken', '   ', call('m4'), `{"batch":[]}`, call('m5')].join('\r\n');
  await writeFile(join(dir, 'mixed.ndjson'), mixed); // no newline after the last line
  await writeFile(join(dir, 'bad-rows.csv.gz'), gzipSync(await readFile(fixture('bad/bad-rows.csv'))));
  const multiLine = 'type,messageId,traits.note\n' + Array.from({ length: 400 }, (_, i) => `identify,m${i},"note ${noise(i)}\nsecond ${noise(i + 1)}\nthird"`).join('\n') + '\n';
  await writeFile(join(dir, 'cut.csv.gz'), cutInsideRow(gzipSync(multiLine)));
  const actions = 'event_type:message_id:user_id:event_name:properties\n' + [
    '"track":"a1":"u1":"E":"{""note"":""first: one""}"',
    '"track":"a2":"u1":"E: two\nlines":""',
    '"track":"a3":"u2":"E":"not json"',
    '"identify":"a4":"u3":"":""',
  ].join('\n');
  await writeFile(join(dir, 'actions-colon.txt'), actions);
  await writeFile(join(dir, 'actions-colon.txt.gz'), gzipSync(actions));
});
/** Text that does not compress away, so that a cut gzip stops at a predictable place. */
const noise = (i: number): string => ((i * 2654435761) % 4294967296).toString(36);

/** Cuts gzip data so that what decompresses ends inside a row's second line. */
function cutInsideRow(gzipped: Buffer): Buffer {
  for (let length = Math.floor(gzipped.length * 0.7); length > 0; length--) {
    const cut = gzipped.subarray(0, length);
    const text = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    if (text.slice(text.lastIndexOf('\n') + 1).startsWith('sec')) return cut;
  }
  throw new Error('no cut found');
}

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string, format: FileFormat, options: ReadOptions = {}): Promise<{ items: SourceItem[]; bytesRead: number }> {
  const reader = openInput({ path, format }, options);
  const items: SourceItem[] = [];
  for await (const item of reader) items.push(item);
  return { items, bytesRead: reader.bytesRead };
}

interface Case {
  input: string;
  path: () => string;
  format: FileFormat;
  type?: CallType;
}

const cases: Case[] = [
  { input: 'plain NDJSON', path: () => fixture('events.ndjson'), format: 'ndjson' },
  { input: 'NDJSON with CRLF, batches, bad and blank lines', path: () => join(dir, 'mixed.ndjson'), format: 'ndjson' },
  { input: 'gzip NDJSON in two members', path: () => fixture('events.ndjson.gz'), format: 'ndjson' },
  { input: 'truncated gzip NDJSON', path: () => fixture('bad/truncated.ndjson.gz'), format: 'ndjson' },
  { input: 'dotted CSV', path: () => fixture('identify-dotted.csv'), format: 'csv' },
  { input: 'warehouse CSV with --type', path: () => fixture('warehouse-tracks.csv'), format: 'csv', type: 'track' },
  { input: 'CSV with bad and multi-line rows', path: () => fixture('bad/bad-rows.csv'), format: 'csv' },
  { input: 'gzip CSV', path: () => join(dir, 'bad-rows.csv.gz'), format: 'csv' },
  { input: 'truncated gzip CSV with multi-line rows', path: () => join(dir, 'cut.csv.gz'), format: 'csv' },
  { input: 'Actions CSV with pipes', path: () => fixture('actions/pipe.csv'), format: 'csv' },
  { input: 'Actions CSV with tabs in a .txt', path: () => fixture('actions/tab.txt'), format: 'txt' },
  { input: 'Actions CSV with colons, a multi-line cell and a bad row', path: () => join(dir, 'actions-colon.txt'), format: 'txt' },
  { input: 'gzip Actions CSV with colons, a multi-line cell and a bad row', path: () => join(dir, 'actions-colon.txt.gz'), format: 'txt' },
];

/**
 * Resumes after every record near either end of an input (the header, the first rows, a cut
 * or truncated tail) and after every seventh in between: each resume reads the input again,
 * and in the middle of a long input one row is like the next.
 */
function resumePointTried(k: number, length: number): boolean {
  return k < 30 || k >= length - 30 || k % 7 === 0;
}

describe('resume from a record\'s end position', () => {
  it.each(cases)('yields exactly the tail of a full read: $input', async ({ path, format, type }) => {
    const typed = type ? { type } : {};
    const full = (await readAll(path(), format, typed)).items;
    expect(full.length).toBeGreaterThan(2);
    let resumes = 0;
    for (let k = 0; k < full.length; k++) {
      if (!resumePointTried(k, full.length)) continue;
      const { endLine, endOffset } = (full[k] as SourceItem).position;
      // The elements of one batch line share their end: resume only after the last one.
      if (full[k + 1]?.position.endOffset === endOffset) continue;
      const resumed = await readAll(path(), format, { ...typed, start: { line: endLine, offset: endOffset } });
      expect(resumed.items, `resumed after item ${k}`).toEqual(full.slice(k + 1));
      expect(resumed.bytesRead).toBe((await stat(path())).size);
      resumes++;
    }
    expect(resumes).toBeGreaterThan(2);
  });

  it('seeks a plain file instead of re-reading it', async () => {
    const path = fixture('events.ndjson');
    const full = (await readAll(path, 'ndjson')).items;
    const second = full[1] as SourceItem;
    // A line number that does not match the bytes before the offset shows that they were
    // not read: numbering simply continues from the resume point.
    const resumed = await readAll(path, 'ndjson', { start: { line: 100, offset: second.position.offset } });
    expect(resumed.items[0]).toEqual({ ...second, position: { ...second.position, line: 100, endLine: 101 } });
  });

  it('skips a gzip input to the start line, whatever the offset', async () => {
    const full = (await readAll(fixture('events.ndjson.gz'), 'ndjson')).items;
    const resumed = await readAll(fixture('events.ndjson.gz'), 'ndjson', { start: { line: 11, offset: 1 } });
    expect(resumed.items).toEqual(full.filter((item) => item.position.line >= 11));
  });

  it('reads a CSV header before seeking into the rows', async () => {
    const path = fixture('warehouse-identifies.csv');
    const full = (await readAll(path, 'csv', { type: 'identify' })).items;
    const last = full.at(-1) as SourceItem;
    const resumed = await readAll(path, 'csv', { type: 'identify', start: { line: last.position.line, offset: last.position.offset } });
    expect(resumed.items).toEqual([last]);
    expect(last.kind === 'record' && last.call['messageId']).toBe('msg-0203');
  });
});
