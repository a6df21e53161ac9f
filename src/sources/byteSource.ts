import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { inputErrorFrom, refusedInput } from './errors.js';
import { GzipDamage, gunzip } from './gunzip.js';
import { crLinesAsLf, decoded, isReEncoded, type Encoding } from './textStream.js';

export { GzipDamage };

const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** Enough of the head to tell every compression by its magic bytes (xz's is the longest). */
const MAGIC_BYTES = 6;

/** Compressions that are not read, by their magic bytes, with the command that undoes each. */
const REFUSED_COMPRESSIONS: readonly { name: string; magic: readonly number[]; command: (path: string) => string }[] = [
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], command: (path) => `zstd -d ${path}` },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], command: (path) => `bunzip2 -k ${path}` },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], command: (path) => `xz -dk ${path}` },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], command: (path) => `unzip ${path}` },
];
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
  /** `--encoding`: how text without a byte-order mark is encoded (UTF-8 when absent). */
  encoding?: Encoding | undefined;
  /**
   * Read a regular file only up to this many bytes (its size when the run started): a
   * file still being written is read to the same point by both readings of a run.
   */
  limit?: number;
}

/**
 * Opens an input for reading. gzip is recognised by its magic bytes, never by the name:
 * S3 hands out `.gz` files that are already decompressed. Other compressions are refused
 * (InputError) with the command that decompresses them. Text in another encoding is
 * decoded to UTF-8; its offsets are then those of the decoded text, like a gzip input's
 * are of the decompressed bytes, and it cannot seek (a resume skips lines instead).
 */
export async function openBytes(path: string, options: OpenBytesOptions = {}): Promise<ByteSource> {
  if (path === '-') return streamSource(path, options.stdin ?? process.stdin, options.encoding);

  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw inputErrorFrom(path, error);
  }
  try {
    const info = await handle.stat();
    // A pipe (`<(zcat …)`) or device cannot seek: read it like standard input.
    if (!info.isFile()) return streamSource(path, handle.createReadStream({ highWaterMark: CHUNK_BYTES }), options.encoding);
    const magic = Buffer.alloc(MAGIC_BYTES);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    const head = magic.subarray(0, bytesRead);
    refuseCompressed(path, head);
    const gzip = isGzipMagic(head);
    const firstOffset = gzip || isReEncoded(head, options.encoding) ? 0 : (options.seekTo ?? 0);
    if (options.limit !== undefined && options.limit <= firstOffset) {
      // Nothing before the limit is left to read.
      await handle.close();
      return new CountingSource(path, Readable.from([]), false, firstOffset, () => undefined, options.encoding);
    }
    // `end` is inclusive.
    const end = options.limit === undefined ? undefined : options.limit - 1;
    const stream = handle.createReadStream({ start: firstOffset, end, highWaterMark: CHUNK_BYTES });
    return new CountingSource(path, stream, gzip, firstOffset, () => stream.destroy(), options.encoding);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw inputErrorFrom(path, error);
  }
}

function isGzipMagic(head: Buffer): boolean {
  return head.length >= GZIP_MAGIC.length && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** Throws the refusal of a compression that is not read, naming the command that undoes it. */
function refuseCompressed(path: string, head: Buffer): void {
  const found = REFUSED_COMPRESSIONS.find(({ magic }) => head.length >= magic.length && magic.every((byte, i) => head[i] === byte));
  if (found === undefined) return;
  const shown = path === '-' ? 'the file' : path;
  throw refusedInput(path, `it is ${found.name}-compressed, which hubspot-sync does not read (only gzip): decompress it first (${found.command(shown)}) and pass the result`);
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
    private readonly encoding: Encoding | undefined,
  ) {
    this.bytesRead = firstOffset;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer | GzipDamage> {
    const chunks = this.counted();
    return crLinesAsLf(decoded(this.gzip ? gunzip(chunks) : chunks, this.encoding))[Symbol.asyncIterator]();
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
async function streamSource(path: string, stream: Readable, encoding: Encoding | undefined): Promise<ByteSource> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (headBytes < MAGIC_BYTES) {
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
  refuseCompressed(path, first);
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
  return new CountingSource(path, replayed(), isGzipMagic(first), 0, () => void iterator.return?.(), encoding);
}
