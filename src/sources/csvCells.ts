import { parse } from 'csv-parse/sync';
import type { Options } from 'csv-parse/sync';
import type { CsvRow } from './csvRows.js';

export type CellsResult = { cells: string[] } | { error: string };

// One row at a time: the framer has already found where the row ends, so a newline
// outside quotes cannot occur, and a bare `\r` is cell text as in the split below.
const ROW_OPTIONS: Options = { record_delimiter: '\n', relax_column_count: true, bom: false };

const QUOTE = 0x22;

/**
 * The cells of one row. A row without quotes is a plain split on the delimiter, and a
 * well-formed quoted row is split by `splitQuotedRow`; anything else goes to csv-parse,
 * whose strict quote rules say what is wrong with it (rather than reading shifted or
 * garbled cells).
 */
export function rowCells(row: CsvRow, delimiter = ','): CellsResult {
  if (!row.quoted) return { cells: row.text.split(delimiter) };
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
      if (i === text.length) return cells;
      if (text.charCodeAt(i) !== separator) return undefined; // text after the closing quote
      i++;
    } else {
      const comma = text.indexOf(delimiter, i);
      const cell = comma === -1 ? text.slice(i) : text.slice(i, comma);
      if (cell.includes('"')) return undefined; // a quote inside an unquoted cell
      cells.push(cell);
      if (comma === -1) return cells;
      i = comma + 1;
    }
  }
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
