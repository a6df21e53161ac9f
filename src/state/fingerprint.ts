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
export async function fingerprintOf(path: string, headBytes = FINGERPRINT_HEAD_BYTES): Promise<Fingerprint> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, headBytes));
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
 * that differs is either one that grew (see grewFrom) or a changed one, which a run
 * reads again from its start.
 */
export function sameInput(a: Fingerprint, b: Fingerprint): boolean {
  return a.size === b.size && a.head === b.head;
}

/**
 * Whether the file at `path`, now `now`, only grew since it was `saved`: larger, and its
 * first bytes (as many as the saved head covered) the same. From size and head alone a
 * file rewritten past its first 64 KiB cannot be told from one that grew; a watermark
 * there is then wrong only for a rewritten file, and appending is how logs change.
 */
export async function grewFrom(path: string, saved: Fingerprint, now: Fingerprint): Promise<boolean> {
  if (now.size <= saved.size) return false;
  const covered = Math.min(saved.size, FINGERPRINT_HEAD_BYTES);
  const head = covered === FINGERPRINT_HEAD_BYTES ? now.head : (await fingerprintOf(path, covered)).head;
  return head === saved.head;
}
