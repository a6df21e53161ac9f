import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { EVENT_UUID_NAMESPACE, uuidFor, uuidV5 } from './uuid.js';

describe('uuidFor (SPEC 3.5, 3.8)', () => {
  it('is UUIDv5 of the messageId in the hubspot-sync namespace', () => {
    // Pinned once (and checked against a hand-made SHA-1 v5); must never change, or replays stop deduplicating.
    expect(uuidFor({ type: 'track', event: 'E', messageId: 'msg-1' }, undefined)).toBe('1e7e2cf6-c856-5a4c-92b7-16e1f1d8fca7');
  });

  it('depends on the messageId alone when there is one', () => {
    const a = uuidFor({ type: 'track', event: 'A', messageId: 'msg-1', properties: { x: 1 } }, '2026-01-01');
    const b = uuidFor({ type: 'page', messageId: 'msg-1' }, undefined);
    expect(a).toBe(b);
  });

  it.each<[string, Record<string, unknown>, unknown, string]>([
    [
      'without messageId: the call identity',
      { type: 'track', event: 'Order Completed', userId: 'u1', timestamp: '2026-03-05T10:00:00Z', properties: { total: 1 } },
      '2026-03-05T10:00:00Z',
      '99172c03-d493-51f6-b094-59dfd5f4ad0e',
    ],
    ['absent values as null', { type: 'track', event: 'E' }, undefined, '0a4daa22-a259-532b-bc3d-0a54abd075ec'],
    ['an empty messageId counts as none', { type: 'track', event: 'E', messageId: '' }, undefined, '0a4daa22-a259-532b-bc3d-0a54abd075ec'],
    [
      'a page (no event)',
      { type: 'page', userId: 'u1', properties: { path: '/pricing' } },
      '2026-03-05T10:00:00Z',
      '3b20b4d7-59d3-59f7-b821-1eafa908ea18',
    ],
  ])('%s', (_, call, raw, expected) => {
    expect(uuidFor(call, raw)).toBe(expected);
  });

  it('is v5 of JSON.stringify([type, event, userId, anonymousId, eventTimeRaw, properties])', () => {
    const call = { type: 'track', event: 'E', anonymousId: 'a1', properties: { b: 2, a: 1 }, context: { ignored: true } };
    expect(uuidFor(call, 1772685000)).toBe(v5(JSON.stringify(['track', 'E', null, 'a1', 1772685000, { b: 2, a: 1 }]), EVENT_UUID_NAMESPACE));
  });

  it('keeps the key order of properties as parsed', () => {
    const a = uuidFor({ type: 'track', event: 'E', properties: { a: 1, b: 2 } }, undefined);
    const b = uuidFor({ type: 'track', event: 'E', properties: { b: 2, a: 1 } }, undefined);
    expect(a).not.toBe(b);
  });

  it('changes with the event time', () => {
    const call = { type: 'track', event: 'E' };
    expect(uuidFor(call, '2026-03-05')).not.toBe(uuidFor(call, '2026-03-06'));
  });
});

describe('uuidV5 matches the uuid package', () => {
  it.each([
    ['ascii', 'msg-1'],
    ['empty', ''],
    ['unicode', 'ünïcödé — 東京'],
    ['astral', '😀 emoji'],
    ['longer than the reused buffer', 'x'.repeat(5000)],
    ['short again after growing', 'y'],
    ['a JSON identity', JSON.stringify(['track', 'E', null, null, null, { a: [1, 2] }])],
  ])('%s', (_, name) => {
    expect(uuidV5(name)).toBe(v5(name, EVENT_UUID_NAMESPACE));
  });
});
