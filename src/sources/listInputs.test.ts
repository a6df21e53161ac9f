import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { formatFromName, listInputs } from './listInputs.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubspot-sync-list-'));
  const files: Record<string, string> = {
    'segment-logs/src1/1767312000000/b.gz': 'bb',
    'segment-logs/src1/1767312000000/a.gz': 'a',
    'segment-logs/src1/1767225600000/z.gz': 'zzz',
    'segment-logs/src1/1767225600000/.partial.gz': 'x',
    'segment-logs/src1/.staging/c.gz': 'x',
    'segment-logs/.DS_Store': 'x',
    'segment-logs/manifest.csv': 'x',
    'segment-logs/src1/Z-upper.json': 'x',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await symlink(join(root, 'segment-logs'), join(root, 'segment-logs/src1/loop'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('listInputs', () => {
  it('walks a directory recursively in path order, skipping hidden files and folders', async () => {
    const dir = join(root, 'segment-logs');
    const files = await listInputs([dir]);
    expect(files.map((file) => file.path.slice(dir.length + 1))).toEqual([
      'manifest.csv',
      'src1/1767225600000/z.gz', // day by day
      'src1/1767312000000/a.gz',
      'src1/1767312000000/b.gz',
      'src1/Z-upper.json', // code-unit order: digits < upper case
    ]);
    expect(files.map((file) => file.size)).toEqual([1, 3, 1, 2, 1]);
    expect(files.map((file) => file.format)).toEqual(['csv', 'ndjson', 'ndjson', 'ndjson', 'ndjson']);
  });

  it('keeps the order of the arguments and reads a file reached twice once', async () => {
    const day = join(root, 'segment-logs/src1/1767312000000');
    const files = await listInputs([join(day, 'b.gz'), day, '-']);
    expect(files.map((file) => file.path)).toEqual([join(day, 'b.gz'), join(day, 'a.gz'), '-']);
  });

  it('reads a hidden file given by name', async () => {
    const hidden = join(root, 'segment-logs/.DS_Store');
    expect(await listInputs([hidden])).toEqual([{ path: hidden, format: 'ndjson', size: 1 }]);
  });

  it('lets --format override the name', async () => {
    const files = await listInputs([join(root, 'segment-logs/manifest.csv'), '-'], 'ndjson');
    expect(files.map((file) => file.format)).toEqual(['ndjson', 'ndjson']);
  });

  it('refuses a missing path with a message naming it', async () => {
    const missing = join(root, 'nope.ndjson');
    const error = await listInputs([missing]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe(missing);
    expect((error as InputError).message).toBe(`Input not found: ${missing}. Check the path (use - to read standard input).`);
  });

  it('refuses standard input twice', async () => {
    await expect(listInputs(['-', '-'])).rejects.toThrow(InputError);
  });
});

describe('formatFromName', () => {
  it.each([
    ['events.csv', 'csv'],
    ['events.csv.gz', 'csv'],
    ['EVENTS.CSV.GZ', 'csv'],
    ['events.ndjson', 'ndjson'],
    ['events.jsonl', 'ndjson'],
    ['events.json.gz', 'ndjson'],
    ['1767225600000.log', 'ndjson'],
    ['part-0001', 'ndjson'],
    ['csv', 'ndjson'],
    ['events.txt', 'txt'], // CSV or NDJSON: its first line tells
    ['export.TXT.gz', 'txt'],
    ['txt', 'ndjson'],
  ])('%s → %s', (name, format) => {
    expect(formatFromName(name)).toBe(format);
  });
});
