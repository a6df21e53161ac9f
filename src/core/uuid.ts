// The `uuid` of an event occurrence (docs/mapping.md#event-uuid): deterministic, so that HubSpot
// deduplicates an occurrence that a replay sends again.

import { own } from './json.js';
import type { SegmentCall } from './types.js';

export const EVENT_UUID_NAMESPACE = 'aa74a675-b3f0-4d30-b8f6-5512a3ae23ba';

/**
 * UUIDv5 of the call's `messageId`; without one, of
 * `JSON.stringify([type, event, userId, anonymousId, eventTimeRaw, properties])`
 * with absent values as null, `eventTimeRaw` being the raw value that gave the event time.
 */
export function uuidFor(call: SegmentCall, eventTimeRaw: unknown): string {
  const messageId = own(call, 'messageId');
  if (typeof messageId === 'string' && messageId !== '') return uuidV5(messageId);
  const identity = [
    field(call, 'type'),
    field(call, 'event'),
    field(call, 'userId'),
    field(call, 'anonymousId'),
    eventTimeRaw ?? null,
    field(call, 'properties'),
  ];
  return uuidV5(JSON.stringify(identity));
}

function field(call: SegmentCall, key: string): unknown {
  return own(call, key) ?? null;
}

// RFC 9562 UUIDv5 in EVENT_UUID_NAMESPACE, equal to the `uuid` package's v5 (a test
// holds them together). One event is hashed per track call, so SHA-1 is computed here
// over one reused buffer: a UUID cost 1.2 µs through node:crypto's one-shot `hash`
// (mostly the crossing into C++ for one 64-byte block, and hex strings), 0.5 µs this way.
// A test checks this SHA-1 against node:crypto on every length up to four blocks and on
// random inputs.
const NAMESPACE_BYTES = Buffer.from(EVENT_UUID_NAMESPACE.replaceAll('-', ''), 'hex');
let scratch = Buffer.alloc(1024);
NAMESPACE_BYTES.copy(scratch);
const schedule = new Int32Array(80);
const digest = new Int32Array(5);

/** UUIDv5 of `name` in the event namespace. */
export function uuidV5(name: string): string {
  const size = NAMESPACE_BYTES.length + Buffer.byteLength(name, 'utf8');
  if (size + 72 > scratch.length) {
    scratch = Buffer.alloc((size + 72) * 2);
    NAMESPACE_BYTES.copy(scratch);
  }
  scratch.write(name, NAMESPACE_BYTES.length, 'utf8');
  sha1(scratch, size);
  const [w0, w1, w2, w3] = digest as unknown as [number, number, number, number];
  // The first 128 bits, with version 5 in the 13th hex digit and variant 10xx in the 17th.
  const version = (w1 & 0x0fff) | 0x5000;
  const variant = ((w2 >>> 16) & 0x3fff) | 0x8000;
  return `${hex4(w0 >>> 16)}${hex4(w0)}-${hex4(w1 >>> 16)}-${hex4(version)}-${hex4(variant)}-${hex4(w2)}${hex4(w3 >>> 16)}${hex4(w3)}`;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));

/** The low 16 bits as four hex digits. */
function hex4(bits: number): string {
  return (HEX_BYTE[(bits >>> 8) & 0xff] as string) + (HEX_BYTE[bits & 0xff] as string);
}

/**
 * SHA-1 (RFC 3174) of `data[0, length)` into `digest`. Pads in place: `data` must have
 * room for 72 bytes past `length`.
 */
export function sha1(data: Uint8Array, length: number): Int32Array {
  const blocks = ((length + 8) >>> 6) + 1;
  const end = blocks * 64;
  data[length] = 0x80;
  data.fill(0, length + 1, end - 8);
  const bits = length * 8;
  const high = Math.floor(bits / 0x1_0000_0000);
  data[end - 8] = high >>> 24;
  data[end - 7] = (high >>> 16) & 0xff;
  data[end - 6] = (high >>> 8) & 0xff;
  data[end - 5] = high & 0xff;
  data[end - 4] = bits >>> 24;
  data[end - 3] = (bits >>> 16) & 0xff;
  data[end - 2] = (bits >>> 8) & 0xff;
  data[end - 1] = bits & 0xff;

  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const w = schedule;
  for (let at = 0; at < end; at += 64) {
    for (let t = 0; t < 16; t++) {
      const i = at + t * 4;
      w[t] = ((data[i] as number) << 24) | ((data[i + 1] as number) << 16) | ((data[i + 2] as number) << 8) | (data[i + 3] as number);
    }
    for (let t = 16; t < 80; t++) {
      const x = (w[t - 3] as number) ^ (w[t - 8] as number) ^ (w[t - 14] as number) ^ (w[t - 16] as number);
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // Four rounds of 20 steps, each with its own function and constant.
    for (let t = 0; t < 20; t++) {
      const next = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + (w[t] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 20; t < 40; t++) {
      const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + (w[t] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 40; t < 60; t++) {
      const next = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e - 0x70e44324 + (w[t] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 60; t < 80; t++) {
      const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + (w[t] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  digest[0] = h0;
  digest[1] = h1;
  digest[2] = h2;
  digest[3] = h3;
  digest[4] = h4;
  return digest;
}
