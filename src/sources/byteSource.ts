import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { inputErrorFrom } from './errors.js';
import { GzipDamage, gunzip } from './gunzip.js';

export { GzipDamage };

const GZIP_MAGIC = [0x1f, 0x8b] as const;
// Large reads keep the disk ahead of the parser (the readers cut each chunk into small
// batches of records, see batchPieces).
const CHUNK_BYTES = 512 * 1024;

/**
 * The decompressed bytes of one input, as chunks, ending with a GzipDamage when the gzip
 * data is cut short or corrupt.
 */
export interface ByteSource extends AsyncIterable<Buffer | GzipDamage> {
  /** Offset of the first chunk in the decompressed stream: the seek position, else 0. */
  readonly firstOffset: number;
  /** Bytes consumed from disk or the stream, a seek's skipped bytes included. */
  readonly bytesRead: number;
  /** Releases the input when it will not be iterated (iterating releases it at the end). */
  close(): void;
}

export interface OpenBytesOptions {
  /**
   * Where to start: honoured only for a plain regular file, which can seek. Any other
   * input starts at 0 and its reader skips forward by itself.
   */
  seekTo?: number;
  /** What `-` reads (process.stdin when absent). */
  stdin?: Readable;
  /**
   * Read a regular file only up to this many bytes (its size when the run started): a
   * file still being written is read to the same point by both readings of a run.
   */
  limit?: number;
}

/**
 * Opens an input for reading. gzip is recognised by its magic bytes, never by the name:
 * S3 hands out `.gz` files that are already decompressed.
 */
export async function openBytes(path: string, options: OpenBytesOptions = {}): Promise<ByteSource> {
  if (path === '-') return streamSource(path, options.stdin ?? process.stdin);

  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw inputErrorFrom(path, error);
  }
  try {
    const info = await handle.stat();
    // A pipe (`<(zcat …)`) or device cannot seek: read it like standard input.
    if (!info.isFile()) return streamSource(path, handle.createReadStream({ highWaterMark: CHUNK_BYTES }));
    const magic = Buffer.alloc(GZIP_MAGIC.length);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    const gzip = bytesRead === magic.length && isGzipMagic(magic);
    const firstOffset = gzip ? 0 : (options.seekTo ?? 0);
    if (options.limit !== undefined && options.limit <= firstOffset) {
      // Nothing before the limit is left to read.
      await handle.close();
      return new CountingSource(path, Readable.from([]), false, firstOffset, () => undefined);
    }
    // `end` is inclusive.
    const end = options.limit === undefined ? undefined : options.limit - 1;
    const stream = handle.createReadStream({ start: firstOffset, end, highWaterMark: CHUNK_BYTES });
    return new CountingSource(path, stream, gzip, firstOffset, () => stream.destroy());
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw inputErrorFrom(path, error);
  }
}

function isGzipMagic(head: Buffer): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/**
 * Counts the raw bytes as they are read, and decompresses them when they are gzip. An
 * I/O error surfaces as an InputError naming the input.
 */
class CountingSource implements ByteSource {
  bytesRead: number;

  constructor(
    private readonly path: string,
    private readonly raw: AsyncIterable<Buffer | string>,
    private readonly gzip: boolean,
    readonly firstOffset: number,
    readonly close: () => void,
  ) {
    this.bytesRead = firstOffset;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer | GzipDamage> {
    const chunks = this.counted();
    return (this.gzip ? gunzip(chunks) : chunks)[Symbol.asyncIterator]();
  }

  private async *counted(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of this.raw) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        this.bytesRead += bytes.length;
        yield bytes;
      }
    } catch (error) {
      throw inputErrorFrom(this.path, error);
    }
  }
}

/**
 * A stream cannot be peeked at without consuming it: its first bytes are read to sniff the
 * gzip magic, then replayed in front of the rest.
 */
async function streamSource(path: string, stream: Readable): Promise<ByteSource> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (headBytes < GZIP_MAGIC.length) {
      const next = await iterator.next();
      if (next.done === true) {
        ended = true;
        break;
      }
      const bytes = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      head.push(bytes);
      headBytes += bytes.length;
    }
  } catch (error) {
    throw inputErrorFrom(path, error);
  }
  const first = Buffer.concat(head, headBytes);
  async function* replayed(): AsyncGenerator<Buffer | string> {
    if (first.length > 0) yield first;
    if (ended) return;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      // Reading stopped early: let the stream release what it holds.
      await iterator.return?.();
    }
  }
  return new CountingSource(path, replayed(), isGzipMagic(first), 0, () => void iterator.return?.());
}
