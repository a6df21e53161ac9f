import { describe, expect, it } from 'vitest';
import { checkCall } from './checkCall.js';
import type { SegmentCall } from './types.js';

describe('checkCall: a valid call (docs/mapping.md#valid-calls)', () => {
  it.each<SegmentCall>([
    { type: 'identify' },
    { type: 'track', event: 'Signed Up' },
    { type: 'group' },
    { type: 'page' },
    { type: 'screen' },
    { type: 'alias' },
  ])('%j is valid', (call) => {
    expect(checkCall(call)).toBeUndefined();
  });

  it.each<[string, unknown, RegExp]>([
    ['a capitalised type', { type: 'Identify' }, /type "Identify" is not a Segment call type: use identify, track, group, page, screen or alias/],
    ['an upper-case type', { type: 'TRACK', event: 'E' }, /type "TRACK" is not a Segment call type/],
    ['an unknown type', { type: 'click' }, /type "click"/],
    ['a type that is not a string', { type: 5 }, /type 5 is not a Segment call type/],
    ['no type', { event: 'E' }, /the call has no type/],
    ['a null type', { type: null }, /the call has no type/],
    ['a track without event', { type: 'track' }, /track has no event name/],
    ['a track with a null event', { type: 'track', event: null }, /track has no event name/],
    ['a track with an empty event', { type: 'track', event: '' }, /track has no event name/],
    ['a track with a blank event', { type: 'track', event: '   ' }, /track has no event name/],
    ['a track whose event is not a string', { type: 'track', event: 42 }, /event 42 is not a string/],
    ['an array', [{ type: 'identify' }], /not a JSON object/],
  ])('%s is INVALID_RECORD', (_, call, reason) => {
    const verdict = checkCall(call as SegmentCall);
    expect(verdict?.code).toBe('INVALID_RECORD');
    expect(verdict?.reason).toMatch(reason);
  });
});
