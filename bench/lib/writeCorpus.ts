// Writes a generated corpus to a file as NDJSON, gzipped NDJSON or CSV, streaming: lines
// are gathered into ~1 MiB chunks and handed to a pipeline that honours back-pressure,
// so a 1 GB file costs the same memory as a 1 MB one.
import { existsSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CorpusGenerator, csvHeader, csvRows, ndjsonLine, type CorpusOptions, type CorpusShape, type CorpusStats } from './corpus.js';

export type CorpusFormat = 'ndjson' | 'gzip' | 'csv';

export const CORPUS_FORMATS: readonly CorpusFormat[] = ['ndjson', 'gzip', 'csv'];

const CHUNK_CHARS = 1024 * 1024;

export interface WrittenCorpus {
  path: string;
  format: CorpusFormat;
  stats: CorpusStats;
  /** Size on disk (compressed for gzip). */
  fileBytes: number;
}

function* chunks(generator: CorpusGenerator, format: CorpusFormat): Generator<Buffer> {
  let parts: string[] = [];
  let size = 0;
  const add = (text: string): Buffer | undefined => {
    parts.push(text, '\n');
    size += text.length + 1;
    if (size < CHUNK_CHARS) return undefined;
    const chunk = Buffer.from(parts.join(''));
    generator.stats.bytes += chunk.length;
    parts = [];
    size = 0;
    return chunk;
  };
  if (format === 'csv') {
    const chunk = add(csvHeader());
    if (chunk) yield chunk;
  }
  for (const line of generator.lines()) {
    const texts = format === 'csv' ? csvRows(line) : [ndjsonLine(line)];
    for (const text of texts) {
      const chunk = add(text);
      if (chunk) yield chunk;
    }
  }
  if (parts.length > 0) {
    const chunk = Buffer.from(parts.join(''));
    generator.stats.bytes += chunk.length;
    yield chunk;
  }
}

/** Generates `events` records into `path`; a `<path>.stats.json` beside it describes them. */
export async function writeCorpus(path: string, format: CorpusFormat, events: number, seed: number, options: Pick<CorpusOptions, 'mix' | 'companies' | 'shape'> = {}): Promise<WrittenCorpus> {
  await mkdir(dirname(path), { recursive: true });
  const generator = new CorpusGenerator({ events, seed, ...options });
  const source = Readable.from(chunks(generator, format), { objectMode: false });
  if (format === 'gzip') await pipeline(source, createGzip({ level: 6 }), createWriteStream(path));
  else await pipeline(source, createWriteStream(path));
  const fileBytes = (await stat(path)).size;
  const written: WrittenCorpus = { path, format, stats: generator.stats, fileBytes };
  await writeFile(statsPath(path), JSON.stringify(written, null, 2) + '\n');
  return written;
}

export function statsPath(path: string): string {
  return `${path}.stats.json`;
}

/** The corpus at `path` if it was generated with these parameters, else a fresh one. */
export async function ensureCorpus(path: string, format: CorpusFormat, events: number, seed: number, shape: CorpusShape = 'standard'): Promise<WrittenCorpus> {
  if (existsSync(path) && existsSync(statsPath(path))) {
    const saved = JSON.parse(await readFile(statsPath(path), 'utf8')) as WrittenCorpus;
    const size = (await stat(path)).size;
    const savedShape = saved.stats.shape ?? 'standard';
    if (saved.format === format && saved.stats.events === events && saved.stats.seed === seed && savedShape === shape && saved.fileBytes === size) return { ...saved, path };
  }
  return writeCorpus(path, format, events, seed, { shape });
}

export async function removeCorpus(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(statsPath(path), { force: true });
}

/**
 * How many events make a file of about `bytes` (uncompressed NDJSON/CSV): measured on a
 * 20,000-event sample of the same generator, whose lines have the same size distribution.
 */
export function eventsForBytes(bytes: number, format: CorpusFormat, seed: number, shape: CorpusShape = 'standard'): number {
  const sample = 20_000;
  const generator = new CorpusGenerator({ events: sample, seed, shape });
  let size = 0;
  for (const chunk of chunks(generator, format === 'gzip' ? 'ndjson' : format)) size += chunk.length;
  return Math.max(1, Math.round((bytes / size) * sample));
}
