// Buffered NDJSON output. Millions of small writes to a stream are slow; batching them
// into ~64 KiB chunks and honouring back-pressure keeps memory flat and output fast.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, fstat, fsync, open, type WriteStream } from 'node:fs';
import { chmod, open as openFile, stat, truncate } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { writeFailure } from '../errors.js';
import { plannedFault, noSpaceError, type WriteKind } from '../state/writeFaults.js';

const CHUNK = 64 * 1024;
/** Bytes at the end of a file whose hash tells a resumed run it is the file it wrote. */
const TAIL_BYTES = 4096;

/**
 * What a checkpoint remembers of a file a run appends to: its length, and enough to tell
 * later that the file at that path is still the one written (the device and inode, and a
 * hash of the last bytes before `length`).
 */
export interface FileMark {
  length: number;
  dev: string;
  ino: string;
  /** SHA-256 (hex) of the last TAIL_BYTES bytes before `length` (fewer when shorter). */
  tail: string;
}

/** A reader that went away: `| head` closed the pipe. */
function isClosedOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET';
}

export class LineWriter {
  private buffer: string[] = [];
  private buffered = 0;
  private bytes = 0;
  /** The reader of a stream went away: lines are dropped from then on. */
  private gone = false;
  /** The last bytes written to a file (up to TAIL_BYTES), for its mark. */
  private tail: Buffer = Buffer.alloc(0);
  /**
   * Why a write to the file failed (a full disk): the stream is destroyed then and will
   * never emit 'drain' again, so every later write fails at once instead of waiting.
   */
  private broken?: unknown;

  private constructor(
    private readonly stream: Writable,
    private readonly file?: { stream: WriteStream; fd: number; dev: string; ino: string; path: string; kind?: WriteKind },
  ) {}

  /**
   * Lines to a stream the caller owns (standard output). If its reader goes away (a
   * closed pipe), `closed` turns true and further lines are dropped without an error.
   */
  static toStream(stream: Writable): LineWriter {
    const writer = new LineWriter(stream);
    stream.on('error', (error) => {
      if (isClosedOutput(error)) writer.gone = true;
    });
    return writer;
  }

  /**
   * Lines appended to a private file (mode 0600: they carry personal data). With
   * `length`, the file is first cut back to it: after a crash, the lines written past the
   * last checkpoint are dropped, so a record re-read from the watermark is not written
   * twice. A length past the file's end never pads it: the file is then appended to.
   */
  static async toFile(path: string, options: { length?: number; kind?: WriteKind } = {}): Promise<LineWriter> {
    const fd = await promisify(open)(path, 'a', 0o600);
    const info = await promisify(fstat)(fd, { bigint: true });
    // Only a regular file is made private and cut back: `--out /dev/null` is a device,
    // whose mode is not ours to change and which cannot be truncated.
    let size = Number(info.size);
    if (info.isFile()) {
      await chmod(path, 0o600);
      if (options.length !== undefined && options.length <= size) {
        await truncate(path, options.length);
        size = options.length;
      }
    }
    const stream = createWriteStream(path, { fd });
    const writer = new LineWriter(stream, { stream, fd, dev: info.dev.toString(), ino: info.ino.toString(), path, kind: options.kind });
    stream.on('error', (error) => (writer.broken ??= error));
    writer.bytes = size;
    if (info.isFile()) writer.tail = await readTail(path, size);
    return writer;
  }

  /** Bytes in the output once everything written so far is flushed. */
  get length(): number {
    let pending = 0;
    for (const line of this.buffer) pending += Buffer.byteLength(line) + 1;
    return this.bytes + pending;
  }

  /** The reader of the stream went away (`| head`): nothing more needs writing. */
  get closed(): boolean {
    return this.gone;
  }

  /**
   * The file as it stands once everything written so far is flushed (synchronous, so a
   * checkpoint takes it at the same instant as the watermarks). Undefined for a stream.
   */
  mark(): FileMark | undefined {
    if (!this.file) return undefined;
    const pending = this.buffer.length === 0 ? '' : this.buffer.join('\n') + '\n';
    const end = Buffer.concat([this.tail, Buffer.from(pending)]);
    return { length: this.length, dev: this.file.dev, ino: this.file.ino, tail: hashTail(end) };
  }

  /** Buffers a line without waiting; callers on a hot path then flush when `full`. */
  push(value: unknown): void {
    this.pushLine(JSON.stringify(value));
  }

