import { isBlank, textStart } from './bytes.js';
import type { LineSink } from './lineSplitter.js';
import { isPadding } from './csvCells.js';
import { isUtf8Text } from './utf8.js';

/** One CSV row as text, with where it sits in the stream. */
export interface CsvRow {
  /** The row's text, its final line break excluded; line breaks inside quoted cells kept. */
  text: string;
  /** The row holds a `"`, so its cells need a full CSV parse rather than a split. */
  quoted: boolean;
  /** Some of its bytes are not UTF-8 (the text shows them as U+FFFD). */
  notUtf8?: boolean;
  line: number;
  offset: number;
  endLine: number;
  endOffset: number;
}

export interface CsvRowSink {
  onRow(row: CsvRow): void;
  /**
   * A quote opened on `row`'s line and never closed. Only that line is given up; the lines
   * after it are read again as rows of their own.
   */
  onUnclosedQuote(row: CsvRow): void;
  /** A line too long to keep; the row's text is the line's beginning. */
  onOversizedRow(row: CsvRow, byteLength: number): void;
}

/**
 * Longest row spread over several lines. Past it a quote is taken to be unclosed rather
 * than keeping the rest of the file in memory waiting for it.
 */
export const MAX_ROW_BYTES = 32 * 1024 * 1024;

const QUOTE = 0x22;
export const COMMA = 0x2c;

// Where a scan stands inside a row (RFC 4180).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside quotes: closes the cell, or starts `""`

interface HeldLine {
  bytes: Buffer;
  line: number;
  offset: number;
  nextOffset: number;
  /** The line break that ended it, as read (`\n` or `\r\n`). */
  lineBreak: string;
}

/**
 * Groups physical lines into CSV rows: a row goes on to the next line while a quoted cell
 * is open. Only lines holding a quote are scanned byte by byte. Blank lines between rows
 * are skipped (they still count).
 */
export class CsvRowFramer implements LineSink {
  /** The lines of a row whose quoted cell is still open. */
  private held: HeldLine[] = [];
  private heldBytes = 0;
  /** Position of the next `"` in `quoteBuf` at or after the last line looked at. */
  private quoteBuf: Buffer | undefined;
  private nextQuote = -1;

  /**
   * `delimiter`: the byte between cells. The reader may change it once the header is read
   * (a dialect whose header names its delimiter); rows after the header are framed with it.
   */
  constructor(
    private readonly sink: CsvRowSink,
    public delimiter: number = COMMA,
  ) {}

  onLine(buf: Buffer, start: number, end: number, line: number, offset: number, nextOffset: number): void {
    if (this.held.length > 0) {
      this.continueRow(buf, start, end, line, offset, nextOffset);
      return;
    }
    start = textStart(buf, start, end, offset);
    if (isBlank(buf, start, end)) return;
    if (!this.hasQuote(buf, start, end)) {
      this.sink.onRow(lineRow(buf, start, end, false, line, offset, nextOffset));
      return;
    }
    if (scan(buf, start, end, FIELD_START, this.delimiter) !== QUOTED) {
      this.sink.onRow(lineRow(buf, start, end, true, line, offset, nextOffset));
      return;
    }
    this.hold(buf, start, end, line, offset, nextOffset);
  }

  onOversizedLine(head: Buffer, byteLength: number, line: number, offset: number, nextOffset: number): void {
    if (this.held.length > 0) this.giveUpHeldRow();
    const row = { text: head.toString('utf8'), quoted: false, line, offset, endLine: line + 1, endOffset: nextOffset };
    this.sink.onOversizedRow(row, byteLength);
  }

  /** The input ended: a row still open has an unclosed quote. */
  end(): void {
    while (this.held.length > 0) this.giveUpHeldRow();
  }

  /**
   * The input was cut short: hands over the open row, if any, so the caller can report it
   * together with the partial last line.
   */
  takeOpenRow(): CsvRow | undefined {
    if (this.held.length === 0) return undefined;
    const row = joinRow(this.held);
    this.held = [];
    this.heldBytes = 0;
    return row;
  }

