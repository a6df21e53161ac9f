// Segment's "AWS S3 (Actions)" destination writes CSV of its own: plain column names,
// every cell double-quoted, objects as JSON text, `""` for a missing value, and one of five
// delimiters. This reads its header and turns its rows back into Segment calls.
import type { CallType, SegmentCall } from '../core/types.js';
import { isRecord } from '../core/json.js';
import { rowCells } from './csvCells.js';
import { classify, PROPERTY_CALL_TYPES, setPath, type Column } from './csvColumns.js';
import type { CsvRow } from './csvRows.js';
import { depthOf, MAX_DEPTH, textMayNestTooDeep } from './depth.js';

/** The delimiters the destination can write, in the order a header is searched for them. */
export const ACTIONS_DELIMITERS: readonly string[] = [',', '|', '\t', ';', ':'];

/** Columns that hold a JSON object. */
const JSON_COLUMNS: ReadonlySet<string> = new Set(['properties', 'traits', 'context', 'integrations']);
/** Call types whose `traits` column holds the call's own traits; for the others it is `context.traits`. */
const TRAIT_CALL_TYPES: ReadonlySet<string> = new Set(['identify', 'group']);

/**
 * The dialect's delimiter and column names when `header` is its header row: the delimiter is
 * the first of the five found in the line, and the names split by it include both
 * `event_type` and `message_id`. Undefined for any other CSV.
 */
export function actionsHeader(header: CsvRow): { delimiter: string; names: string[] } | undefined {
  const delimiter = ACTIONS_DELIMITERS.find((candidate) => header.text.includes(candidate));
  if (delimiter === undefined) return undefined;
  const result = rowCells(header, delimiter);
  if ('error' in result) return undefined;
  const names = result.cells.map((name) => name.trim());
  return names.includes('event_type') && names.includes('message_id') ? { delimiter, names } : undefined;
}

type ActionsColumn =
  | { kind: 'eventType' }
  | { kind: 'eventName' }
  | { kind: 'email' }
  | { kind: 'json'; name: string }
  | Column;

/** A row whose JSON cell nests deeper than any record is read (its own dead letter). */
export class TooDeepRow {
  constructor(readonly depth: number) {}
}

/** The columns of an Actions CSV file, turning each row's cells into a Segment call. */
export class ActionsColumns {
  private readonly columns: ActionsColumn[];
  /** How deeply the header alone makes a row's call nest; JSON cells are measured per row. */
  readonly depth: number;

  constructor(names: readonly string[]) {
    const dotted = names.some((name) => name.includes('.'));
    this.columns = names.map((name): ActionsColumn => {
      if (name === 'event_type') return { kind: 'eventType' };
      if (name === 'event_name') return { kind: 'eventName' };
      if (name === 'email') return { kind: 'email' };
      if (JSON_COLUMNS.has(name)) return { kind: 'json', name };
      if (name === 'batch_size' || name.startsWith('audience_')) return { kind: 'ignored' };
      return classify(name, dotted);
    });
    this.depth = this.columns.reduce((deepest, column) => Math.max(deepest, column.kind === 'path' ? column.path.length : 2), 1);
  }

  get count(): number {
    return this.columns.length;
  }

  /**
   * The call a row describes, or why the row is not one (a JSON cell that is not an
   * object). `""` is a missing value; other plain cells stay strings.
   */
  toCall(cells: string[], defaultType: CallType | undefined): SegmentCall | string | TooDeepRow {
    const json: Record<string, SegmentCall> = Object.create(null) as Record<string, SegmentCall>;
    let type: string | undefined;
    let event: string | undefined;
    let email: string | undefined;
    for (let i = 0; i < this.columns.length; i++) {
      const cell = cells[i];
      if (cell === undefined || cell === '') continue;
      const column = this.columns[i] as ActionsColumn;
      if (column.kind === 'eventType' || column.kind === 'type') type = cell;
      else if (column.kind === 'eventName') event = cell;
      else if (column.kind === 'email') email = cell;
      else if (column.kind === 'json') {
        const value = parseObject(cell);
        if (typeof value === 'string') return `Column ${column.name} does not hold a JSON object (${value})`;
        // The cell's object sits one level (context.traits: two) below the call.
        if (textMayNestTooDeep(cell)) {
          const depth = depthOf(value) + 2;
          if (depth > MAX_DEPTH) return new TooDeepRow(depth);
        }
        json[column.name] = value;
      }
    }
    type ??= defaultType;

    const call: SegmentCall = {};
    if (type !== undefined) call['type'] = type;
    if (json['context'] !== undefined) call['context'] = json['context'];
    if (json['properties'] !== undefined) call['properties'] = json['properties'];
    if (json['integrations'] !== undefined) call['integrations'] = json['integrations'];
    const traits = json['traits'];
    if (traits !== undefined) {
      if (type !== undefined && TRAIT_CALL_TYPES.has(type)) call['traits'] = traits;
      else {
        // Other calls carry the user's traits in their context; a context that has its own wins.
        const context = (call['context'] ??= {}) as SegmentCall;
        if (context['traits'] === undefined || context['traits'] === null) context['traits'] = traits;
      }
    }

    // Every other column as in any CSV, into the objects the JSON columns made.
    const payload = type !== undefined && PROPERTY_CALL_TYPES.has(type) ? 'properties' : 'traits';
    for (let i = 0; i < this.columns.length; i++) {
      const cell = cells[i];
      if (cell === undefined || cell === '') continue;
      const column = this.columns[i] as ActionsColumn;
      if (column.kind === 'envelope') call[column.field] = cell;
      else if (column.kind === 'path') setPath(call, column.path, cell);
      else if (column.kind === 'payload') setPath(call, [payload, column.key], cell);
      else if (column.kind === 'eventText') event = cell;
    }
    if (event !== undefined) call['event'] = event;

    // `email` repeats the user's email (the call's traits, else its context traits): it
    // fills in only where the call carries none.
    if (email !== undefined) {
      const own = type !== undefined && TRAIT_CALL_TYPES.has(type);
      const carried = own ? [['traits'], ['context', 'traits']] : [['context', 'traits'], ['properties']];
      if (carried.every((path) => isAbsentEmail(emailAt(call, path)))) setPath(call, own ? ['traits', 'email'] : ['context', 'traits', 'email'], email);
    }
    return call;
  }
}

/** A JSON object, or why the text is not one. */
function parseObject(text: string): SegmentCall | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  if (isRecord(value)) return value;
  return `it holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`;
}

function emailAt(call: SegmentCall, path: readonly string[]): unknown {
  let value: unknown = call;
  for (const key of path) value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return isRecord(value) && Object.hasOwn(value, 'email') ? value['email'] : undefined;
}

function isAbsentEmail(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
