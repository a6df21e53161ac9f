// Consent: a call whose consent preferences were collected is sent only when the user
// agreed to every category the workspace maps HubSpot to.

import { isRecord, own } from './json.js';
import type { SegmentCall } from './types.js';

/**
 * True when `call` may go to HubSpot under `categories` (exact names). A call without a
 * `context.consent.categoryPreferences` object passes: consent is enforced only where it
 * was collected. Only `true` or the text "true" grants a category; a missing one denies.
 */
export function consentGranted(call: SegmentCall, categories: readonly string[]): boolean {
  if (categories.length === 0) return true;
  const context = own(call, 'context');
  const consent = isRecord(context) ? own(context, 'consent') : undefined;
  const preferences = isRecord(consent) ? own(consent, 'categoryPreferences') : undefined;
  if (!isRecord(preferences)) return true;
  for (const category of categories) {
    const value = own(preferences, category);
    if (value !== true && value !== 'true') return false;
  }
  return true;
}
