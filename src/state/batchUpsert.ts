// Writes rows many to a statement: each statement run costs a crossing into native code,
// which for a one-row insert weighs as much as the insert itself. How the rows then travel
// depends on their shape (bench/RESULTS.md §16, 100,000 rows):
// - 'parameters': one bound parameter per value, 64 rows a statement. Best for rows that
//   carry long text (a folded operation, a record's path): it goes across as it is.
// - 'json': the rows as one JSON array bound once, unpacked by jsonb_each, 4,096 rows a
//   statement. Best for short keyed rows (a messageId and two numbers), where binding
//   each value costs more than SQLite's parse: 35–45 % less time than 'parameters'.
// A string arrives as the same bytes either way, a lone surrogate included (batchUpsert.test.ts).
// Also where scratch databases are opened: what is spilled out of memory is written here.
import Database from 'better-sqlite3';

/** A value of a column: what both ways carry unchanged. */
export type Cell = string | number | null;

export type RowPassing = 'parameters' | 'json';

const PARAMETER_ROWS = 64;
const JSON_ROWS = 4096;

/**
 * A private temporary database (SQLite removes it on close) for what is spilled out of
 * memory: nothing in it must survive a crash, so no journal and no fsync; and a 2 MB page
 * cache, where SQLite's default 16 MB would grow with the file (the OS caches it anyway).
 */
export function openScratchDatabase(schema: string): Database.Database {
  const db = new Database('');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000');
  db.exec(schema);
  return db;
}

export class BatchUpsert {
  private readonly rows: { add(row: Cell[]): void; end(): void };

  /** `table`, `columns` and `onConflict` come from this folder's schema, never from input. */
  constructor(db: Database.Database, table: string, columns: readonly string[], onConflict: string, passing: RowPassing) {
    const into = `INSERT INTO ${table} (${columns.join(', ')})`;
    this.rows = passing === 'json' ? jsonRows(db, into, columns.length, onConflict) : parameterRows(db, into, columns.length, onConflict);
  }

  /** Inside a transaction; call end() after the last row. Rows are written in the order added. */
  add(...row: Cell[]): void {
    this.rows.add(row);
  }

  end(): void {
    this.rows.end();
  }
}

function jsonRows(db: Database.Database, into: string, width: number, onConflict: string) {
  // `WHERE true` lets SQLite tell the upsert's ON CONFLICT from a join's ON.
  const cells = Array.from({ length: width }, (_, i) => `value ->> ${i}`).join(', ');
  const insert = db.prepare<[string]>(`${into} SELECT ${cells} FROM jsonb_each(?) WHERE true ${onConflict}`);
  let pending: Cell[][] = [];
  const end = () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    insert.run(JSON.stringify(rows));
  };
  return {
    add(row: Cell[]) {
      pending.push(row);
      if (pending.length === JSON_ROWS) end();
    },
    end,
  };
}

function parameterRows(db: Database.Database, into: string, width: number, onConflict: string) {
  const row = `(${Array(width).fill('?').join(', ')})`;
  const many = db.prepare<Cell[]>(`${into} VALUES ${Array(PARAMETER_ROWS).fill(row).join(', ')} ${onConflict}`);
  const one = db.prepare<Cell[]>(`${into} VALUES ${row} ${onConflict}`);
  const pending: Cell[] = [];
  return {
    add(cells: Cell[]) {
      pending.push(...cells);
      if (pending.length === PARAMETER_ROWS * width) {
        many.run(...pending);
        pending.length = 0;
      }
    },
    end() {
      for (let i = 0; i < pending.length; i += width) one.run(...pending.slice(i, i + width));
      pending.length = 0;
    },
  };
}
