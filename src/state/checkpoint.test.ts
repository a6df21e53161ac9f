import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { emptyTally } from '../report/tally.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sampleCheckpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  const tally = emptyTally();
  tally.counts.read = 3;
  tally.counts.delivered = 3;
  return {
    version: 1,
    inputs: {
      'events.ndjson': { fingerprint: { size: 1234, head: 'ab'.repeat(32) }, watermark: { line: 4, offset: 300 }, done: false, size: 1234 },
    },
    tally,
    deadLetterLength: 0,
    startedAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:02.000Z',
    status: 'running',
    runs: 1,
    ...overrides,
  };
}

describe('checkpoint file', () => {
  it('reads back what was written', async () => {
    const checkpoint = sampleCheckpoint({ message: 'stopped by SIGINT', status: 'interrupted', deadLetterFile: { dev: '2049', ino: '1234567', tail: 'ab'.repeat(32) } });
    await writeCheckpoint(dir, checkpoint);
    expect(await readCheckpoint(dir)).toEqual(checkpoint);
  });

  it('is undefined when there is none', async () => {
    expect(await readCheckpoint(dir)).toBeUndefined();
  });

  it('is written with mode 0600 and leaves no temporary file behind', async () => {
    await writeCheckpoint(dir, sampleCheckpoint());
    await writeCheckpoint(dir, sampleCheckpoint({ runs: 2 }));
    expect(await readdir(dir)).toEqual(['checkpoint.json']);
    expect((await stat(join(dir, 'checkpoint.json'))).mode & 0o777).toBe(0o600);
  });

  it('replaces a wider-open file with a private one', async () => {
    await writeFile(join(dir, 'checkpoint.json'), '{}');
    await chmod(join(dir, 'checkpoint.json'), 0o644);
    await writeCheckpoint(dir, sampleCheckpoint());
    expect((await stat(join(dir, 'checkpoint.json'))).mode & 0o777).toBe(0o600);
  });

  it('replaces the file rather than rewriting it in place', async () => {
    await writeCheckpoint(dir, sampleCheckpoint());
    const before = await stat(join(dir, 'checkpoint.json'));
    await writeCheckpoint(dir, sampleCheckpoint({ runs: 2 }));
    const after = await stat(join(dir, 'checkpoint.json'));
    // A new inode: readers (and a crash) see the old file or the new one, never a mix.
    expect(after.ino).not.toBe(before.ino);
    expect((await readCheckpoint(dir))?.runs).toBe(2);
  });

  const damaged: [string, string][] = [
    ['truncated JSON', '{"version":1,"inputs":{'],
    ['an empty file', ''],
    ['not an object', '[1,2]'],
    ['another version', JSON.stringify({ ...sampleCheckpoint(), version: 2 })],
    ['an input without a watermark', JSON.stringify({ ...sampleCheckpoint(), inputs: { a: { fingerprint: { size: 1, head: 'x' }, done: false } } })],
    ['a negative offset', JSON.stringify({ ...sampleCheckpoint(), inputs: { a: { fingerprint: { size: 1, head: 'x' }, watermark: { line: 1, offset: -1 }, done: false } } })],
    ['no tally', JSON.stringify({ ...sampleCheckpoint(), tally: undefined })],
    ['an unknown status', JSON.stringify({ ...sampleCheckpoint(), status: 'sleeping' })],
    ['a dead-letter file described without its inode', JSON.stringify({ ...sampleCheckpoint(), deadLetterFile: { dev: '1', tail: 'ab' } })],
  ];
  it.each(damaged)('refuses %s with a message naming the file and --fresh', async (_what, text) => {
    const path = join(dir, 'checkpoint.json');
    await writeFile(path, text);
    const error = await readCheckpoint(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('--fresh');
  });

  it('writes JSON a person can read', async () => {
    await writeCheckpoint(dir, sampleCheckpoint());
    const text = await readFile(join(dir, 'checkpoint.json'), 'utf8');
    expect(text).toContain('\n  "inputs": {');
    expect(text.endsWith('}\n')).toBe(true);
  });
});
