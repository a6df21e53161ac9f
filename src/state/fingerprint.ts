// An input's fingerprint (docs/architecture.md#the-state-directory): a checkpoint's watermark is a position in
// particular bytes, so a resume must know the input is still the one it read.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Identifies an input's content: its size and a SHA-256 of its first 64 KiB. */
export interface Fingerprint {
  size: number;
  /** sha256 hex of the first 64 KiB. */
  head: string;
}

export const FINGERPRINT_HEAD_BYTES = 64 * 1024;

/** The fingerprint of the file at `path`, size and head read from one open file. */
export async function fingerprintOf(path: string): Promise<Fingerprint> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, FINGERPRINT_HEAD_BYTES));
    let filled = 0;
    while (filled < head.length) {
      const { bytesRead } = await handle.read(head, filled, head.length - filled, filled);
      if (bytesRead === 0) break; // shrank while we read: hash what is there
      filled += bytesRead;
    }
    return { size, head: createHash('sha256').update(head.subarray(0, filled)).digest('hex') };
  } finally {
    await handle.close();
  }
}

/**
 * Whether two fingerprints are the same input: exact equality of size and head. A file
 * that grew (an appended log) is a changed input too, refused unless --fresh: a watermark
 * is a byte offset into exactly the bytes that were read, and from size and head alone a
 * grown file cannot be told from one rewritten past its first 64 KiB. Segment exports
 * are written once; new data arrives as new files, which are new inputs.
 */
export function sameInput(a: Fingerprint, b: Fingerprint): boolean {
  return a.size === b.size && a.head === b.head;
}
