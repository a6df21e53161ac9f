// Files as tools write them (docs/mapping.md#files-as-tools-write-them): read right, or
// refused as a whole with the fix, whatever wrote them.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { GzipDamage } from './gunzip.js';
import { inspectInputs } from './inspectInputs.js';
import { listInputs } from './listInputs.js';
import { openInput } from './openInput.js';
import { crLinesAsLf, decoded } from './textStream.js';
import type { InputFile, ReadOptions, SourceItem, StartAt } from './types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-tools-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, `${++count}-${name}`);
  await writeFile(path, content);
  return path;
}

async function readAll(input: InputFile, options: ReadOptions = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of openInput(input, options)) items.push(item);
  return items;
}

/** The calls, or the codes of what did not read. */
const callsOf = (items: SourceItem[]): unknown[] => items.map((item) => (item.kind === 'record' ? item.call : item.code));

async function refusal(run: () => Promise<unknown>): Promise<InputError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('not refused');
}

const CSV = 'type,userId,traits.email,traits.lastName\nidentify,u1,a@b.co,Müller\nidentify,u2,c@d.co,Nuñez\n';
const CANONICAL = [
  { type: 'identify', userId: 'u1', traits: { email: 'a@b.co', lastName: 'Müller' } },
  { type: 'identify', userId: 'u2', traits: { email: 'c@d.co', lastName: 'Nuñez' } },
];

describe('compression by magic bytes', () => {
  it.each([
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00], 'zstd -d'],
    ['bzip2', [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41], 'bunzip2 -k'],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz -dk'],
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], 'unzip'],
  ])('refuses %s, from a file whatever its name and from standard input, with the command that decompresses it', async (name, magic, command) => {
    const bytes = Buffer.concat([Buffer.from(magic), Buffer.alloc(100, 7)]);
    const path = await file('events.ndjson', bytes);
    const error = await refusal(() => readAll({ path, format: 'ndjson' }));
    expect(error.message).toBe(`${path}: it is ${name}-compressed, which hubspot-sync does not read (only gzip): decompress it first (${command} ${path}) and pass the result`);
    const stdin = await refusal(() => readAll({ path: '-', format: 'csv' }, { stdin: Readable.from([bytes.subarray(0, 1), bytes.subarray(1)]) }));
    expect(stdin.message).toContain(`${name}-compressed`);
  });

  it('still reads gzip, and a file that merely starts like a compression is text', async () => {
    expect(callsOf(await readAll({ path: await file('a.csv', gzipSync(CSV)), format: 'csv' }))).toEqual(CANONICAL);
    expect(callsOf(await readAll({ path: await file('b.csv', 'BZ,userId\nx,u1\n'), format: 'csv' }, { type: 'identify' }))).toEqual([{ type: 'identify', userId: 'u1', traits: { bz: 'x' } }]);
  });
});

describe('encodings', () => {
  const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string): Buffer => {
    const le = Buffer.from(text, 'utf16le');
    return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
  };

  it.each<[string, Buffer, ReadOptions]>([
    ['UTF-16LE with its BOM (Excel "Unicode text")', utf16le(CSV), {}],
    ['UTF-16BE with its BOM', utf16be(CSV), {}],
    ['UTF-16LE with its BOM, gzipped', gzipSync(utf16le(CSV)), {}],
    ['UTF-16LE without a BOM, named', Buffer.from(CSV, 'utf16le'), { encoding: 'utf-16le' }],
    ['Windows-1252, named', Buffer.from(CSV, 'latin1'), { encoding: 'windows-1252' }],
    ['Latin-1, named', Buffer.from(CSV, 'latin1'), { encoding: 'latin1' }],
    ['UTF-8, named', Buffer.from(CSV), { encoding: 'utf-8' }],
    ['UTF-8 with a BOM and CRLF', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV.replaceAll('\n', '\r\n'))]), {}],
  ])('reads %s', async (_, bytes, options) => {
    expect(callsOf(await readAll({ path: await file('x.csv', bytes), format: 'csv' }, options))).toEqual(CANONICAL);
  });

  it('reads UTF-16 NDJSON by its BOM too', async () => {
    const ndjson = CANONICAL.map((call) => JSON.stringify(call)).join('\n') + '\n';
    expect(callsOf(await readAll({ path: await file('x.ndjson', utf16le(ndjson)), format: 'ndjson' }))).toEqual(CANONICAL);
  });

  it('keeps a Windows-1252 file read without --encoding a dead letter per row, with the --encoding hint', async () => {
    const items = await readAll({ path: await file('x.csv', Buffer.from(CSV, 'latin1')), format: 'csv' });
    expect(callsOf(items)).toEqual(['INVALID_RECORD', 'INVALID_RECORD']);
    expect(items[0]).toMatchObject({ reason: expect.stringContaining('--encoding') as unknown });
  });

  it('decodes whatever the chunk boundaries (a character split between chunks is joined)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }), async (text, sizes) => {
        const bytes = utf16le(text);
        const chunks: Buffer[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = sizes[i % sizes.length] as number;
          chunks.push(bytes.subarray(at, at + size));
          at += size;
        }
        const out: Buffer[] = [];
        for await (const chunk of decoded(Readable.from(chunks), undefined)) if (!(chunk instanceof GzipDamage)) out.push(chunk);
        expect(Buffer.concat(out).toString('utf8')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('resumes a UTF-16 file from a record: offsets count the decoded text, and the lines after it read as in one go', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `identify,u${i},p${i}@x.co,Müller ${i}`).join('\r\n');
    const input = { path: await file('resume.csv', utf16le(`type,userId,traits.email,traits.lastName\r\n${rows}\r\n`)), format: 'csv' as const };
    const all = await readAll(input);
    expect(all).toHaveLength(50);
    const cut = all[20] as SourceItem;
    const start: StartAt = { line: cut.position.endLine, offset: cut.position.endOffset };
    expect(await readAll(input, { start })).toEqual(all.slice(21));
  });
});

