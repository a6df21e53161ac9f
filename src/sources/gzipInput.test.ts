import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_CHUNK_BYTES } from './gunzip.js';
import { openInput } from './openInput.js';
import type { InputReader, SourceItem } from './types.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures', name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-gzip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(reader: InputReader): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of reader) items.push(item);
  return items;
}
const read = (path: string): Promise<SourceItem[]> => readAll(openInput({ path, format: 'ndjson' }));
const withoutFile = (items: SourceItem[]): unknown[] => items.map((item) => ({ ...item, position: { ...item.position, file: '' } }));
const summary = (item: SourceItem): string => `${item.kind === 'record' ? 'record' : item.code} line ${item.position.line}`;

/** What a correct reader recovers from damaged gzip data: every byte zlib can decode. */
function decodable(gzip: Buffer): Buffer {
  return gunzipSync(gzip, { finishFlush: constants.Z_SYNC_FLUSH });
}

describe('gzip inputs', () => {
  it('reads concatenated members (split mid-line) exactly like the plain file, offsets in the decompressed stream', async () => {
    const gzipped = await read(fixture('events.ndjson.gz'));
    expect(withoutFile(gzipped)).toEqual(withoutFile(await read(fixture('events.ndjson'))));
    expect(gzipped[0]?.position.file).toBe(fixture('events.ndjson.gz'));
  });

  it('recognises gzip by its magic bytes, not its name', async () => {
    const misnamed = await read(fixture('plain-named.ndjson.gz'));
    expect(misnamed.map(summary)).toEqual(['record line 1', 'record line 2', 'record line 3']);
    const gzipNamedPlain = join(dir, 'export.log');
    await writeFile(gzipNamedPlain, await readFile(fixture('events.ndjson.gz')));
    expect(withoutFile(await read(gzipNamedPlain))).toEqual(withoutFile(await read(fixture('events.ndjson'))));
  });

  it('reads everything before a truncation, then one TRUNCATED_INPUT for the partial line', async () => {
    const items = await read(fixture('bad/truncated.ndjson.gz'));
    expect(items.map(summary)).toEqual(['record line 1', 'record line 2', 'record line 3', 'record line 4', 'TRUNCATED_INPUT line 5']);
    const fifth = (await readFile(fixture('events.ndjson'), 'utf8')).split('\n')[4] as string;
    const truncated = items[4];
    expect(truncated).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('ends early') });
    const raw = truncated?.kind === 'invalid' ? (truncated.raw ?? '') : '';
    expect(raw.length).toBeGreaterThan(0);
    expect(fifth.startsWith(raw) && raw !== fifth).toBe(true);
  });

  it('still reports a truncation that falls on a line boundary', async () => {
    const items = await read(fixture('bad/truncated-at-line-end.ndjson.gz'));
    expect(items.map(summary)).toEqual(['record line 1', 'record line 2', 'record line 3', 'record line 4', 'record line 5', 'TRUNCATED_INPUT line 6']);
    expect(items[5]).toMatchObject({ raw: '', position: { offset: items[4]?.position.endOffset } });
  });

  it('turns corrupt gzip data into TRUNCATED_INPUT instead of failing', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ type: 'track', messageId: `m${i}`, event: 'E' }) + '\n');
    const member = gzipSync(lines.join(''));
    // A second member whose header names an unknown compression method.
    const path = join(dir, 'corrupt.gz');
    await writeFile(path, Buffer.concat([member, Buffer.from([0x1f, 0x8b, 0x63, 0, 0, 0, 0, 0, 0, 0]), member]));
    const items = await read(path);
    expect(items.at(-1)).toMatchObject({ kind: 'invalid', code: 'TRUNCATED_INPUT', reason: expect.stringContaining('corrupt') });
    expect(items.slice(0, -1).every((item) => item.kind === 'record')).toBe(true);
    // What zlib was decoding when it met the corruption (one output chunk) is lost.
    const perChunk = Math.ceil(OUTPUT_CHUNK_BYTES / (lines[0] as string).length);
    expect(items.length - 1).toBeGreaterThanOrEqual(lines.length - perChunk);
  });

  it('loses nothing before a truncation even when the reader is slow', async () => {
    // zlib's stream drops output a slow reader has not taken yet when it fails.
    const text = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ type: 'track', messageId: `m${i}`, event: 'Order Completed', properties: { n: i } })).join('\n') + '\n';
    const gzip = gzipSync(text);
    const cut = gzip.subarray(0, Math.floor(gzip.length * 0.6));
    const path = join(dir, 'slow.gz');
    await writeFile(path, cut);
    const expectedLines = decodable(cut).toString().split('\n').length - 1;
    let records = 0;
    let truncated = 0;
    for await (const item of openInput({ path, format: 'ndjson' })) {
      if (item.kind === 'record') records++;
      else if (item.code === 'TRUNCATED_INPUT') truncated++;
      if (records % 500 === 0) await nextTurn();
    }
    expect(records).toBe(expectedLines);
    expect(truncated).toBe(1);
  });

  it('ignores zero padding after the last member', async () => {
    const path = join(dir, 'padded.gz');
    await writeFile(path, Buffer.concat([await readFile(fixture('same-events.ndjson.gz')), Buffer.alloc(64)]));
    expect(withoutFile(await read(path))).toEqual(withoutFile(await read(fixture('same-events.ndjson'))));
  });

  it('counts compressed bytes read, up to the file size', async () => {
    const reader = openInput({ path: fixture('events.ndjson.gz'), format: 'ndjson' });
    expect(reader.bytesRead).toBe(0);
    await readAll(reader);
    expect(reader.bytesRead).toBe((await stat(fixture('events.ndjson.gz'))).size);
  });
});
