import { describe, expect, it } from 'vitest';
import { eventTime } from './eventTime.js';
import type { EventTime, SegmentCall } from './types.js';

const at = (iso: string) => Date.parse(iso);

describe('eventTime: timestamp, else originalTimestamp, else receivedAt, else sentAt (docs/mapping.md#event-time)', () => {
  it.each<[string, SegmentCall, EventTime | undefined]>([
    [
      'timestamp first',
      { timestamp: '2026-03-05T10:00:00Z', originalTimestamp: '2026-01-01T00:00:00Z', receivedAt: '2026-01-02', sentAt: '2026-01-03' },
      { ms: at('2026-03-05T10:00:00Z'), raw: '2026-03-05T10:00:00Z', field: 'timestamp' },
    ],
    ['an empty timestamp falls through', { timestamp: '', originalTimestamp: '2026-03-05T10:00:00Z' }, { ms: at('2026-03-05T10:00:00Z'), raw: '2026-03-05T10:00:00Z', field: 'originalTimestamp' }],
    ['an unparseable timestamp falls through', { timestamp: 'yesterday', receivedAt: '2026-03-05' }, { ms: at('2026-03-05T00:00:00Z'), raw: '2026-03-05', field: 'receivedAt' }],
    ['a null one falls through', { timestamp: null, originalTimestamp: null, receivedAt: null, sentAt: '2026-03-05T10:00:00Z' }, { ms: at('2026-03-05T10:00:00Z'), raw: '2026-03-05T10:00:00Z', field: 'sentAt' }],
    ['an impossible date falls through', { timestamp: '2026-02-30T10:00:00Z', sentAt: '2026-03-05T10:00:00Z' }, { ms: at('2026-03-05T10:00:00Z'), raw: '2026-03-05T10:00:00Z', field: 'sentAt' }],
    ['epoch ms', { timestamp: 1772685000000 }, { ms: 1772685000000, raw: 1772685000000, field: 'timestamp' }],
    ['epoch seconds as a digit string', { receivedAt: '1772685000' }, { ms: 1772685000000, raw: '1772685000', field: 'receivedAt' }],
    ['an offset is honoured', { timestamp: '2026-03-05T23:30:00-05:00' }, { ms: at('2026-03-06T04:30:00Z'), raw: '2026-03-05T23:30:00-05:00', field: 'timestamp' }],
    ['no time field', {}, undefined],
    ['no field parses', { timestamp: 'x', originalTimestamp: '', receivedAt: {}, sentAt: true }, undefined],
  ])('%s', (_, call, expected) => {
    expect(eventTime(call)).toEqual(expected);
  });
});