describe('JSON that is not NDJSON', () => {
  it.each([
    ['a JSON array', '[\n  {"type":"identify","userId":"u1"}\n]\n', `jq -c '.[]'`],
    ['a one-line JSON array', '[{"type":"identify","userId":"u1"}]', `jq -c '.[]'`],
    ['pretty-printed JSON (jq .)', '\n{\n  "type": "identify",\n  "userId": "u1"\n}\n', 'jq -c .'],
  ])('refuses %s with the jq -c fix', async (_, text, fix) => {
    const path = await file('x.json', text);
    const error = await refusal(() => readAll({ path, format: 'ndjson' }));
    expect(error.message).toMatch(new RegExp(`^${path}: it is .*: convert it with ${fix.replace(/[.*'[\]]/g, '\\$&')} ${path} > calls.ndjson`));
  });

  it('reads NDJSON whose later line is an array as a dead letter there, and a one-line object normally', async () => {
    const items = await readAll({ path: await file('x.ndjson', '{"type":"identify","userId":"u1"}\n[1]\n{ "type":"identify","userId":"u2" }\n'), format: 'ndjson' });
    expect(callsOf(items)).toEqual([{ type: 'identify', userId: 'u1' }, 'INVALID_RECORD', { type: 'identify', userId: 'u2' }]);
  });
});

describe('CSV line ends, delimiters and headers', () => {
  it.each([
    ['LF', CSV],
    ['CRLF', CSV.replaceAll('\n', '\r\n')],
    ['a lone CR (classic Mac Excel)', CSV.replaceAll('\n', '\r')],
    ['a lone CR, no newline at the end', CSV.replaceAll('\n', '\r').slice(0, -1)],
  ])('ends lines with %s', async (_, text) => {
    const items = await readAll({ path: await file('x.csv', text), format: 'csv' });
    expect(callsOf(items)).toEqual(CANONICAL);
    expect(items.map((item) => item.position.line)).toEqual([2, 3]);
  });

  it('turns lone CRs into line ends whatever the chunk boundaries, and leaves CRLF and LF text alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', ',', '\r', '\n'), { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), async (chars, size) => {
        const bytes = Buffer.from(chars.join(''));
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
        const out: Buffer[] = [];
        for await (const chunk of crLinesAsLf(Readable.from(chunks))) if (!(chunk instanceof GzipDamage)) out.push(chunk);
        const text = bytes.toString();
        const firstBreak = /\r\n|\r|\n/.exec(text)?.[0];
        expect(Buffer.concat(out).toString()).toBe(firstBreak === '\r' ? text.replaceAll('\r', '\n') : text);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['tabs, by the .tsv name', 'x.tsv', CSV.replaceAll(',', '\t'), {}],
    ['semicolons, sniffed (European Excel)', 'x.csv', CSV.replaceAll(',', ';'), {}],
    ['pipes, sniffed (Redshift UNLOAD)', 'x.csv', CSV.replaceAll(',', '|'), {}],
    ['tabs, sniffed', 'x.csv', CSV.replaceAll(',', '\t'), {}],
    ['colons, named with --delimiter', 'x.csv', CSV.replaceAll(',', ':'), { delimiter: ':' }],
  ])('reads cells separated by %s', async (_, name, text, options: ReadOptions) => {
    const [input] = await listInputs([await file(name, text)]);
    expect(callsOf(await readAll(input as InputFile, options))).toEqual(CANONICAL);
  });

  it('refuses a header naming a column twice, and a warehouse table naming no one, before reading a row', async () => {
    const twice = await file('x.csv', 'id,user_id,email,plan,email\nm1,u1,a@b.co,pro,b@c.co\n');
    expect((await refusal(() => readAll({ path: twice, format: 'csv' }))).message).toBe(`${twice}: its header names the column "email" twice (columns 3 and 5), so either could be meant: rename or drop one in the export and run again`);
    const nobody = await file('x.csv', 'ID,EVENT,TIMESTAMP\nm1,e,2026-03-02\n');
    expect((await refusal(() => readAll({ path: nobody, format: 'csv' }))).message).toMatch(/no user_id, anonymous_id or email column.*\(columns found: ID, EVENT, TIMESTAMP\)/);
  });
});

describe('inspectInputs: every input judged before anything is read for sending', () => {
  it('throws the refusal of a later input, and tells of sniffed delimiters', async () => {
    const good = (await listInputs([await file('a.csv', CSV.replaceAll(',', ';'))]))[0] as InputFile;
    const tsv = (await listInputs([await file('b.tsv', CSV.replaceAll(',', '\t'))]))[0] as InputFile;
    expect(await inspectInputs([good, tsv], {})).toEqual([`${good.path}: reading cells separated by semicolons (;), as its header is (pass --delimiter to choose another)`]);
    const bad = { path: await file('c.json', '[{"type":"identify"}]'), format: 'ndjson' as const };
    expect((await refusal(() => inspectInputs([good, bad], {}))).message).toContain('jq -c');
  });

  it('reads the head only: a large file is judged by its first records', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `identify,u${i},p${i}@x.co,X`).join('\n');
    const big = { path: await file('big.csv', `type,userId,traits.email,traits.lastName\n${rows}\n`), format: 'csv' as const };
    const reader = openInput(big);
    for await (const batch of reader.batches()) if (batch.length > 0) break;
    expect(reader.bytesRead).toBeLessThan((await readFile(big.path)).length);
    expect(await inspectInputs([big], {})).toEqual([]);
  });
});
