import { describe, expect, it } from 'vitest';
import { consentGranted } from './consent.js';
import type { SegmentCall } from './types.js';

const withPreferences = (categoryPreferences: unknown): SegmentCall => ({ type: 'track', event: 'E', context: { consent: { categoryPreferences } } });
const MARKETING = ['Marketing'];
const BOTH = ['Marketing', 'Advertising'];

describe('consent categories', () => {
  it.each<[string, SegmentCall, readonly string[], boolean]>([
    ['no categories named: never checked', withPreferences({ Marketing: false }), [], true],
    ['no context', { type: 'identify' }, MARKETING, true],
    ['context without consent', { type: 'identify', context: { ip: '1.2.3.4' } }, MARKETING, true],
    ['consent without categoryPreferences', { type: 'identify', context: { consent: {} } }, MARKETING, true],
    ['categoryPreferences not an object (a string)', withPreferences('Marketing'), MARKETING, true],
    ['categoryPreferences an array', withPreferences(['Marketing']), MARKETING, true],
    ['categoryPreferences null', withPreferences(null), MARKETING, true],
    ['context not an object', { type: 'identify', context: 'x' }, MARKETING, true],
    ['the category true', withPreferences({ Marketing: true }), MARKETING, true],
    ['the category "true"', withPreferences({ Marketing: 'true' }), MARKETING, true],
    ['the category false', withPreferences({ Marketing: false }), MARKETING, false],
    ['the category "false"', withPreferences({ Marketing: 'false' }), MARKETING, false],
    ['the category missing from the preferences', withPreferences({ Analytics: true }), MARKETING, false],
    ['an empty preferences object', withPreferences({}), MARKETING, false],
    ['the category null', withPreferences({ Marketing: null }), MARKETING, false],
    ['the category 1 is not true', withPreferences({ Marketing: 1 }), MARKETING, false],
    ['the category "yes" is not true', withPreferences({ Marketing: 'yes' }), MARKETING, false],
    ['the category " true " is not "true"', withPreferences({ Marketing: ' true ' }), MARKETING, false],
    ['names are exact: marketing is another category', withPreferences({ marketing: true }), MARKETING, false],
    ['every named category granted', withPreferences({ Marketing: true, Advertising: 'true', Analytics: false }), BOTH, true],
    ['one named category denied', withPreferences({ Marketing: true, Advertising: false }), BOTH, false],
    ['one named category missing', withPreferences({ Marketing: true }), BOTH, false],
  ])('%s → sent: %s', (_name, input, categories, sent) => {
    expect(consentGranted(input, categories)).toBe(sent);
  });

  it('reads own keys only: an inherited grant does not count', () => {
    const preferences = Object.create({ Marketing: true }) as Record<string, unknown>;
    expect(consentGranted(withPreferences(preferences), MARKETING)).toBe(false);
  });
});
