// What Segment itself would not have sent to HubSpot, applied around the mapping in one order:
// routing, consent, suppression by id, mapping, suppression by email. A call stopped by any
// of them has no effect at all: no operation, no dead letter, nothing learnt.

import { consentGranted } from './consent.js';
import { mapValidCall } from './mapEvent.js';
import { skipped } from './result.js';
import { routedToHubSpot } from './routing.js';
import { callIds, hasSuppressedEmail, hasSuppressedId, type SuppressionLookup } from './suppression.js';
import type { MapContext, MapResult, SegmentCall } from './types.js';

export interface DeliveryRules {
  /** Send calls whose `integrations` keep them from HubSpot (a deliberate full backfill). */
  ignoreIntegrations: boolean;
  /** The consent categories HubSpot is mapped to; absent or empty: consent is not checked. */
  consentCategories?: readonly string[];
  /** Suppressed emails and ids; absent: nobody is suppressed. */
  suppression?: SuppressionLookup;
}

export interface RuledResult extends MapResult {
  /**
   * A suppressed call's ids. The caller treats them as suppressed from now on (later
   * runs too), so the person's later anonymous or email-less calls are suppressed as well.
   */
  suppressIds?: string[];
}

/** The mapping behind the delivery rules. The caller has checked the call (`checkCall`), duplicates and filters. */
export function mapDelivered(call: SegmentCall, context: MapContext, rules: DeliveryRules): RuledResult {
  if (!rules.ignoreIntegrations && !routedToHubSpot(call)) return skipped('integration_disabled');
  if (rules.consentCategories !== undefined && !consentGranted(call, rules.consentCategories)) return skipped('consent_denied');
  const { suppression } = rules;
  if (suppression === undefined) return mapValidCall(call, context);
  // Ids first: whatever the mapping would make of a suppressed person's call (a screen, a
  // track without email), it is theirs, and only `suppressed`.
  if (hasSuppressedId(call, suppression)) return suppressed(call);
  const result = mapValidCall(call, context);
  return hasSuppressedEmail(call, result.operations, context.identities, suppression, context.firstEmails) ? suppressed(call) : result;
}

function suppressed(call: SegmentCall): RuledResult {
  return { ...skipped('suppressed'), suppressIds: callIds(call) };
}
