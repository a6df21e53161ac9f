// The dry run's sink: each operation as one NDJSON line with its source position, in
// input order, exactly what a live run would hand to the delivery pipeline.
import type { Operation } from '../core/types.js';
import type { LineWriter } from '../report/lineWriter.js';
import type { RecordSink } from './runInputs.js';

/** The operation as SPEC section 6 prints it (the definition-typing hint is internal). */
export function operationLine(operation: Operation, source: { file: string; line: number }): Record<string, unknown> {
  if (operation.op === 'event.send') {
    const { propertyTypes: _types, ...wire } = operation;
    return { ...wire, source };
  }
  return { ...operation, source };
}

export function dryRunSink(out: LineWriter): RecordSink {
  return {
    async accept(record, settle) {
      const source = { file: record.position.file, line: record.position.line };
      for (const operation of record.operations) await out.write(operationLine(operation, source));
      settle([]);
    },
    async drain() {
      await out.flush();
    },
  };
}
