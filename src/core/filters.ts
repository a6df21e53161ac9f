// --since, --until, --types and --events (docs/mapping.md#filters).

import { eventTime } from './eventTime.js';
import { own } from './json.js';
import type { RecordFilters, SegmentCall } from './types.js';

/** True when `call` is to be mapped; false means it is skipped as `filtered`. */
export function passesFilters(call: SegmentCall, filters: RecordFilters): boolean {
  const type = own(call, 'type');
  if (filters.types !== undefined && !(typeof type === 'string' && filters.types.has(type))) return false;
  if (filters.events !== undefined && type === 'track') {
    const event = own(call, 'event');
    if (!(typeof event === 'string' && filters.events.has(event))) return false;
  }
  if (filters.since === undefined && filters.until === undefined) return true;
  // A call without an event time cannot be placed in the window, so it is not filtered out.
  const time = eventTime(call);
  if (time === undefined) return true;
  if (filters.since !== undefined && time.ms < filters.since) return false;
  if (filters.until !== undefined && time.ms >= filters.until) return false;
  return true;
}
