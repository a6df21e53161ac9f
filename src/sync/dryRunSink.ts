// The dry run's sink: each operation as one NDJSON line with its source position, in
// input order, exactly what a live run would hand to the delivery pipeline.
import type { Operation } from '../core/types.js';
import type { LineWriter } from '../report/lineWriter.js';
import type { RecordSink } from './runInputs.js';

/** The operation as SPEC section 6 prints it (the definition-typing hint is internal). */
export function operationLine(operation: Operation, source: { file: string; line: number }): Record<string, unknown> {
  if (operation.op === 'event.send') {
    // Named fields rather than `{ propertyTypes, ...wire }`: a rest copy is V8's slow path,
    // and this runs once per track call.
    const { op, eventName, email, occurredAt, properties, uuid } = operation;
    return occurredAt === undefined ? { op, eventName, email, properties, uuid, source } : { op, eventName, email, occurredAt, properties, uuid, source };
  }
  return { ...operation, source };
}

export function dryRunSink(out: LineWriter): RecordSink {
  return {
    accept(record, settle) {
      const source = { file: record.position.file, line: record.position.line };
      // Buffer every line of the record, then wait only when a chunk is full.
      for (const operation of record.operations) out.push(operationLine(operation, source));
      settle([]);
      return out.full ? out.flush() : undefined;
    },
    async drain() {
      await out.flush();
    },
  };
}
