// The dry run's sink: each operation as one NDJSON line with its source position, in
// input order, exactly what a live run would hand to the delivery pipeline.
import type { Operation } from '../../core/types.js';
import type { LineWriter } from '../../report/lineWriter.js';
import type { RecordSink } from '../loop/runInputs.js';

/** The operation as a dry run prints it (docs/architecture.md#outputs), without its source (the definition-typing hint is internal). */
function wireOperation(operation: Operation): object {
  if (operation.op !== 'event.send') return operation;
  // Named fields rather than `{ propertyTypes, ...wire }`: a rest copy is V8's slow path,
  // and this runs once per track call.
  const { op, eventName, email, occurredAt, properties, uuid } = operation;
  return occurredAt === undefined ? { op, eventName, email, properties, uuid } : { op, eventName, email, occurredAt, properties, uuid };
}

export function dryRunSink(out: LineWriter): RecordSink {
  let file: string | undefined;
  let fileJson = '';
  return {
    settlesAtOnce: true,
    accept(record, settle) {
      const { position } = record;
      if (position.file !== file) {
        file = position.file;
        fileJson = JSON.stringify(file);
      }
      // Every operation of the record ends with the same source, so it is serialised once
      // and appended in place of the operation's closing brace.
      const source = `,"source":{"file":${fileJson},"line":${position.line}}}`;
      for (const operation of record.operations) out.pushLine(JSON.stringify(wireOperation(operation)).slice(0, -1) + source);
      settle([]);
      // Wait only when a chunk is full.
      return out.full ? out.flush() : undefined;
    },
    async drain() {
      await out.flush();
    },
  };
}
