import type { CallType, SegmentCall } from '../core/types.js';
import { markFromCsv } from '../core/cellValues.js';
import { isRecord, setOwn } from '../core/json.js';

// Where each header sends its cells (docs/mapping.md#csv-columns).
const ENVELOPE_NAMES: ReadonlySet<string> = new Set([
  'messageId', 'timestamp', 'originalTimestamp', 'receivedAt', 'sentAt', 'userId', 'anonymousId', 'event', 'groupId', 'previousId',
]);
/** Segment warehouse columns (snake_case) and the envelope field each one is. */
const WAREHOUSE_NAMES: ReadonlyMap<string, string> = new Map([
  ['id', 'messageId'],
  ['message_id', 'messageId'],
  ['user_id', 'userId'],
  ['anonymous_id', 'anonymousId'],
  ['received_at', 'receivedAt'],
  ['sent_at', 'sentAt'],
  ['original_timestamp', 'originalTimestamp'],
  ['group_id', 'groupId'],
  ['previous_id', 'previousId'],
]);
/** The envelope names by their lower-case form: a warehouse table is matched in any case. */
const ENVELOPE_BY_LOWER_CASE: ReadonlyMap<string, string> = new Map([...ENVELOPE_NAMES].map((name) => [name.toLowerCase(), name]));
/** Columns that can name someone in a warehouse table (in any case). */
const ID_NAMES: ReadonlySet<string> = new Set(['user_id', 'anonymous_id', 'userid', 'anonymousid', 'email']);
/** How warehouses unload NULL (Snowflake, and Postgres's COPY): a cell of exactly this is absent. */
export const NULL_CELL = '\\N';
/** Warehouse bookkeeping, not part of the call. */
const IGNORED_NAMES: ReadonlySet<string> = new Set(['uuid_ts', 'loaded_at']);
/** Envelope fields of page/screen calls, but in a warehouse table just another column. */
const DOTTED_FILE_ENVELOPE_NAMES: ReadonlySet<string> = new Set(['name', 'category']);
/** Call types whose free columns are properties; every other type's are traits. */
export const PROPERTY_CALL_TYPES: ReadonlySet<string> = new Set(['track', 'page', 'screen']);

export type Column =
  | { kind: 'ignored' }
  | { kind: 'type' }
  | { kind: 'envelope'; field: string }
  /** `event_text`: the event name as sent, which wins over the snake_cased `event`. */
  | { kind: 'eventText' }
  | { kind: 'path'; path: string[] }
  /** A trait or a property, depending on the row's call type. */
  | { kind: 'payload'; key: string };

/** The columns of a usable header, or why the file cannot be read (refused as a whole). */
export type HeaderResult = { ok: true; columns: CsvColumns } | { ok: false; refusal: string };

/** A CSV file's header, read once, turning each row's cells into a Segment call. */
export class CsvColumns {
  private readonly typeColumns: number[];
  private readonly eventTextColumns: number[];
  /** How deeply a row's call nests (a dotted header of a thousand parts nests a thousand levels). */
  readonly depth: number;

  private constructor(private readonly columns: Column[]) {
    this.typeColumns = indexesOf(columns, 'type');
    this.eventTextColumns = indexesOf(columns, 'eventText');
    this.depth = columns.reduce((deepest, column) => Math.max(deepest, column.kind === 'path' ? column.path.length : column.kind === 'payload' ? 2 : 1), 1);
  }

  /**
   * A header with a dot anywhere makes a "dotted" file; one without is a warehouse table,
   * matched in any case (docs/mapping.md#csv-columns). Refused: a header naming a column
   * twice (never let one silently win), and a warehouse table with no column that can
   * name anyone (every row would be a dead letter).
   */
  static fromHeader(names: string[]): HeaderResult {
    const trimmed = names.map((name) => name.trim());
    const dotted = trimmed.some((name) => name.includes('.'));
    const keys = dotted ? trimmed : trimmed.map((name) => name.toLowerCase());
    const firstAt = new Map<string, number>();
    for (const [i, key] of keys.entries()) {
      if (key === '') continue;
      const first = firstAt.get(key);
      if (first !== undefined) {
        const shown = trimmed[first] === trimmed[i] ? `"${trimmed[i]}"` : `"${trimmed[first]}" / "${trimmed[i]}"`;
        return { ok: false, refusal: `its header names the column ${shown} twice (columns ${first + 1} and ${i + 1}), so either could be meant: rename or drop one in the export and run again` };
      }
      firstAt.set(key, i);
    }
    if (!dotted && !keys.some((key) => ID_NAMES.has(key))) {
      const found = trimmed.filter((name) => name !== '').join(', ') || 'none';
      return { ok: false, refusal: `this warehouse table has no user_id, anonymous_id or email column, so no row can name a contact (columns found: ${found}): export those columns too` };
    }
    return { ok: true, columns: new CsvColumns(trimmed.map((name) => classify(name, dotted))) };
  }

