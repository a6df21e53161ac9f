import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { openInput } from './openInput.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-open-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) void _;
}

describe('openInput', () => {
  it('opens nothing until read, then throws an InputError naming a file that is gone', async () => {
    const missing = join(dir, 'vanished.ndjson');
    const reader = openInput({ path: missing, format: 'ndjson' });
    expect(reader.bytesRead).toBe(0);
    const error = await drain(reader).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(missing);
  });

  it('throws an InputError for a directory', async () => {
    await expect(drain(openInput({ path: dir, format: 'csv' }))).rejects.toThrow(InputError);
  });

  it('is read once', async () => {
    const reader = openInput({ path: join(import.meta.dirname, '../../fixtures/same-events.ndjson'), format: 'ndjson' });
    await drain(reader);
    expect(() => reader[Symbol.asyncIterator]()).toThrow(/already being read/);
  });

  it('stops reading when the reader stops early', async () => {
    const reader = openInput({ path: join(import.meta.dirname, '../../fixtures/same-events.ndjson'), format: 'ndjson' });
    for await (const item of reader) {
      expect(item.position.line).toBe(1);
      break;
    }
    expect(reader.bytesRead).toBeGreaterThan(0);
  });

  it('gives the same items a chunk at a time through batches()', async () => {
    const path = join(dir, 'many.ndjson');
    // ~2 MB: more than one read chunk, so more than one batch.
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ type: 'track', event: 'E', messageId: `m${i}`, userId: `u${i}`, properties: { pad: 'x'.repeat(60) } }));
    await writeFile(path, lines.join('\n') + '\n');
    const one: number[] = [];
    for await (const item of openInput({ path, format: 'ndjson' })) one.push(item.position.line);
    const batched: number[] = [];
    let batches = 0;
    const reader = openInput({ path, format: 'ndjson' });
    for await (const batch of reader.batches()) {
      expect(batch.length).toBeGreaterThan(0);
      batches++;
      for (const item of batch) batched.push(item.position.line);
    }
    expect(batched).toEqual(one);
    expect(one).toHaveLength(20_000);
    expect(batches).toBeGreaterThan(1);
    expect(batches).toBeLessThan(20_000 / 10);
    expect(() => reader.batches()).toThrow(/already being read/);
  });
});
