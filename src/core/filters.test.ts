import { describe, expect, it } from 'vitest';
import { EventNameWatch, passesFilters } from './filters.js';
import type { RecordFilters, SegmentCall } from './types.js';

const since = Date.parse('2026-03-01T00:00:00Z');
const until = Date.parse('2026-04-01T00:00:00Z');
const window: RecordFilters = { since, until };

describe('passesFilters (docs/mapping.md#filters)', () => {
  it.each<[string, SegmentCall, RecordFilters, boolean]>([
    ['no filters', { type: 'identify' }, {}, true],
    ['--since is inclusive', { type: 'track', event: 'E', timestamp: '2026-03-01T00:00:00Z' }, window, true],
    ['a millisecond before --since', { type: 'track', event: 'E', timestamp: '2026-02-28T23:59:59.999Z' }, window, false],
    ['--until is exclusive', { type: 'track', event: 'E', timestamp: '2026-04-01T00:00:00Z' }, window, false],
    ['a millisecond before --until', { type: 'track', event: 'E', timestamp: '2026-03-31T23:59:59.999Z' }, window, true],
    ['only --since', { type: 'identify', timestamp: '2030-01-01' }, { since }, true],
    ['only --until', { type: 'identify', timestamp: '2030-01-01' }, { until }, false],
    ['without event time the call passes the time filters', { type: 'identify' }, window, true],
    ['an unparseable time is no event time', { type: 'identify', timestamp: 'yesterday' }, window, true],
    ['the time falls through to the next field', { type: 'identify', timestamp: 'bad', sentAt: '2026-01-01T00:00:00Z' }, window, false],
    ['--types keeps a listed type', { type: 'identify' }, { types: new Set(['identify', 'group']) }, true],
    ['--types skips other types', { type: 'track', event: 'E' }, { types: new Set(['identify', 'group']) }, false],
    ['--events keeps a listed track', { type: 'track', event: 'Signed Up' }, { events: new Set(['Signed Up', 'Bought Item']) }, true],
    ['--events skips an unlisted track', { type: 'track', event: 'Logged In' }, { events: new Set(['Signed Up']) }, false],
    ['--events matches names exactly', { type: 'track', event: 'signed up' }, { events: new Set(['Signed Up']) }, false],
    ['--events leaves other call types alone', { type: 'identify' }, { events: new Set(['Signed Up']) }, true],
    ['--events leaves pages alone', { type: 'page', name: 'Signed Up' }, { events: new Set(['Other']) }, true],
    [
      'every filter must pass',
      { type: 'track', event: 'Signed Up', timestamp: '2026-03-05T00:00:00Z' },
      { ...window, types: new Set(['track']), events: new Set(['Signed Up']) },
      true,
    ],
    [
      'one failing filter is enough',
      { type: 'track', event: 'Signed Up', timestamp: '2026-05-05T00:00:00Z' },
      { ...window, types: new Set(['track']), events: new Set(['Signed Up']) },
      false,
    ],
  ])('%s', (_, call, filters, passes) => {
    expect(passesFilters(call, filters)).toBe(passes);
  });
});

describe('EventNameWatch: an --events name that matches nothing is named, with near matches', () => {
  it('names the unmatched names and the seen names that differ only in case or spacing', () => {
    const events = new Set(['signed up', 'Order Completed', 'Bought']);
    const watch = new EventNameWatch(events);
    const filters: RecordFilters = { events, onEventMatched: (n) => watch.matchedName(n), onEventFiltered: (n) => watch.filteredName(n) };
    for (const event of ['Signed Up', 'Order Completed', 'signed_up', 'Signed Up', 'Other']) passesFilters({ type: 'track', event }, filters);
    expect(watch.warnings()).toEqual([
      '--events "signed up" matched no track; the run has "Signed Up", "signed_up", which differ only in case or spacing',
      '--events "Bought" matched no track',
    ]);
  });
});
