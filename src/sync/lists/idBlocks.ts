// Where the duplicate window keeps the bytes of its closed blocks of messageIds. They
// are read back only when a new id's hash matches a remembered one (a real duplicate,
// or one 32-bit collision in ~4 billion), so they need not take resident memory: a
// private temporary file holds them (its pages are the kernel's cache, not the
// process's), in memory only when no temporary file can be made.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IdBlocks {
  /** Stores block `block`'s bytes, replacing what it held. */
  write(block: number, bytes: Buffer, length: number): void;
  /** `length` bytes at `offset` inside block `block`; valid until the next read. */
  read(block: number, offset: number, length: number): Buffer;
  close(): void;
}

export function openIdBlocks(blocks: number): IdBlocks {
  try {
    return new FileBlocks(blocks);
  } catch {
    return new MemoryBlocks(blocks);
  }
}

class MemoryBlocks implements IdBlocks {
  private readonly bytes: Buffer[];

  constructor(blocks: number) {
    this.bytes = Array.from({ length: blocks }, () => Buffer.alloc(0));
  }

  write(block: number, bytes: Buffer, length: number): void {
    this.bytes[block] = Buffer.from(bytes.subarray(0, length));
  }

  read(block: number, offset: number, length: number): Buffer {
    return (this.bytes[block] as Buffer).subarray(offset, offset + length);
  }

  close(): void {}
}

class FileBlocks implements IdBlocks {
  private readonly fd: number;
  private readonly dir: string;
  /** Where each block lives in the file, and how many bytes its place holds. */
  private readonly at: Float64Array;
  private readonly room: Float64Array;
  private end = 0;
  private scratch = Buffer.allocUnsafe(256);
  private closed = false;

  constructor(blocks: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'hubspot-sync-ids-'));
    const path = join(this.dir, 'ids');
    this.fd = openSync(path, 'w+', 0o600);
    try {
      // Gone from the directory at once where the system allows it (it lives on while open).
      unlinkSync(path);
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // Windows keeps an open file's name: removed at close().
    }
    this.at = new Float64Array(blocks);
    this.room = new Float64Array(blocks);
  }

  write(block: number, bytes: Buffer, length: number): void {
    // A block rewritten after the ring wrapped keeps its place when it fits, so the file
    // stays about the size of one window's ids however long the run.
    if ((this.room[block] as number) < length) {
      this.at[block] = this.end;
      this.room[block] = length;
      this.end += length;
    }
    for (let done = 0; done < length; ) done += writeSync(this.fd, bytes, done, length - done, (this.at[block] as number) + done);
  }

  read(block: number, offset: number, length: number): Buffer {
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(length * 2);
    let done = 0;
    while (done < length) {
      const got = readSync(this.fd, this.scratch, done, length - done, (this.at[block] as number) + offset + done);
      if (got === 0) throw new Error('the duplicate window file ended early');
      done += got;
    }
    return this.scratch.subarray(0, length);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
