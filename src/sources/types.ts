import type { Readable } from 'node:stream';
import type { CallType, SegmentCall, SourcePosition } from '../core/types.js';
import type { ByteSource } from './byteSource.js';
import type { Encoding } from './textStream.js';

export type InputFormat = 'ndjson' | 'csv';

/**
 * The format an input's name implies: `txt` is decided by the content (CSV unless its
 * first line starts with `{`), since Segment's S3 destinations write both under that name.
 */
export type FileFormat = InputFormat | 'txt';

/** One input to read: a file (or standard input, path `-`), already resolved from directories. */
export interface InputFile {
  /** Path as it will be shown to the user and keyed in the checkpoint. */
  path: string;
  /** Format from the name (a trailing `.gz` ignored) or `--format`. */
  format: FileFormat;
  /** Size on disk in bytes; undefined for standard input. */
  size?: number;
  /** CSV: the character between cells, when not a comma (`.tsv`, or sniffed from the header). */
  delimiter?: string;
}

/**
 * Where a record sits in the (decompressed) stream. `line`/`offset` are the record's
 * first line and that line's byte offset; `endLine`/`endOffset` are where the next
 * record starts, i.e. where a resume after this record begins. The elements of one
 * `{"batch":[…]}` line share the line's position; `index` tells them apart.
 */
export interface RecordPosition extends SourcePosition {
  offset: number;
  endLine: number;
  endOffset: number;
  /** Index inside a `{"batch":[…]}` line; absent for plain lines. */
  index?: number;
}

export type SourceErrorCode = 'INVALID_JSON' | 'INVALID_RECORD' | 'INVALID_CSV' | 'TRUNCATED_INPUT';

export type SourceItem =
  | {
      kind: 'record';
      call: SegmentCall;
      position: RecordPosition;
      /** Read from a dead letter this tool wrote: always processed, even if delivered before. */
      fromDeadLetter?: true;
    }
  | {
      kind: 'invalid';
      code: SourceErrorCode;
      reason: string;
      position: RecordPosition;
      /** The text that did not parse (a line, a CSV row, a partial line). */
      raw?: string;
      /** The parsed value when it parsed but is not a call object (e.g. a batch element). */
      value?: unknown;
    };

/** Where to start reading an input again (a checkpoint's watermark). */
export interface StartAt {
  line: number;
  offset: number;
}

export interface ReadOptions {
  /** `--format`: overrides the name-based format (needed for standard input). */
  format?: InputFormat;
  /** `--type`: the call type of CSV rows when the file has no `type` column. */
  type?: CallType;
  /** `--delimiter`: the character between CSV cells, for every CSV input. */
  delimiter?: string | undefined;
  /** `--encoding`: how inputs without a byte-order mark are encoded (UTF-8 when absent). */
  encoding?: Encoding | undefined;
  /** Told what the reader chose that the user should know (a delimiter sniffed from the header). */
  notice?: (message: string) => void;
  /** Resume point: plain files seek to `offset`; gzip inputs skip lines before `line`. */
  start?: StartAt;
  /** What the path `-` reads; process.stdin when absent (tests inject a stream). */
  stdin?: Readable;
}

/**
 * An open input: iterate it for items, or `batches()` for them a chunk at a time (either
 * once); `bytesRead` counts bytes consumed from disk.
 */
export interface InputReader extends AsyncIterable<SourceItem> {
  readonly bytesRead: number;
  batches(): AsyncIterable<SourceItem[]>;
}

/** What a format's reader needs to read one input. */
export interface ReadContext {
  path: string;
  /** Resume point; `{ line: 1, offset: 0 }` reads everything. */
  start: StartAt;
  /**
   * Opens the input's decompressed bytes for the main read, at `seekTo` when the input
   * can seek; the reader's progress (`bytesRead`) follows this read.
   */
  open(seekTo?: number): Promise<ByteSource>;
  /** Opens the input from the top for a side read (a CSV header when resuming). */
  openAside(): Promise<ByteSource>;
}
