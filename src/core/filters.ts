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
    if (typeof event === 'string' && filters.events.has(event)) filters.onEventMatched?.(event);
    else {
      if (typeof event === 'string') filters.onEventFiltered?.(event);
      return false;
    }
  }
  if (filters.since === undefined && filters.until === undefined) return true;
  // A call without an event time cannot be placed in the window, so it is not filtered out.
  const time = eventTime(call);
  if (time === undefined) return true;
  if (filters.since !== undefined && time.ms < filters.since) return false;
  if (filters.until !== undefined && time.ms >= filters.until) return false;
  return true;
}

/** An event name as compared for near matches: case, spaces, `_` and `-` ignored. */
export function eventNameKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * Remembers which `--events` names matched a track and, for those that did not, the
 * names seen that differ only in case or spacing (`signed up` for `Signed Up`). Memory
 * is bounded by the names asked for: other names are not kept.
 */
export class EventNameWatch {
  private readonly matched = new Set<string>();
  private readonly near = new Map<string, Set<string>>();
  private readonly byKey = new Map<string, string[]>();

  constructor(private readonly wanted: ReadonlySet<string>) {
    for (const name of wanted) {
      const key = eventNameKey(name);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), name]);
    }
  }

  matchedName(name: string): void {
    if (this.wanted.has(name)) this.matched.add(name);
  }

  filteredName(name: string): void {
    for (const wanted of this.byKey.get(eventNameKey(name)) ?? []) {
      const near = this.near.get(wanted) ?? new Set<string>();
      if (near.size < 5) near.add(name);
      this.near.set(wanted, near);
    }
  }

  /** One warning per `--events` name that matched no track, with its near matches. */
  warnings(): string[] {
    return [...this.wanted]
      .filter((name) => !this.matched.has(name))
      .map((name) => {
        const near = [...(this.near.get(name) ?? [])].map((n) => JSON.stringify(n));
        return `--events ${JSON.stringify(name)} matched no track${near.length > 0 ? `; the run has ${near.join(', ')}, which differ only in case or spacing` : ''}`;
      });
  }
}
