// Shapes of mapEvent's answer, so that every branch builds them the same way.

import type { DeadLetterCode, MapResult, MappingWarning, Operation, SkipReason } from './types.js';

export function mapped(operations: Operation[], warnings: MappingWarning[], learn: MapResult['learn'] = []): MapResult {
  return { operations, warnings, learn };
}

/** A dead letter; `operations` are those the record still sends (e.g. a group's company). */
export function deadLettered(
  code: DeadLetterCode,
  reason: string,
  operations: Operation[] = [],
  warnings: MappingWarning[] = [],
): MapResult {
  return { operations, warnings, deadLetter: { code, reason }, learn: [] };
}

export function skipped(reason: SkipReason): MapResult {
  return { operations: [], warnings: [], skip: reason, learn: [] };
}
