import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINGERPRINT_HEAD_BYTES, fingerprintOf, grewFrom, sameInput } from './fingerprint.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-fingerprint-'));
  path = join(dir, 'events.ndjson');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function content(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + 7) % 251));
}

describe('fingerprintOf', () => {
  it('is the size and the SHA-256 of the first 64 KiB', async () => {
    await writeFile(path, 'hello');
    expect(await fingerprintOf(path)).toEqual({
      size: 5,
      head: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    });
  });

  it('is stable for the same content, and empty files have one too', async () => {
    const bytes = content(200_000);
    await writeFile(path, bytes);
    const first = await fingerprintOf(path);
    await writeFile(join(dir, 'copy'), bytes);
    expect(sameInput(first, await fingerprintOf(join(dir, 'copy')))).toBe(true);
    await writeFile(join(dir, 'empty'), '');
    expect((await fingerprintOf(join(dir, 'empty'))).size).toBe(0);
  });

  it('changes when any byte of the first 64 KiB changes', async () => {
    const bytes = content(200_000);
    await writeFile(path, bytes);
    const original = await fingerprintOf(path);
    for (const at of [0, 1000, FINGERPRINT_HEAD_BYTES - 1]) {
      const changed = Buffer.from(bytes);
      changed[at] = (changed[at]! + 1) % 256;
      await writeFile(path, changed);
      const fingerprint = await fingerprintOf(path);
      expect(fingerprint.size).toBe(original.size);
      expect(fingerprint.head).not.toBe(original.head);
      expect(sameInput(original, fingerprint)).toBe(false);
    }
  });

  it('changes when the size changes, an appended file included', async () => {
    const bytes = content(100_000);
    await writeFile(path, bytes);
    const original = await fingerprintOf(path);
    await appendFile(path, '{"type":"track"}\n');
    const grown = await fingerprintOf(path);
    expect(grown.head).toBe(original.head);
    expect(sameInput(original, grown)).toBe(false);
  });

  it('does not see a same-size change past the first 64 KiB (the documented limit)', async () => {
    const bytes = content(100_000);
    await writeFile(path, bytes);
    const original = await fingerprintOf(path);
    bytes[FINGERPRINT_HEAD_BYTES] = (bytes[FINGERPRINT_HEAD_BYTES]! + 1) % 256;
    await writeFile(path, bytes);
    expect(sameInput(original, await fingerprintOf(path))).toBe(true);
  });
});

describe('sameInput', () => {
  it('is exact equality of size and head', () => {
    expect(sameInput({ size: 1, head: 'a' }, { size: 1, head: 'a' })).toBe(true);
    expect(sameInput({ size: 1, head: 'a' }, { size: 2, head: 'a' })).toBe(false);
    expect(sameInput({ size: 1, head: 'a' }, { size: 1, head: 'b' })).toBe(false);
  });
});

describe('grewFrom', () => {
  it.each([
    ['a small file appended to', 1_000, (b: Buffer) => Buffer.concat([b, Buffer.from('{"type":"track"}\n')]), true],
    ['a large file appended to', 100_000, (b: Buffer) => Buffer.concat([b, Buffer.from('{"type":"track"}\n')]), true],
    ['a small file with a line added at its start', 1_000, (b: Buffer) => Buffer.concat([Buffer.from('{"type":"track"}\n'), b]), false],
    ['a large file with a line added at its start', 100_000, (b: Buffer) => Buffer.concat([Buffer.from('{"type":"track"}\n'), b]), false],
    ['a file cut short', 1_000, (b: Buffer) => b.subarray(0, 500), false],
    ['the same file', 1_000, (b: Buffer) => b, false],
  ])('%s: %s', async (_name, size, change, grew) => {
    const bytes = content(size);
    await writeFile(path, bytes);
    const saved = await fingerprintOf(path);
    await writeFile(path, change(bytes));
    expect(await grewFrom(path, saved, await fingerprintOf(path))).toBe(grew);
  });
});
