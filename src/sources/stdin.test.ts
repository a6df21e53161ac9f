import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { listInputs } from './listInputs.js';
import { openInput } from './openInput.js';
import type { InputFormat, ReadOptions, SourceItem } from './types.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures', name);

/** The bytes as a stream delivering them in pieces of `size` bytes. */
function streamOf(bytes: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}

async function readStdin(bytes: Buffer, size: number, format: InputFormat, options: ReadOptions = {}): Promise<{ items: SourceItem[]; bytesRead: number }> {
  const reader = openInput({ path: '-', format }, { ...options, stdin: streamOf(bytes, size) });
  const items: SourceItem[] = [];
  for await (const item of reader) items.push(item);
  return { items, bytesRead: reader.bytesRead };
}

async function readFileItems(path: string, format: InputFormat, options: ReadOptions = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of openInput({ path, format }, options)) items.push(item);
  return items.map((item) => ({ ...item, position: { ...item.position, file: '-' } }));
}

describe('standard input', () => {
  it('is listed as `-`, NDJSON unless --format says otherwise, without a size', async () => {
    expect(await listInputs(['-'])).toEqual([{ path: '-', format: 'ndjson' }]);
    expect(await listInputs(['-'], 'csv')).toEqual([{ path: '-', format: 'csv' }]);
  });

  it.each([1, 2, 7, 4096])('reads NDJSON from the stream (pieces of %i bytes)', async (size) => {
    const bytes = await readFile(fixture('events.ndjson'));
    const { items, bytesRead } = await readStdin(bytes, size, 'ndjson');
    expect(items).toEqual(await readFileItems(fixture('events.ndjson'), 'ndjson'));
    expect(bytesRead).toBe(bytes.length);
  });

  it.each([1, 3, 512])('recognises gzip on the stream (pieces of %i bytes)', async (size) => {
    const bytes = await readFile(fixture('events.ndjson.gz'));
    const { items, bytesRead } = await readStdin(bytes, size, 'ndjson');
    expect(items).toEqual(await readFileItems(fixture('events.ndjson'), 'ndjson'));
    expect(bytesRead).toBe(bytes.length);
  });

  it('reads CSV with --format csv and --type', async () => {
    const bytes = await readFile(fixture('warehouse-tracks.csv'));
    const { items } = await readStdin(bytes, 100, 'csv', { type: 'track' });
    expect(items).toEqual(await readFileItems(fixture('warehouse-tracks.csv'), 'csv', { type: 'track' }));
  });

  it('resumes by skipping to the start line, since it cannot seek', async () => {
    const bytes = await readFile(fixture('events.ndjson'));
    const { items } = await readStdin(bytes, 64, 'ndjson', { start: { line: 20, offset: 3606 } });
    expect(items).toEqual((await readFileItems(fixture('events.ndjson'), 'ndjson')).filter((item) => item.position.line >= 20));
  });

  it('reads an empty stream as nothing', async () => {
    expect((await readStdin(Buffer.alloc(0), 1, 'ndjson')).items).toEqual([]);
    expect((await readStdin(Buffer.from([0x1f]), 1, 'ndjson')).items).toEqual([expect.objectContaining({ code: 'INVALID_JSON' })]);
  });
});
