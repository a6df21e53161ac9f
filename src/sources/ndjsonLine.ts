import { isRecord, jsonText } from '../core/json.js';
import type { SegmentCall } from '../core/types.js';
import { depthOf, MAX_DEPTH, textMayNestTooDeep, tooDeepReason } from './depth.js';
import type { RecordPosition, SourceErrorCode, SourceItem } from './types.js';

const SOURCE_ERROR_CODES: ReadonlySet<string> = new Set<SourceErrorCode>(['INVALID_JSON', 'INVALID_RECORD', 'INVALID_CSV', 'TRUNCATED_INPUT']);

/**
 * Reads one NDJSON line (already known not to be blank) into `out`: a call, the calls of
 * a `{"batch":[…]}` body, the event wrapped in a dead letter, or an invalid item.
 * Appending to a caller's array keeps the hot path free of per-line arrays. `deep`: the
 * line may nest deeper than MAX_DEPTH (depth.ts), so each call in it is measured.
 */
export function readNdjsonLine(text: string, position: RecordPosition, out: SourceItem[], deep = false): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    out.push({ kind: 'invalid', code: 'INVALID_JSON', reason: `Invalid JSON: ${(error as Error).message}`, position, raw: text });
    return;
  }
  readValue(value, position, out, deep, text);
}

/** `raw` is the value's text when it is the whole line; otherwise it is re-serialised. */
function readValue(value: unknown, position: RecordPosition, out: SourceItem[], deep: boolean, raw?: string): void {
  if (!isRecord(value)) {
    out.push({
      kind: 'invalid',
      code: 'INVALID_RECORD',
      reason: `Not a Segment call: ${describe(value)} where an object was expected`,
      position,
      raw: raw ?? jsonText(value),
      value,
    });
    return;
  }
  // Only an object without `type` can be a wrapper; a call always has one.
  if (value['type'] === undefined) {
    const batch = value['batch'];
    if (Array.isArray(batch)) {
      readBatch(batch, position, out, deep);
      return;
    }
    const deadLetter = asDeadLetter(value);
    if (deadLetter !== undefined) {
      replayDeadLetter(deadLetter, position, out, deep);
      return;
    }
  }
  if (deep) {
    const depth = depthOf(value);
    if (depth > MAX_DEPTH) {
      out.push({ kind: 'invalid', code: 'INVALID_RECORD', reason: tooDeepReason(depth), position, raw: raw ?? jsonText(value) });
      return;
    }
  }
  out.push({ kind: 'record', call: value, position });
}

/**
 * A tracking-API body: each element is its own record at the line's position, told apart
 * by `index`. Fields beside `batch` (`context`, `sentAt`) are not merged: the archived
 * calls already carry what Segment resolved.
 */
function readBatch(batch: unknown[], position: RecordPosition, out: SourceItem[], deep: boolean): void {
  for (let index = 0; index < batch.length; index++) {
    const element = batch[index];
    const elementPosition: RecordPosition = { ...position, index };
    const depth = deep ? depthOf(element) : 0;
    if (depth > MAX_DEPTH) {
      out.push({ kind: 'invalid', code: 'INVALID_RECORD', reason: tooDeepReason(depth, `Batch element ${index}`), position: elementPosition, raw: jsonText(element) });
    } else if (isRecord(element)) {
      out.push({ kind: 'record', call: element, position: elementPosition });
    } else {
      out.push({
        kind: 'invalid',
        code: 'INVALID_RECORD',
        reason: `Not a Segment call: batch element ${index} is ${describe(element)} where an object was expected`,
        position: elementPosition,
        raw: jsonText(element),
        value: element,
      });
    }
  }
}

type DeadLetterLine = { code: string; reason: unknown } & ({ event: SegmentCall } | { raw: string });

/** A line this tool wrote to a dead-letter file (docs/architecture.md#outputs), so that file replays. */
function asDeadLetter(value: SegmentCall): DeadLetterLine | undefined {
  const { code, reason, source, event, raw } = value;
  if (typeof code !== 'string' || !isRecord(source)) return undefined;
  if (isRecord(event)) return { code, reason, event };
  if (typeof raw === 'string') return { code, reason, raw };
  return undefined;
}

/**
 * A replayed dead letter is read again at its place in the dead-letter file: a wrapped
 * event is that event; raw text is read as if it were the line, so it may fail again.
 */
function replayDeadLetter(deadLetter: DeadLetterLine, position: RecordPosition, out: SourceItem[], deep: boolean): void {
  if ('event' in deadLetter) {
    const first = out.length;
    readValue(deadLetter.event, position, out, deep);
    for (let i = first; i < out.length; i++) {
      const item = out[i]!;
      if (item.kind === 'record') item.fromDeadLetter = true;
    }
    return;
  }
  if (!isBlank(deadLetter.raw)) {
    readNdjsonLine(deadLetter.raw, position, out, textMayNestTooDeep(deadLetter.raw));
    return;
  }
  // Nothing to read again (a truncation found on a line boundary): keep reporting it
  // rather than letting the replay pass over it in silence.
  const code = SOURCE_ERROR_CODES.has(deadLetter.code) ? (deadLetter.code as SourceErrorCode) : 'INVALID_RECORD';
  const was = typeof deadLetter.reason === 'string' ? `: ${deadLetter.reason}` : '';
  out.push({ kind: 'invalid', code, reason: `Replayed dead letter holds no text to read (was ${deadLetter.code}${was})`, position, raw: deadLetter.raw });
}

function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
