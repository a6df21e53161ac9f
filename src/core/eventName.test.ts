import { describe, expect, it } from 'vitest';
import { EVENT_NAME_LIMIT, eventNameFor, internalEventName } from './eventName.js';

const HUB = 123;

describe('eventNameFor (docs/mapping.md#events)', () => {
  it.each<[string, string, Record<string, string>, string]>([
    ['normalised and prefixed', 'Order Completed', {}, 'pe123_order_completed'],
    ['runs of other characters become one _, ends trimmed', '  Viewed -- Page!! ', {}, 'pe123_viewed_page'],
    ['already lowercase', 'signup', {}, 'pe123_signup'],
    ['digits kept (leading ones too)', '2FA Enabled', {}, 'pe123_2fa_enabled'],
    ['a pe name of this portal is used as is', 'pe123_order_completed', {}, 'pe123_order_completed'],
    ['even when it is not normalised', 'pe123_Order Completed', {}, 'pe123_Order Completed'],
    ['a pe name bypasses the event map', 'pe123_x', { pe123_x: 'pe123_y' }, 'pe123_x'],
    ['the event map', 'Signed Up', { 'Signed Up': 'pe123_user_signup' }, 'pe123_user_signup'],
    ['the event map matches exactly', 'signed up', { 'Signed Up': 'pe123_user_signup' }, 'pe123_signed_up'],
    ['an event map entry that is not qualified is normalised', 'Signed Up', { 'Signed Up': 'User Signup' }, 'pe123_user_signup'],
    ['inherited names are not in the event map', 'constructor', {}, 'pe123_constructor'],
  ])('%s: %j', (_, name, eventMap, eventName) => {
    expect(eventNameFor(name, HUB, eventMap)).toEqual({ ok: true, eventName });
  });

  it('takes the hub ID as a string too', () => {
    expect(eventNameFor('pe123_x', '123', {})).toEqual({ ok: true, eventName: 'pe123_x' });
    expect(eventNameFor('Signed Up', '123', {})).toEqual({ ok: true, eventName: 'pe123_signed_up' });
  });

  it.each<[string, string, Record<string, string>, string, RegExp]>([
    ['a pe name of another portal', 'pe999_order_completed', {}, 'UNKNOWN_EVENT', /portal 999, not of this portal \(123\)/],
    ['a pe name whose digits only start like this hub', 'pe1234_x', {}, 'UNKNOWN_EVENT', /portal 1234/],
    ['an event map entry naming another portal', 'Signed Up', { 'Signed Up': 'pe999_signup' }, 'UNKNOWN_EVENT', /mapped to "pe999_signup" by the event map/],
    ['a name without a letter or digit', '!!!', {}, 'INVALID_RECORD', /no letter or digit/],
  ])('%s → %s', (_, name, eventMap, code, reason) => {
    const result = eventNameFor(name, HUB, eventMap);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.deadLetter.code).toBe(code);
      expect(result.deadLetter.reason).toMatch(reason);
    }
  });
});

describe('internalEventName: at most 50 characters', () => {
  it('keeps a name of exactly 50 characters', () => {
    expect(internalEventName('a'.repeat(50))).toBe('a'.repeat(50));
  });

  it('cuts a longer name and appends a hash of the whole, the same every time', () => {
    const long = 'Completed the onboarding checklist for the enterprise workspace';
    const name = internalEventName(long);
    expect(name).toHaveLength(EVENT_NAME_LIMIT);
    expect(name).toBe('completed_the_onboarding_checklist_for_th_d7d0928a');
    expect(internalEventName(long)).toBe(name);
  });

  it('keeps long names that share a prefix apart', () => {
    const prefix = 'x'.repeat(60);
    expect(internalEventName(prefix + ' one')).not.toBe(internalEventName(prefix + ' two'));
  });

  it('trims _ left at the cut', () => {
    expect(internalEventName('a'.repeat(40) + ' ' + 'b'.repeat(20))).toMatch(/^a{40}_[0-9a-f]{8}$/);
  });
});

describe('eventNameFor remembers names per portal and event map', () => {
  it('never answers for another portal or another event map', () => {
    const mapA = { Signed: 'pe1_signed_up' };
    const mapB = { Signed: 'account_created' };
    expect(eventNameFor('Signed', 1, mapA)).toEqual({ ok: true, eventName: 'pe1_signed_up' });
    expect(eventNameFor('Signed', 2, mapA)).toMatchObject({ ok: false, deadLetter: { code: 'UNKNOWN_EVENT' } });
    expect(eventNameFor('Signed', 2, mapB)).toEqual({ ok: true, eventName: 'pe2_account_created' });
    expect(eventNameFor('Signed', 2, {})).toEqual({ ok: true, eventName: 'pe2_signed' });
    expect(eventNameFor('Signed', 1, mapA)).toEqual({ ok: true, eventName: 'pe1_signed_up' });
  });

  it('stays right past its size bound', () => {
    const map = {};
    const wrong = Array.from({ length: 25_000 }, (_, i) => i).filter((i) => {
      const named = eventNameFor(`Event ${i}`, 7, map);
      return !named.ok || named.eventName !== `pe7_event_${i}`;
    });
    expect(wrong).toEqual([]);
    expect(eventNameFor('Event 3', 7, map)).toEqual({ ok: true, eventName: 'pe7_event_3' });
  });
});
