// Buffered NDJSON output. Millions of small writes to a stream are slow; batching them
// into ~64 KiB chunks and honouring back-pressure keeps memory flat and output fast.
import { once } from 'node:events';
import { createWriteStream, fsync, open, type WriteStream } from 'node:fs';
import { chmod, stat, truncate } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';

const CHUNK = 64 * 1024;

export class LineWriter {
  private buffer: string[] = [];
  private buffered = 0;
  private bytes = 0;

  private constructor(
    private readonly stream: Writable,
    private readonly file?: { stream: WriteStream; fd: number },
  ) {}

  /** Lines to a stream the caller owns (standard output). */
  static toStream(stream: Writable): LineWriter {
    return new LineWriter(stream);
  }

  /**
   * Lines appended to a private file (mode 0600: they carry personal data). With
   * `length`, the file is first cut back to it: after a crash, the lines written past the
   * last checkpoint are dropped, so a record re-read from the watermark is not written twice.
   */
  static async toFile(path: string, options: { length?: number } = {}): Promise<LineWriter> {
    const fd = await promisify(open)(path, 'a', 0o600);
    // Only a regular file is made private and cut back: `--out /dev/null` is a device,
    // whose mode is not ours to change and which cannot be truncated.
    if ((await stat(path)).isFile()) {
      await chmod(path, 0o600);
      if (options.length !== undefined) await truncate(path, options.length);
    }
    const stream = createWriteStream(path, { fd });
    const writer = new LineWriter(stream, { stream, fd });
    writer.bytes = options.length ?? (await stat(path)).size;
    return writer;
  }

  /** Bytes in the output once everything written so far is flushed. */
  get length(): number {
    let pending = 0;
    for (const line of this.buffer) pending += Buffer.byteLength(line) + 1;
    return this.bytes + pending;
  }

  /** Buffers a line without waiting; callers on a hot path then flush when `full`. */
  push(value: unknown): void {
    this.pushLine(JSON.stringify(value));
  }

  /** Buffers a line already serialised (one JSON text, without its newline). */
  pushLine(line: string): void {
    this.buffer.push(line);
    this.buffered += line.length + 1;
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
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Flushes and, for files, waits until the bytes are on disk (before a checkpoint names them). */
  async sync(): Promise<void> {
    await this.flush();
    if (!this.file) return;
    await new Promise<void>((resolve, reject) => this.stream.write('', (err) => (err ? reject(err) : resolve())));
    await promisify(fsync)(this.file.fd);
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.file) return;
    this.file.stream.end();
    await once(this.file.stream, 'close');
  }
}
