// Writes calls the way Segment's "AWS S3 (Actions)" destination writes them with its
// default columns: a header of plain names, every cell double-quoted (quotes doubled),
// objects as JSON text, missing values as "", and no newline after the last row. Tests
// use it to make the dialect from calls whose NDJSON form they also have.
import type { Call } from './corpus.js';

export const ACTIONS_COLUMNS = [
  'event_name', 'event_type', 'user_id', 'anonymous_id', 'email', 'properties', 'traits', 'context', 'timestamp',
  'message_id', 'integrations', 'audience_name', 'audience_id', 'audience_space_id', 'audience_action', 'batch_size',
] as const;

export type ActionsDelimiter = ',' | '|' | '\t' | ';' | ':';

const object = (value: unknown): Call | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Call) : undefined);

/** The cell values Segment's default mapping gives one call. */
function columnsOf(call: Call, batchSize: number): Record<(typeof ACTIONS_COLUMNS)[number], unknown> {
  const traits = object(call['traits']);
  const context = object(call['context']);
  const contextTraits = object(context?.['traits']);
  const personas = object(context?.['personas']);
  return {
    event_name: call['event'],
    event_type: call['type'],
    user_id: call['userId'],
    anonymous_id: call['anonymousId'],
    email: traits?.['email'] !== undefined ? traits['email'] : contextTraits?.['email'],
    properties: call['properties'],
    traits: traits ?? contextTraits,
    context,
    timestamp: call['timestamp'],
    message_id: call['messageId'],
    integrations: call['integrations'],
    audience_name: personas?.['computation_key'],
    audience_id: personas?.['computation_id'],
    audience_space_id: personas?.['space_id'],
    audience_action: undefined,
    batch_size: batchSize,
  };
}

function cell(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

export function toActionsCsv(calls: readonly Call[], delimiter: ActionsDelimiter): string {
  const header = ACTIONS_COLUMNS.join(delimiter) + '\n';
  const rows = calls.map((call) => {
    const columns = columnsOf(call, calls.length);
    return ACTIONS_COLUMNS.map((name) => cell(columns[name])).join(delimiter);
  });
  return header + rows.join('\n');
}
