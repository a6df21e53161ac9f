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

/**
 * The time fields a call has that hold something (not null, absent or ""), when none of
 * them parses: such a call cannot be dated, and sending it would date it today.
 */
export function unreadableTimes(call: SegmentCall): { field: EventTimeField; raw: unknown }[] | undefined {
  const unreadable: { field: EventTimeField; raw: unknown }[] = [];
  for (const field of EVENT_TIME_FIELDS) {
    const raw = own(call, field);
    if (raw === undefined || raw === null || raw === '') continue;
    if (parseInstant(raw) !== undefined) return undefined;
    unreadable.push({ field, raw });
  }
  return unreadable.length > 0 ? unreadable : undefined;
}
