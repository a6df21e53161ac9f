import { parse } from 'csv-parse/sync';
import type { Options } from 'csv-parse/sync';
import type { CsvRow } from './csvRows.js';

export type CellsResult = { cells: string[] } | { error: string };

// One row at a time: the framer has already found where the row ends, so a newline
// outside quotes cannot occur, and a bare `\r` is cell text as in the split below.
// `trim`: spreadsheets and warehouses pad cells; spaces around a quoted cell go, those inside stay.
const ROW_OPTIONS: Options = { record_delimiter: '\n', relax_column_count: true, bom: false, trim: true };

const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The cells of one row, unquoted cells trimmed (a cell of spaces is empty), quoted cells
 * as written. A row without quotes is a plain split on the delimiter, and a
 * well-formed quoted row is split by `splitQuotedRow`; anything else goes to csv-parse,
 * whose strict quote rules say what is wrong with it (rather than reading shifted or
 * garbled cells).
 */
export function rowCells(row: CsvRow, delimiter = ','): CellsResult {
  if (!row.quoted) {
    const cells = row.text.split(delimiter);
    for (let i = 0; i < cells.length; i++) cells[i] = (cells[i] as string).trim();
    return { cells };
  }
  const cells = splitQuotedRow(row.text, delimiter);
  return cells === undefined ? parseRow(row.text, delimiter) : { cells };
}

/**
 * Splits a row whose quoted cells are all well formed (RFC 4180: `"…"` around the whole
 * cell, `""` for a quote inside), or returns undefined. csv-parse gives the same cells for
 * every row this accepts; it is just slow enough per call (tens of µs) to matter on
 * exports that quote every cell, which some warehouses do.
 */
export function splitQuotedRow(text: string, delimiter = ','): string[] | undefined {
  const separator = delimiter.charCodeAt(0);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    while (isPadding(text.charCodeAt(i), separator)) i++;
    if (text.charCodeAt(i) === QUOTE) {
      let cell = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return undefined; // never closes
        if (text.charCodeAt(quote + 1) === QUOTE) {
          cell += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        cell += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      cells.push(cell);
      while (isPadding(text.charCodeAt(i), separator)) i++;
      if (i === text.length) return cells;
      if (text.charCodeAt(i) !== separator) return undefined; // text after the closing quote
      i++;
    } else {
      const comma = text.indexOf(delimiter, start);
      const cell = comma === -1 ? text.slice(start) : text.slice(start, comma);
      if (cell.includes('"')) return undefined; // a quote inside an unquoted cell
      cells.push(cell.trim());
      if (comma === -1) return cells;
      i = comma + 1;
    }
  }
}

/** A space or tab around a cell (unless it is the delimiter). */
export function isPadding(code: number, separator: number): boolean {
  return (code === SPACE || code === TAB) && code !== separator;
}

function parseRow(text: string, delimiter: string): CellsResult {
  let records: string[][];
  try {
    records = parse(text, delimiter === ',' ? ROW_OPTIONS : { ...ROW_OPTIONS, delimiter });
  } catch (error) {
    // csv-parse counts lines within the one row it was given; the row's own line is in
    // the position, so drop its "at line 1".
    const message = (error as Error).message.replace(/ at line \d+/, '');
    return { error: `Row does not parse: ${message}` };
  }
  const [cells] = records;
  if (records.length !== 1 || cells === undefined) return { error: 'Row does not parse as a single CSV record' };
  return { cells };
}

/** The delimiters a header is sniffed for, a comma first (it wins a tie). */
export const SNIFFED_DELIMITERS = [',', '\t', ';', '|'] as const;

/**
 * The delimiter that splits a header into the most columns, a comma on a tie: what a
 * spreadsheet saved as "CSV" in a European locale (`;`), a `.tsv` or an UNLOAD (`|`) used.
 */
export function sniffDelimiter(header: string): string {
  let best: string = ',';
  let most = 0;
  for (const delimiter of SNIFFED_DELIMITERS) {
    const count = (splitQuotedRow(header, delimiter) ?? header.split(delimiter)).length;
    if (count > most) {
      best = delimiter;
      most = count;
    }
  }
  return best;
}