  get count(): number {
    return this.columns.length;
  }

  /**
   * The call a row describes. Cells stay strings; an empty cell or `\N` is an absent value. The
   * call type is the row's `type` cell, else `defaultType` (`--type`), else absent.
   * When two columns fill the same field, the later non-empty one wins.
   */
  toCall(cells: string[], defaultType: CallType | undefined): SegmentCall {
    const call: SegmentCall = {};
    const type = lastCell(cells, this.typeColumns) ?? defaultType;
    if (type !== undefined) call['type'] = type;
    const payload = type !== undefined && PROPERTY_CALL_TYPES.has(type) ? 'properties' : 'traits';

    for (let i = 0; i < this.columns.length; i++) {
      const cell = cells[i];
      if (cell === undefined || cell === '' || cell === NULL_CELL) continue;
      const column = this.columns[i] as Column;
      if (column.kind === 'envelope') call[column.field] = cell;
      else if (column.kind === 'path') setPath(call, column.path, cell);
      else if (column.kind === 'payload') setPath(call, [payload, column.key], cell);
    }
    const eventText = lastCell(cells, this.eventTextColumns);
    if (eventText !== undefined) call['event'] = eventText;
    markFromCsv(call);
    return call;
  }
}

function indexesOf(columns: Column[], kind: Column['kind']): number[] {
  return columns.flatMap((column, i) => (column.kind === kind ? [i] : []));
}

/** The last non-empty cell among `indexes`. */
function lastCell(cells: string[], indexes: number[]): string | undefined {
  let found: string | undefined;
  for (const i of indexes) {
    const cell = cells[i];
    if (cell !== undefined && cell !== '' && cell !== NULL_CELL) found = cell;
  }
  return found;
}

/** Where a column goes; in a warehouse table (`dotted` false) its name is matched in any case and lower-cased. */
export function classify(header: string, dotted: boolean): Column {
  if (header.includes('.')) {
    const path = header.split('.').filter((segment) => segment !== '');
    return path.length > 0 ? { kind: 'path', path } : { kind: 'ignored' };
  }
  const name = dotted ? header : header.toLowerCase();
  if (name === '' || IGNORED_NAMES.has(name)) return { kind: 'ignored' };
  if (name === 'type') return { kind: 'type' };
  const envelope = dotted ? (ENVELOPE_NAMES.has(name) ? name : undefined) : ENVELOPE_BY_LOWER_CASE.get(name);
  if (envelope !== undefined) return { kind: 'envelope', field: envelope };
  const warehouseField = WAREHOUSE_NAMES.get(name);
  if (warehouseField !== undefined) return { kind: 'envelope', field: warehouseField };
  if (name === 'event_text') return { kind: 'eventText' };
  if (dotted && DOTTED_FILE_ENVELOPE_NAMES.has(name)) return { kind: 'envelope', field: name };
  const contextTrait = /^context_traits_(.+)$/.exec(name)?.[1];
  if (contextTrait !== undefined) return { kind: 'path', path: ['context', 'traits', contextTrait] };
  // Warehouses flatten context with `_`; only one level can be rebuilt without guessing
  // (`context_page_url` is `context.page_url`), except traits, which mapping reads.
  const contextField = /^context_(.+)$/.exec(name)?.[1];
  if (contextField !== undefined) return { kind: 'path', path: ['context', contextField] };
  return { kind: 'payload', key: name };
}

/**
 * Sets `value` at `path`, creating objects on the way (a scalar in the way is replaced).
 * Keys are set as own properties, so a header like `traits.__proto__` is plain data.
 */
export function setPath(target: SegmentCall, path: string[], value: string): void {
  let object = target;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const key = path[i] as string;
    const existing = Object.hasOwn(object, key) ? object[key] : undefined;
    if (isRecord(existing)) {
      object = existing;
    } else {
      const created: SegmentCall = {};
      setOwn(object, key, created);
      object = created;
    }
  }
  setOwn(object, path[last] as string, value);
}
