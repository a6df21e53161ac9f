// The suppression list of a run: the --suppress file (emails and ids of people who asked
// to be forgotten), and the ids the state directory learnt from their calls in this and
// earlier runs.
import { createReadStream } from 'node:fs';
import { UsageError } from '../errors.js';
import type { SuppressionStore } from './recordMapper.js';
import { CompactStringSetBuilder, type CompactStringSet } from './compactStringSet.js';

export interface SuppressionFile {
  path: string;
  /** Lowercased. */
  emails: CompactStringSet;
  ids: CompactStringSet;
}

/** Where the ids learnt from suppressed calls are kept (the state directory's set). */
export interface LearntSuppressedIds {
  has(id: string): boolean;
  add(id: string): void;
  count(): number;
}

const NEWLINE = 0x0a;
const HASH = 0x23;
const AT = 0x40;
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a suppression file: one entry per line, trimmed; blank lines and lines starting
 * with `#` are skipped; an entry with `@` is an email (lowercased), any other a userId or
 * anonymousId (exact). A file that cannot be read is a UsageError naming it.
 */
export async function readSuppressionFile(path: string): Promise<SuppressionFile> {
  const emails = new CompactStringSetBuilder();
  const ids = new CompactStringSetBuilder();
  const addLine = (buf: Buffer, start: number, end: number) => {
    let ascii = true;
    let at = false;
    for (let i = start; i < end; i++) {
      const byte = buf[i] as number;
      if (byte > 0x7f) ascii = false;
      else if (byte === AT) at = true;
    }
    if (!ascii) {
      // Rare: decoded, so that trimming and lowercasing are JavaScript's own.
      const text = buf.toString('utf8', start, end).trim();
      if (text === '' || text.startsWith('#')) return;
      if (text.includes('@')) emails.add(text.toLowerCase());
      else ids.add(text);
      return;
    }
    while (start < end && isAsciiSpace(buf[start] as number)) start++;
    while (end > start && isAsciiSpace(buf[end - 1] as number)) end--;
    if (start === end || buf[start] === HASH) return;
    if (at) emails.addAscii(buf, start, end, true);
    else ids.addAscii(buf, start, end, false);
  };

  let carry: Buffer | undefined;
  let first = true;
  try {
    for await (const data of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      let chunk = data as Buffer;
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      let from = 0;
      let newline = chunk.indexOf(NEWLINE);
      if (carry !== undefined && newline !== -1) {
        const line = Buffer.concat([carry, chunk.subarray(0, newline)]);
        addLine(line, 0, line.length);
        carry = undefined;
        from = newline + 1;
        newline = chunk.indexOf(NEWLINE, from);
      }
      for (; newline !== -1; newline = chunk.indexOf(NEWLINE, from)) {
        addLine(chunk, from, newline);
        from = newline + 1;
      }
      if (from < chunk.length) carry = carry === undefined ? Buffer.from(chunk.subarray(from)) : Buffer.concat([carry, chunk.subarray(from)]);
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`Cannot read the suppression list ${path} (${reason}): check the path given to --suppress.`);
  }
  if (carry !== undefined) addLine(carry, 0, carry.length);
  return { path, emails: emails.build(), ids: ids.build() };
}

/** JavaScript's trim() set, within ASCII: tab, line feed, vertical tab, form feed, carriage return, space. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * What a run checks calls against. Ids of suppressed calls are learnt into `learnt`
 * (the state directory's set: on disk for a live run, in memory for a dry run or diff).
 */
export class Suppression implements SuppressionStore {
  constructor(
    private readonly file: SuppressionFile | undefined,
    private readonly learnt: LearntSuppressedIds,
  ) {}

  /**
   * The suppression a run needs, or undefined when there is nothing to suppress: no list
   * given, and no ids learnt by earlier runs of the state directory.
   */
  static forRun(file: SuppressionFile | undefined, learnt: LearntSuppressedIds): Suppression | undefined {
    if (file === undefined && learnt.count() === 0) return undefined;
    return new Suppression(file, learnt);
  }

  hasEmail(email: string): boolean {
    return this.file !== undefined && this.file.emails.has(email);
  }

  hasId(id: string): boolean {
    return (this.file !== undefined && this.file.ids.has(id)) || this.learnt.has(id);
  }

  /** Every id, listed ones too: a later run may be given no list, or another one. */
  suppressIds(ids: readonly string[]): void {
    for (const id of ids) this.learnt.add(id);
  }
}
