// The suppression list of a run: the --suppress file (emails and ids of people who asked
// to be forgotten), and the ids the state directory learnt from their calls in this and
// earlier runs.
import { open, stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import type { LearntAt } from '../../core/types.js';
import type { LearntSuppressedIds } from '../../state/stateStore.js';
import type { SuppressionStore } from '../loop/recordMapper.js';
import { CompactStringSetBuilder } from './compactStringSet.js';

/** Entries of one kind in a suppression file. */
export interface SuppressedEntries {
  has(value: string): boolean;
  readonly size: number;
}

export interface SuppressionFile {
  path: string;
  /** Lowercased. */
  emails: SuppressedEntries;
  ids: SuppressedEntries;
}

// Emails and ids share one set (and one buffer), told apart by their tag.
const EMAIL = 0;
const ID = 1;

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
  let builder: CompactStringSetBuilder;
  try {
    // The entries' text is at most the file's size: the buffer is allocated once.
    builder = new CompactStringSetBuilder((await stat(path)).size);
  } catch (error) {
    throw unreadable(path, error);
  }
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
      if (text.includes('@')) builder.add(text.toLowerCase(), EMAIL);
      else builder.add(text, ID);
      return;
    }
    while (start < end && isAsciiSpace(buf[start] as number)) start++;
    while (end > start && isAsciiSpace(buf[end - 1] as number)) end--;
    if (start === end || buf[start] === HASH) return;
    if (at) builder.addAscii(buf, start, end, true, EMAIL);
    else builder.addAscii(buf, start, end, false, ID);
  };

  // One buffer, read into again and again: the lines are handled in place, and a line
  // cut by the buffer's end moves to its front (the buffer grows for a longer line).
  let buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let filled = 0;
  let first = true;
  try {
    const file = await open(path, 'r');
    try {
      for (;;) {
        if (filled === buffer.length) {
          const grown = Buffer.allocUnsafeSlow(buffer.length * 2);
          buffer.copy(grown, 0, 0, filled);
          buffer = grown;
        }
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, null);
        const end = filled + bytesRead;
        let from = 0;
        if (first && end >= 3) {
          first = false;
          if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) from = 3;
        }
        if (bytesRead === 0) {
          if (from < end) addLine(buffer, from, end); // the last line, without a newline
          break;
        }
        for (let newline = buffer.indexOf(NEWLINE, from); newline !== -1 && newline < end; newline = buffer.indexOf(NEWLINE, from)) {
          addLine(buffer, from, newline);
          from = newline + 1;
        }
        buffer.copy(buffer, 0, from, end);
        filled = end - from;
      }
    } finally {
      await file.close();
    }
  } catch (error) {
    throw unreadable(path, error);
  }
  const set = builder.build();
  return {
    path,
    emails: { has: (email) => set.has(email, EMAIL), size: set.sizes[EMAIL] },
    ids: { has: (id) => set.has(id, ID), size: set.sizes[ID] },
  };
}

function unreadable(path: string, error: unknown): UsageError {
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  return new UsageError(`Cannot read the suppression list ${path} (${reason}): check the path given to --suppress.`);
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
  suppressIds(ids: readonly string[], at?: LearntAt): void {
    for (const id of ids) this.learnt.add(id, at);
  }
}
