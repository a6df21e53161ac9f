import type { CallType, SegmentCall } from '../core/types.js';
import { ActionsColumns, actionsHeader, TooDeepRow } from './actionsCsv.js';
import { GzipDamage } from './byteSource.js';
import type { ByteSource } from './byteSource.js';
import { rowCells, sniffDelimiter } from './csvCells.js';
import { CsvColumns } from './csvColumns.js';
import { batchPieces } from './bytes.js';
import { CsvRowFramer } from './csvRows.js';
import type { CsvRow, CsvRowSink } from './csvRows.js';
import { LineSplitter, MAX_LINE_BYTES } from './lineSplitter.js';
import type { ReadContext, RecordPosition, SourceErrorCode, SourceItem } from './types.js';
import { MAX_DEPTH, tooDeepReason } from './depth.js';
import { NOT_UTF8_REASON } from './utf8.js';
import { refusedInput } from './errors.js';

/**
 * Reads a CSV input: a header row, then one call per row. A plain file resumes by reading
 * its header, then seeking to the start offset; any other input is read from the top and
 * rows before the start line are framed but not parsed. The header also tells the
 * dialect: Segment's "AWS S3 (Actions)" files have their own columns and delimiters.
 */
export async function* readCsv({ path, start, open, openAside }: ReadContext, { type: defaultType, delimiter, notice }: CsvReadOptions = {}): AsyncGenerator<SourceItem[]> {
  const items = new CsvItems(path, start.line, defaultType, delimiter, notice);
  const source = await open(start.offset);
  if (source.firstOffset > 0) {
    try {
      await readHeader(await openAside(), items);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  const framer = new CsvRowFramer(items, items.delimiterByte);
  items.framer = framer;
  const splitter = new LineSplitter(framer, { firstLine: source.firstOffset === 0 ? 1 : start.line, firstOffset: source.firstOffset });
  for await (const chunk of source) {
    if (chunk instanceof GzipDamage) {
      items.truncated(framer.takeOpenRow(), splitter, chunk.reason);
      break;
    }
    for (const piece of batchPieces(chunk)) {
      splitter.push(piece);
      if (items.pending.length > 0) yield items.take();
    }
  }
  splitter.end();
  framer.end();
  if (items.pending.length > 0) yield items.take();
}

export interface CsvReadOptions {
  /** `--type`: the call type of rows when the file has no `type` column. */
  type?: CallType | undefined;
  /** Between cells (`--delimiter`, `.tsv`); sniffed from the header when absent. */
  delimiter?: string | undefined;
  /** Told of a sniffed delimiter other than a comma. */
  notice?: ((message: string) => void) | undefined;
}

/** Reads rows from the top until the header is known, then stops reading. */
async function readHeader(source: ByteSource, items: CsvItems): Promise<void> {
  items.headerOnly = true;
  const framer = new CsvRowFramer(items, items.delimiterByte);
  items.framer = framer;
  const splitter = new LineSplitter(framer);
  for await (const chunk of source) {
    if (chunk instanceof GzipDamage) break;
    splitter.push(chunk);
    if (items.headerSeen) break;
  }
  if (!items.headerSeen) {
    // A header still open at the end of the file: let the framer give it up.
    splitter.end();
    framer.end();
  }
  items.headerOnly = false;
  items.take(); // nothing before the resume point is reported again
}

const MIB = 1024 * 1024;

const DELIMITER_NAMES: ReadonlyMap<string, string> = new Map([['\t', 'tabs'], [';', 'semicolons (;)'], ['|', 'pipes (|)']]);

/** What turns a row's cells into a call: a string when the row is no call (INVALID_CSV). */
interface RowColumns {
  readonly count: number;
  /** How deeply the header makes a row's call nest. */
  readonly depth: number;
  toCall(cells: string[], defaultType: CallType | undefined): SegmentCall | string | TooDeepRow;
}

/** Turns framed rows into items: the first row is the header, every other row a call. */
class CsvItems implements CsvRowSink {
  pending: SourceItem[] = [];
  headerSeen = false;
  /** While only the header is wanted, rows after it belong to another read. */
  headerOnly = false;
  private columns: RowColumns | undefined;
  /** Why the header row could not be used, if it could not. */
  private headerProblem = '';
  /** Between cells: the one given, else the one the header is sniffed for, unless an Actions header says otherwise. */
  private delimiter: string;
  private readonly delimiterGiven: boolean;
  /** The framer reading this input's rows, told the delimiter once the header is read. */
  framer: CsvRowFramer | undefined;

  constructor(
    private readonly path: string,
    private readonly fromLine: number,
    private readonly defaultType: CallType | undefined,
    delimiter: string | undefined,
    private readonly notice: ((message: string) => void) | undefined,
  ) {
    this.delimiter = delimiter ?? ',';
    this.delimiterGiven = delimiter !== undefined;
  }

  get delimiterByte(): number {
    return this.delimiter.charCodeAt(0);
  }

  take(): SourceItem[] {
    const items = this.pending;
    this.pending = [];
    return items;
  }

  onRow(row: CsvRow): void {
    if (row.notUtf8) {
      this.problem(row, NOT_UTF8_REASON, 'INVALID_RECORD');
      return;
    }
    if (!this.headerSeen) {
      this.readHeader(row);
      return;
    }
    if (this.headerOnly || row.line < this.fromLine) return;
    const { columns } = this;
    if (columns === undefined) {
      this.invalid(row, `No usable header row (${this.headerProblem}), so the row cannot be read`);
      return;
    }
    const result = rowCells(row, this.delimiter);
    if ('error' in result) {
      this.invalid(row, result.error);
    } else if (result.cells.length !== columns.count) {
      this.invalid(row, `Row has ${result.cells.length} cells, expected ${columns.count} (the header's)`);
    } else if (columns.depth > MAX_DEPTH) {
      this.invalid(row, tooDeepReason(columns.depth, 'The row (by its header)'), 'INVALID_RECORD');
    } else {
      const call = columns.toCall(result.cells, this.defaultType);
      if (typeof call === 'string') this.invalid(row, call);
      else if (call instanceof TooDeepRow) this.invalid(row, tooDeepReason(call.depth, 'The row'), 'INVALID_RECORD');
      else this.pending.push({ kind: 'record', call, position: this.positionOf(row) });
    }
  }

  onUnclosedQuote(row: CsvRow): void {
    this.problem(row, `Quote opened on line ${row.line} never closes; this line is set aside and the lines after it are read as rows`);
  }

  onOversizedRow(row: CsvRow, byteLength: number): void {
    this.problem(row, `Line of ${byteLength} bytes is over the ${MAX_LINE_BYTES / MIB} MiB limit and was not parsed; raw holds its beginning`);
  }

  /** The input was cut short: the open row and the partial line are one TRUNCATED_INPUT. */
  truncated(openRow: CsvRow | undefined, splitter: LineSplitter, reason: string): void {
    const partial = splitter.takePartial();
    const at = openRow ?? partial ?? splitter.position;
    if (at.line < this.fromLine) return;
    const partialText = partial?.bytes.toString('utf8') ?? '';
    const raw = openRow === undefined ? partialText : partial === undefined ? openRow.text : `${openRow.text}\n${partialText}`;
    const end = partial !== undefined ? { line: partial.line + 1, offset: partial.offset + partial.bytes.length } : openRow !== undefined ? { line: openRow.endLine, offset: openRow.endOffset } : { line: at.line + 1, offset: at.offset };
    const position: RecordPosition = { file: this.path, line: at.line, offset: at.offset, endLine: end.line, endOffset: end.offset };
    this.pending.push({ kind: 'invalid', code: 'TRUNCATED_INPUT', reason: `Input cut short: ${reason}`, position, raw });
  }

  private readHeader(row: CsvRow): void {
    this.headerSeen = true;
    const actions = actionsHeader(row);
    if (actions !== undefined) {
      this.columns = new ActionsColumns(actions.names);
      this.delimiter = actions.delimiter;
      if (this.framer) this.framer.delimiter = this.delimiterByte;
      return;
    }
    if (!this.delimiterGiven) {
      this.delimiter = sniffDelimiter(row.text);
      if (this.framer) this.framer.delimiter = this.delimiterByte;
      if (this.delimiter !== ',') this.notice?.(`${this.path}: reading cells separated by ${DELIMITER_NAMES.get(this.delimiter) ?? this.delimiter}, as its header is (pass --delimiter to choose another)`);
    }
    const result = rowCells(row, this.delimiter);
    if ('error' in result) {
      this.headerProblem = `header on line ${row.line}: ${result.error}`;
      if (row.line >= this.fromLine) this.invalid(row, `Header row does not parse: ${result.error}`);
      return;
    }
    const header = CsvColumns.fromHeader(result.cells);
    // Inputs that can be looked at first were refused before the run began; standard input is refused here.
    if (!header.ok) throw refusedInput(this.path, header.refusal);
    this.columns = header.columns;
  }

  /** A bad row; when it is where the header should be, the header is unusable. */
  private problem(row: CsvRow, reason: string, code: SourceErrorCode = 'INVALID_CSV'): void {
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.headerProblem = `header on line ${row.line}: ${reason}`;
    } else if (this.headerOnly) {
      return;
    }
    if (row.line >= this.fromLine) this.invalid(row, reason, code);
  }

  private invalid(row: CsvRow, reason: string, code: SourceErrorCode = 'INVALID_CSV'): void {
    this.pending.push({ kind: 'invalid', code, reason, position: this.positionOf(row), raw: row.text });
  }

  private positionOf(row: CsvRow): RecordPosition {
    return { file: this.path, line: row.line, offset: row.offset, endLine: row.endLine, endOffset: row.endOffset };
  }
}
