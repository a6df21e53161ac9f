import { describe, expect, it } from 'vitest';
import { routedToHubSpot } from './routing.js';
import type { SegmentCall } from './types.js';

const call = (integrations: unknown): SegmentCall => ({ type: 'identify', traits: { email: 'a@b.co' }, integrations });
const ACTIONS = 'HubSpot Cloud Mode (Actions)';

describe('routing by the integrations object', () => {
  it.each<[string, SegmentCall, boolean]>([
    ['no integrations object', { type: 'identify' }, true],
    ['integrations is not an object (a string)', call('HubSpot'), true],
    ['integrations is an array', call([{ HubSpot: false }]), true],
    ['integrations is null', call(null), true],
    ['an empty object', call({}), true],
    ['HubSpot: true', call({ HubSpot: true }), true],
    ['HubSpot: false', call({ HubSpot: false }), false],
    ['HubSpot: "false"', call({ HubSpot: 'false' }), false],
    ['HubSpot: " FALSE " (any case, trimmed: a CSV cell)', call({ HubSpot: ' FALSE ' }), false],
    ['HubSpot: "False"', call({ HubSpot: 'False' }), false],
    ['HubSpot: "no" is not false', call({ HubSpot: 'no' }), true],
    ['HubSpot: 0 is not false', call({ HubSpot: 0 }), true],
    ['HubSpot: null is not false', call({ HubSpot: null }), true],
    ['HubSpot: "true"', call({ HubSpot: 'true' }), true],
    ['HubSpot: an object of settings', call({ HubSpot: { portalId: 123 } }), true],
    ['the Actions key false', call({ [ACTIONS]: false }), false],
    ['the Actions key "false"', call({ [ACTIONS]: 'false' }), false],
    ['the Actions key true', call({ [ACTIONS]: true }), true],
    ['both keys false', call({ HubSpot: false, [ACTIONS]: false }), false],
    ['both keys "false" strings', call({ HubSpot: 'false', [ACTIONS]: 'FALSE' }), false],
    ['HubSpot false, Actions true: sent (one present key is on)', call({ HubSpot: false, [ACTIONS]: true }), true],
    ['HubSpot true, Actions false: sent', call({ HubSpot: true, [ACTIONS]: false }), true],
    ['HubSpot false, Actions an object: sent', call({ HubSpot: false, [ACTIONS]: {} }), true],
    ['All: false without a HubSpot key', call({ All: false, Mixpanel: true }), false],
    ['All: "false" without a HubSpot key', call({ All: 'false' }), false],
    ['All: " False" without a HubSpot key', call({ All: ' False' }), false],
    ['All: true', call({ All: true }), true],
    ['All: false, HubSpot: true (a named key wins)', call({ All: false, HubSpot: true }), true],
    ['All: false, Actions key an object', call({ All: false, [ACTIONS]: { setting: 1 } }), true],
    ['All: true, HubSpot: false (a named key wins)', call({ All: true, HubSpot: false }), false],
    ['All: false, HubSpot: null (present, not false)', call({ All: false, HubSpot: null }), true],
    ['another destination false only', call({ Mixpanel: false }), true],
    ['keys are exact case: hubspot is another destination', call({ hubspot: false }), true],
    ['keys are exact case: Hubspot', call({ Hubspot: false }), true],
    ['keys are exact case: all is not All', call({ all: false }), true],
    ['Segment documentation example: All false, Mixpanel true', call({ All: false, Mixpanel: true }), false],
  ])('%s → sent: %s', (_name, input, sent) => {
    expect(routedToHubSpot(input)).toBe(sent);
  });

  it('reads own keys only: an inherited HubSpot is no key', () => {
    const inherited = Object.create({ HubSpot: false }) as Record<string, unknown>;
    expect(routedToHubSpot(call(inherited))).toBe(true);
    // JSON.parse makes "__proto__" an own key; it names no destination.
    expect(routedToHubSpot(JSON.parse('{"type":"identify","integrations":{"__proto__":{"HubSpot":false}}}') as SegmentCall)).toBe(true);
  });
});
