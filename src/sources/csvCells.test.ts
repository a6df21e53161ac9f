import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { rowCells, sniffDelimiter, splitQuotedRow } from './csvCells.js';
import { CsvRowFramer } from './csvRows.js';
import type { CsvRow } from './csvRows.js';
import { LineSplitter } from './lineSplitter.js';

/** What csv-parse makes of one row: its cells, or undefined when it rejects the row. */
function csvParse(text: string, delimiter = ','): string[] | undefined {
  try {
    const records = parse(text, { record_delimiter: '\n', relax_column_count: true, bom: false, trim: true, delimiter });
    return records.length === 1 ? records[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the framer would hand `text` over as one row (a newline only inside quotes). */
function isOneRow(text: string, delimiter = ','): boolean {
  const rows: CsvRow[] = [];
  const framer = new CsvRowFramer({ onRow: (row) => rows.push(row), onUnclosedQuote: (row) => rows.push(row), onOversizedRow: (row) => rows.push(row) }, delimiter.charCodeAt(0));
  const splitter = new LineSplitter(framer);
  splitter.push(Buffer.from(text));
  splitter.end();
  framer.end();
  return rows.length === 1 && rows[0]?.text === text;
}

describe('splitQuotedRow', () => {
  it.each([
    ['"a","b,c","d ""e"" f"', ['a', 'b,c', 'd "e" f']],
    ['"",x,""', ['', 'x', '']],
    ['"line\nbreak",y', ['line\nbreak', 'y']],
    ['a,"b",', ['a', 'b', '']],
    ['""""', ['"']],
    // Unquoted cells trimmed, a cell of spaces empty; quoted cells as written.
    ['"a" ,b', ['a', 'b']],
    [' "a"', ['a']],
    [' "  padded " , Bruno ,   ', ['  padded ', 'Bruno', '']],
  ])('splits %j', (text, cells) => {
    expect(splitQuotedRow(text)).toEqual(cells);
    expect(csvParse(text)).toEqual(cells);
  });

  it.each(['"a"b', 'a"b,c', '"open', 'x,"a""', '"a" x'])('leaves %j to csv-parse', (text) => {
    expect(splitQuotedRow(text)).toBeUndefined();
  });

  it.each([',', '|', '\t', ';', ':'])('agrees with csv-parse on every row it accepts, delimiter %j', (delimiter) => {
    // Deterministic pseudo-random rows built from the characters that matter to quoting
    // (another delimiter's character is cell text).
    const alphabet = ['"', '"', delimiter, delimiter === ',' ? '|' : ',', 'a', 'b', ' ', '\n', '\r', 'é'];
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    let accepted = 0;
    for (let n = 0; n < 20000; n++) {
      const length = 1 + (next() % 12);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[next() % alphabet.length];
      // Blank rows never reach the split (csv-parse reads them as no record at all).
      if (!isOneRow(text, delimiter) || text.trim() === '') continue;
      const cells = splitQuotedRow(text, delimiter);
      if (cells === undefined) continue;
      accepted++;
      expect(cells, JSON.stringify(text)).toEqual(csvParse(text, delimiter));
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe('rowCells: trimming', () => {
  it.each<[string, boolean, string, string, string[]]>([
    ['unquoted cells trimmed', false, ',', ' Bruno , x ,y', ['Bruno', 'x', 'y']],
    ['a cell of spaces is empty', false, ',', 'a,   ,b', ['a', '', 'b']],
    ['tab-delimited: spaces trimmed, tabs split', false, '\t', ' a \t b ', ['a', 'b']],
    ['quoted cells kept as written', true, ',', '" a ", b ', [' a ', 'b']],
  ])('%s', (_, quoted, delimiter, text, cells) => {
    expect(rowCells({ text, quoted, line: 1, offset: 0, endLine: 2, endOffset: text.length }, delimiter)).toEqual({ cells });
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['USER_ID,EMAIL,NAME', ','],
    ['user_id\temail\tname', '\t'],
    ['user_id;email;name', ';'],
    ['user_id|email|name', '|'],
    ['"a;b",c', ','],
    ['a;b,c', ','], // a tie: the comma
    ['single', ','],
    ['"x|y";z;w', ';'],
  ])('%j → %j', (header, delimiter) => {
    expect(sniffDelimiter(header)).toBe(delimiter);
  });
});
