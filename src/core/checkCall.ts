// The "valid call" step (docs/mapping.md#valid-calls), before duplicates and filters.

import { isRecord, own, quote } from './json.js';
import type { CallType, DeadLetterVerdict, SegmentCall } from './types.js';

export const CALL_TYPES: ReadonlySet<string> = new Set<CallType>(['identify', 'track', 'group', 'page', 'screen', 'alias']);

const TYPE_LIST = 'identify, track, group, page, screen or alias (lowercase)';

/** Why `call` is not a Segment call (an INVALID_RECORD dead letter), or undefined when it is one. */
export function checkCall(call: SegmentCall): DeadLetterVerdict | undefined {
  const value: unknown = call;
  if (!isRecord(value)) return invalid(`the record is not a JSON object: a Segment call is an object with a type`);
  const type = own(call, 'type');
  if (type === undefined || type === null) {
    return { code: 'INVALID_RECORD', reason: `the call has no type: set type to ${TYPE_LIST}; a CSV without a type column takes it from --type`, missingType: true };
  }
  if (typeof type !== 'string' || !CALL_TYPES.has(type)) {
    return invalid(`type ${quote(type)} is not a Segment call type: use ${TYPE_LIST}`);
  }
  if (type === 'track') {
    const event = own(call, 'event');
    if (event === undefined || event === null || event === '') return invalid('track has no event name: set event');
    if (typeof event !== 'string') return invalid(`track's event ${quote(event)} is not a string: set event to the event's name`);
    if (event.trim() === '') return invalid('track has no event name (event is blank): set event');
  }
  return undefined;
}

/** `type` as a CallType, for a call that passed checkCall. */
export function callType(call: SegmentCall): CallType {
  return own(call, 'type') as CallType;
}

function invalid(reason: string): DeadLetterVerdict {
  return { code: 'INVALID_RECORD', reason };
}
