const LF = 0x0a;
const CR = 0x0d;

/**
 * Longest line kept in memory. Lines of at least 16 MiB must be ordinary records; past this
 * limit (a binary file read by mistake, say) the line is reported without its text
 * rather than exhausting memory.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** How much of an over-long line is kept to show the user what it was. */
const OVERSIZED_HEAD_BYTES = 1024;

/** Receives the lines a LineSplitter finds. */
export interface LineSink {
  /**
   * One line: bytes `[start, end)` of `buf`, its `\n` or `\r\n` excluded. `buf` is only
   * valid during the call. `nextOffset` is where the following line starts.
   */
  onLine(buf: Buffer, start: number, end: number, line: number, offset: number, nextOffset: number): void;
  /** A line longer than the limit (MAX_LINE_BYTES): only its first bytes are given. */
  onOversizedLine(head: Buffer, byteLength: number, line: number, offset: number, nextOffset: number): void;
}

/** The unterminated last line of a stream, when it has one. */
export interface PartialLine {
  bytes: Buffer;
  line: number;
  offset: number;
}

/**
 * Splits a byte stream into lines, tracking each line's number and byte offset. Works on
 * Buffers (a `\n` byte never occurs inside a UTF-8 sequence) so that offsets are exact and
 * a line is decoded only when its reader wants the text.
 */
export class LineSplitter {
  /** Number and byte offset of the line currently being read. */
  private line: number;
  private offset: number;
  /** Pieces of a line that spans chunks. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current line not kept because it is over MAX_LINE_BYTES. */
  private droppedBytes = 0;

  private readonly maxLineBytes: number;

  /** Numbering starts at `firstLine`, found at `firstOffset` (a resume point, or the top). */
  constructor(
    private readonly sink: LineSink,
    { firstLine = 1, firstOffset = 0, maxLineBytes = MAX_LINE_BYTES }: { firstLine?: number; firstOffset?: number; maxLineBytes?: number } = {},
  ) {
    this.line = firstLine;
    this.offset = firstOffset;
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(LF);
    if (newline !== -1 && this.pendingBytes + this.droppedBytes > 0) {
      this.keep(chunk.subarray(0, newline));
      this.emitPending(this.offset + this.pendingBytes + this.droppedBytes + 1);
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    while (newline !== -1) {
      const end = newline > start && chunk[newline - 1] === CR ? newline - 1 : newline;
      const nextOffset = this.offset + (newline + 1 - start);
      this.sink.onLine(chunk, start, end, this.line, this.offset, nextOffset);
      this.line++;
      this.offset = nextOffset;
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The stream ended: an unterminated last line is a line like any other. */
  end(): void {
    if (this.pendingBytes + this.droppedBytes === 0) return;
    this.emitPending(this.offset + this.pendingBytes + this.droppedBytes);
  }

  /**
   * Hands over the unterminated last line, if the stream stopped in the middle of one
   * (for a truncated input the caller reports it instead of reading it). An over-long
   * partial line is cut to its first bytes.
   */
  takePartial(): PartialLine | undefined {
    if (this.pendingBytes + this.droppedBytes === 0) return undefined;
    const partial = { bytes: this.joinPending(), line: this.line, offset: this.offset };
    this.line++;
    this.offset += this.pendingBytes + this.droppedBytes;
    this.resetPending();
    return partial;
  }

  /** Number and offset where the next line starts: after the last complete line. */
  get position(): { line: number; offset: number } {
    return { line: this.line, offset: this.offset };
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    const room = this.maxLineBytes - this.pendingBytes;
    if (this.droppedBytes > 0 || room <= 0) {
      this.droppedBytes += piece.length;
    } else if (piece.length <= room) {
      this.pending.push(piece);
      this.pendingBytes += piece.length;
    } else {
      this.pending.push(piece.subarray(0, room));
      this.pendingBytes += room;
      this.droppedBytes += piece.length - room;
    }
  }

  /** The pending pieces are a whole line; the next line starts at `nextOffset`. */
  private emitPending(nextOffset: number): void {
    const bytes = this.joinPending();
    if (this.droppedBytes > 0) {
      const byteLength = this.pendingBytes + this.droppedBytes;
      this.sink.onOversizedLine(bytes.subarray(0, OVERSIZED_HEAD_BYTES), byteLength, this.line, this.offset, nextOffset);
    } else {
      const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
      this.sink.onLine(bytes, 0, end, this.line, this.offset, nextOffset);
    }
    this.line++;
    this.offset = nextOffset;
    this.resetPending();
  }

  private joinPending(): Buffer {
    const only = this.pending[0];
    return this.pending.length === 1 && only !== undefined ? only : Buffer.concat(this.pending, this.pendingBytes);
  }

  private resetPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.droppedBytes = 0;
  }
}
