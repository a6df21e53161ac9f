// Small byte-level checks shared by the line readers, done on Buffers so that a line is
// decoded only when it is read.

const SPACE = 0x20;
const TAB = 0x09;
const BOM = [0xef, 0xbb, 0xbf] as const;

/** Whether bytes `[start, end)` are only spaces and tabs (or nothing). */
export function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    if (byte !== SPACE && byte !== TAB) return false;
  }
  return true;
}

/**
 * Where the text of a line starts: after a UTF-8 byte-order mark when the line is the
 * first of the stream (editors on Windows write one), else at `start`.
 */
export function textStart(buf: Buffer, start: number, end: number, offset: number): number {
  const hasBom = offset === 0 && end - start >= BOM.length && buf[start] === BOM[0] && buf[start + 1] === BOM[1] && buf[start + 2] === BOM[2];
  return hasBom ? start + BOM.length : start;
}

/**
 * A read chunk as the pieces the readers hand on one at a time: each piece's records are
 * parsed and mapped while they are all alive, so a small piece (~80 records) keeps
 * fewer of them surviving a young-generation collection, while reads stay large.
 */
export function* batchPieces(chunk: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
}
