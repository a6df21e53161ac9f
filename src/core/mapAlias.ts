// alias → no HubSpot request; the identity map learns previousId ↔ userId (docs/mapping.md#alias).

import { own } from './json.js';
import { segmentId } from './resolveEmail.js';
import { mapped } from './result.js';
import type { IdentityFact, MapContext, MapResult, SegmentCall } from './types.js';

/**
 * Copies a known email to the side that has none, as a snapshot: a later identify of
 * one id does not follow to the other. When both sides are known nothing changes.
 */
export function mapAlias(call: SegmentCall, context: MapContext): MapResult {
  const previousId = segmentId(own(call, 'previousId'));
  const userId = segmentId(own(call, 'userId'));
  const learn: IdentityFact[] = [];
  if (previousId !== undefined && userId !== undefined) {
    const previousEmail = context.identities.get(previousId);
    const userEmail = context.identities.get(userId);
    if (previousEmail !== undefined && userEmail === undefined) learn.push({ id: userId, email: previousEmail });
    if (userEmail !== undefined && previousEmail === undefined) learn.push({ id: previousId, email: userEmail });
  }
  return mapped([], [], learn);
}
