// Dead letters: every record that cannot be delivered, with its position and reason,
// in a form that is itself a valid input (`replay dead-letter.ndjson` sends the wrapped
// events again once the cause is fixed).
import { jsonText } from '../../core/json.js';
import type { DeadLetterVerdict, SegmentCall } from '../../core/types.js';
import type { LineWriter } from '../../report/lineWriter.js';
import type { RunTally } from '../../report/tally.js';
import type { MappedRecord } from './recordMapper.js';

export interface DeadLetterLine {
  code: DeadLetterVerdict['code'];
  reason: string;
  source: { file: string; line: number };
  event?: SegmentCall;
  raw?: string;
}

export function deadLetterLine(record: MappedRecord, verdict: DeadLetterVerdict): DeadLetterLine {
  const line: DeadLetterLine = {
    code: verdict.code,
    reason: verdict.reason,
    source: { file: record.position.file, line: record.position.line },
  };
  if (record.call) line.event = record.call;
  else line.raw = record.raw ?? '';
  return line;
}

/**
 * One dead letter as one line of JSON, whatever the event holds: an event nested too
 * deep for JSON.stringify is written without recursion, and if even that fails (a value
 * past the longest string V8 can build) the line keeps the record's place and reason.
 */
export function deadLetterText(line: DeadLetterLine): string {
  try {
    return jsonText(line);
  } catch (error) {
    const { code, reason, source } = line;
    return JSON.stringify({ code, reason: `${reason} (the record itself could not be written here: ${(error as Error).message})`, source, raw: '' });
  }
}

/** Counts every dead letter; writes it when there is a file to write to. */
export class DeadLetters {
  constructor(
    private readonly tally: RunTally,
    readonly writer?: LineWriter,
  ) {}

  /** Synchronous: called while a record is committed, in input order. */
  add(record: MappedRecord, verdict: DeadLetterVerdict): void {
    this.tally.deadLetter(verdict);
    this.writer?.pushLine(deadLetterText(deadLetterLine(record, verdict)));
  }

  /** Written lines are waiting for a `flush`. */
  get full(): boolean {
    return this.writer?.full ?? false;
  }

  async flush(): Promise<void> {
    await this.writer?.flush();
  }
}
