import { describe, expect, it } from 'vitest';
import { normalizeEventName, normalizeKey } from './keys.js';

describe('normalizeKey (docs/mapping.md#keys)', () => {
  it.each([
    ['Favorite Color', 'favorite_color'],
    ['plan.tier', 'plan_tier'],
    ['Plan!', 'plan_'],
    ['  Spaced Out  ', 'spaced_out'],
    ['already_fine_123', 'already_fine_123'],
    ['CamelCase', 'camelcase'],
    ['a--b', 'a_b'],
    ['a _b', 'a__b'],
    ['$revenue', '_revenue'],
    ['Café au lait', 'caf_au_lait'],
    ['__proto__', '__proto__'],
    ['', ''],
  ])('%j → %j', (key, name) => {
    expect(normalizeKey(key)).toBe(name);
  });

  it('gives the same answer when asked again (memoised)', () => {
    expect(normalizeKey('Favorite Color')).toBe(normalizeKey('Favorite Color'));
  });
});

describe('normalizeEventName (docs/mapping.md#events): like a key, then trimmed of _', () => {
  it.each([
    ['Order Completed', 'order_completed'],
    ['  Signed Up! ', 'signed_up'],
    ['__x__', 'x'],
    ['Viewed Product (v2)', 'viewed_product_v2'],
    ['checkout-started', 'checkout_started'],
    ['!!!', ''],
  ])('%j → %j', (name, normalised) => {
    expect(normalizeEventName(name)).toBe(normalised);
  });
});
