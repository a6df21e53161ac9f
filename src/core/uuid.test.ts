import { createHash } from 'node:crypto';
import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { EVENT_UUID_NAMESPACE, sha1, uuidFor, uuidV5 } from './uuid.js';

describe('uuidFor (docs/mapping.md#event-uuid)', () => {
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

describe('sha1 matches node:crypto', () => {
  const hexOf = (digest: Int32Array) => Array.from(digest, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
  const digestOf = (bytes: Uint8Array) => {
    const padded = new Uint8Array(bytes.length + 72);
    padded.set(bytes);
    return hexOf(sha1(padded, bytes.length));
  };

  it('on every length from 0 to 200 bytes (one to four blocks, every padding boundary)', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(digestOf(bytes), `length ${length}`).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
  });

  it('on 2,000 random inputs up to 5,000 bytes', () => {
    let seed = 3;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * (n < 1900 ? 120 : 5000)) }, () => Math.floor(random() * 256));
      expect(digestOf(bytes)).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
  });
});
