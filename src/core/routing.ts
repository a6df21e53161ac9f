// Routing: what Segment would have delivered to HubSpot at all, by the call's
// `integrations` object (the per-call destination switches of the Segment spec).

import { isRecord, own } from './json.js';
import type { SegmentCall } from './types.js';

/** The `integrations` keys that name HubSpot: the classic destination and the Actions one (exact case). */
export const HUBSPOT_INTEGRATION_KEYS: readonly string[] = ['HubSpot', 'HubSpot Cloud Mode (Actions)'];

/**
 * False when `integrations` keeps the call away from HubSpot: every HubSpot key present is
 * off, or, with no HubSpot key present, `All` is off. Anything but an explicit false (true,
 * an object of settings, null) leaves a destination on, as it does in Segment.
 */
export function routedToHubSpot(call: SegmentCall): boolean {
  const integrations = own(call, 'integrations');
  if (!isRecord(integrations)) return true;
  let named = false;
  for (const key of HUBSPOT_INTEGRATION_KEYS) {
    if (!Object.hasOwn(integrations, key)) continue;
    named = true;
    if (!isOff(own(integrations, key))) return true;
  }
  if (named) return false;
  return !isOff(own(integrations, 'All'));
}

/** `false`, or the text "false" in any case with spaces around it (a CSV cell). */
function isOff(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}
