// When a call happened (docs/mapping.md#event-time): drives --since/--until and an event's occurredAt.

import { parseInstant } from './instant.js';
import { own } from './json.js';
import type { EventTime, EventTimeField, SegmentCall } from './types.js';

/** Segment's time fields, most to least faithful to when the user acted. */
export const EVENT_TIME_FIELDS: readonly EventTimeField[] = ['timestamp', 'originalTimestamp', 'receivedAt', 'sentAt'];

/** The first time field that parses; an empty or unparseable one falls through to the next. */
export function eventTime(call: SegmentCall): EventTime | undefined {
  for (const field of EVENT_TIME_FIELDS) {
    const raw = own(call, field);
    if (raw === undefined || raw === null) continue;
    const ms = parseInstant(raw);
    if (ms !== undefined) return { ms, raw, field };
  }
  return undefined;
}