  /** Buffers a line already serialised (one JSON text, without its newline). */
  pushLine(line: string): void {
    if (this.gone) return;
    this.buffer.push(line);
    this.buffered += line.length + 1;
  }

  /** Buffers text that already ends in its newline(s), such as a rendered block of lines. */
  pushText(text: string): void {
    this.pushLine(text.endsWith('\n') ? text.slice(0, -1) : text);
  }

  /** A chunk's worth is waiting: time to `flush` (back-pressure for `push`). */
  get full(): boolean {
    return this.buffered >= CHUNK;
  }

  async write(value: unknown): Promise<void> {
    this.push(value);
    if (this.full) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    this.buffer.push(''); // the chunk's last newline, without concatenating another copy
    const chunk = this.buffer.join('\n');
    this.buffer = [];
    this.buffered = 0;
    if (this.gone) return;
    this.throwIfBroken();
    // Encoded once: counting, the tail and the stream all take the same bytes.
    const bytes = Buffer.from(chunk);
    this.bytes += bytes.length;
    if (this.file) {
      this.keepTail(bytes);
      await this.planned();
    }
    try {
      if (!this.stream.write(bytes)) await once(this.stream, 'drain');
    } catch (error) {
      if (this.file) throw writeFailure(this.file.path, error);
      if (!isClosedOutput(error)) throw error;
      this.gone = true;
    }
  }

  /** Flushes and, for files, waits until the bytes are on disk (before a checkpoint names them). */
  async sync(): Promise<void> {
    await this.flush();
    if (!this.file) return;
    this.throwIfBroken();
    const { path } = this.file;
    try {
      await this.planned();
      await new Promise<void>((resolve, reject) => this.stream.write('', (err) => (err ? reject(err) : resolve())));
      await promisify(fsync)(this.file.fd);
    } catch (error) {
      throw writeFailure(path, error);
    }
  }

  /** Flushes and closes; a file whose writes already failed is only let go (its failure was reported). */
  async close(): Promise<void> {
    if (this.broken !== undefined) return;
    await this.flush();
    if (!this.file) return;
    this.file.stream.end();
    await once(this.file.stream, 'close');
    this.throwIfBroken();
  }

  private throwIfBroken(): void {
    if (this.file && this.broken !== undefined) throw writeFailure(this.file.path, this.broken);
  }

  /** The test setting's fault for this file (src/state/writeFaults.ts): a failure as the stream itself reports one. */
  private async planned(): Promise<void> {
    const fault = this.file?.kind && plannedFault(this.file.kind);
    if (fault === 'hang') await new Promise<never>(() => undefined);
    if (fault === 'fail') {
      this.stream.destroy(noSpaceError());
      await once(this.stream, 'close').catch(() => undefined);
      this.throwIfBroken();
    }
  }

  /** A copy: a view would keep the whole written chunk alive. */
  private keepTail(bytes: Buffer): void {
    this.tail = Buffer.from(bytes.length >= TAIL_BYTES ? bytes.subarray(bytes.length - TAIL_BYTES) : Buffer.concat([this.tail, bytes]).subarray(-TAIL_BYTES));
  }
}

function hashTail(end: Buffer): string {
  return createHash('sha256').update(end.subarray(Math.max(0, end.length - TAIL_BYTES))).digest('hex');
}

/** The last TAIL_BYTES bytes before `length` of the file at `path`. */
async function readTail(path: string, length: number): Promise<Buffer> {
  const from = Math.max(0, length - TAIL_BYTES);
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(length - from);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Whether the file at `path` is, up to `mark.length`, the one a checkpoint described: the
 * same device and inode, at least that long, and the same last bytes before that length.
 * Anything else (moved away, replaced, cut short, edited) must not be cut back.
 */
export async function sameFileAsMarked(path: string, mark: FileMark): Promise<{ same: true } | { same: false; why: string }> {
  let info;
  try {
    info = await stat(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { same: false, why: 'it is gone (moved or removed)' };
    throw error;
  }
  if (!info.isFile()) return { same: false, why: 'it is not a regular file' };
  if (info.dev.toString() !== mark.dev || info.ino.toString() !== mark.ino) return { same: false, why: 'it was replaced by another file' };
  if (Number(info.size) < mark.length) return { same: false, why: `it is shorter (${info.size} bytes) than the ${mark.length} the checkpoint counts` };
  if (hashTail(await readTail(path, mark.length)) !== mark.tail) return { same: false, why: 'its content was changed' };
  return { same: true };
}