  private continueRow(buf: Buffer, start: number, end: number, line: number, offset: number, nextOffset: number): void {
    this.hold(buf, start, end, line, offset, nextOffset);
    if (scan(buf, start, end, QUOTED, this.delimiter) !== QUOTED) {
      const row = joinRow(this.held);
      this.held = [];
      this.heldBytes = 0;
      this.sink.onRow(row);
    } else if (this.heldBytes > MAX_ROW_BYTES) {
      this.giveUpHeldRow();
    }
  }

  private hold(buf: Buffer, start: number, end: number, line: number, offset: number, nextOffset: number): void {
    // Copied: the chunk under `buf` is only lent for the duration of the call.
    const bytes = Buffer.from(buf.subarray(start, end));
    const lineBreak = nextOffset - offset - (end - start) === 2 ? '\r\n' : '\n';
    this.held.push({ bytes, line, offset, nextOffset, lineBreak });
    this.heldBytes += nextOffset - offset;
  }

  /** Reports the open row's first line as unclosed and reads the lines after it again. */
  private giveUpHeldRow(): void {
    const [first, ...rest] = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (first === undefined) return;
    this.sink.onUnclosedQuote(joinRow([first]));
    for (const again of rest) this.onLine(again.bytes, 0, again.bytes.length, again.line, again.offset, again.nextOffset);
  }

  /**
   * Whether the line holds a `"`. The next quote's position is remembered per buffer, so a
   * chunk with one quote near its end is not searched again for each line before it.
   */
  private hasQuote(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.quoteBuf || (this.nextQuote !== -1 && this.nextQuote < start)) {
      this.quoteBuf = buf;
      this.nextQuote = buf.indexOf(QUOTE, start);
    }
    return this.nextQuote !== -1 && this.nextQuote < end;
  }
}

/** The scan state after the bytes `[start, end)`, starting from `state`. */
function scan(buf: Buffer, start: number, end: number, state: number, delimiter: number): number {
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    switch (state) {
      case FIELD_START:
        // Padding before a quoted cell is trimmed away, so the quote still opens the cell.
        state = byte === QUOTE ? QUOTED : byte === delimiter || isPadding(byte as number, delimiter) ? FIELD_START : UNQUOTED;
        break;
      case UNQUOTED:
        // A quote inside an unquoted cell opens nothing (the cell parse rejects it).
        if (byte === delimiter) state = FIELD_START;
        break;
      case QUOTED:
        if (byte === QUOTE) state = QUOTE_IN_QUOTED;
        break;
      default:
        state = byte === QUOTE ? QUOTED : byte === delimiter ? FIELD_START : isPadding(byte as number, delimiter) ? QUOTE_IN_QUOTED : UNQUOTED;
    }
  }
  return state;
}

/** A row that is one whole line. */
function lineRow(buf: Buffer, start: number, end: number, quoted: boolean, line: number, offset: number, nextOffset: number): CsvRow {
  const text = buf.toString('utf8', start, end);
  const row: CsvRow = { text, quoted, line, offset, endLine: line + 1, endOffset: nextOffset };
  if (!isUtf8Text(text, buf, start, end)) row.notUtf8 = true;
  return row;
}

function joinRow(lines: HeldLine[]): CsvRow {
  let text = '';
  let notUtf8 = false;
  lines.forEach((held, i) => {
    if (i > 0) text += (lines[i - 1] as HeldLine).lineBreak;
    const part = held.bytes.toString('utf8');
    if (!isUtf8Text(part, held.bytes, 0, held.bytes.length)) notUtf8 = true;
    text += part;
  });
  const first = lines[0] as HeldLine;
  const last = lines[lines.length - 1] as HeldLine;
  const row: CsvRow = { text, quoted: true, line: first.line, offset: first.offset, endLine: last.line + 1, endOffset: last.nextOffset };
  if (notUtf8) row.notUtf8 = true;
  return row;
}
