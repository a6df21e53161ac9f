// Suppression: people who asked to be forgotten (a deletion or suppression request) are
// never sent, by any of their emails or Segment ids.

import { callType } from './checkCall.js';
import { normalizeEmail } from './email.js';
import { isRecord, own } from './json.js';
import { GROUP_EMAIL_SOURCES, IDENTIFY_EMAIL_SOURCES, resolveEmail, segmentId, TRACK_EMAIL_SOURCES, type EmailSource } from './resolveEmail.js';
import type { CallType, Operation, ReadonlyIdentityMap, SegmentCall } from './types.js';

/** The suppression list as the core sees it: read-only membership tests. */
export interface SuppressionLookup {
  /** `email` as the core normalises it (trimmed, lowercased). */
  hasEmail(email: string): boolean;
  /** A userId, anonymousId or previousId, exactly. */
  hasId(id: string): boolean;
}

/** The Segment ids a call speaks for: userId and anonymousId, and an alias's previousId. */
export function callIds(call: SegmentCall): string[] {
  const ids: string[] = [];
  const keys = own(call, 'type') === 'alias' ? (['userId', 'anonymousId', 'previousId'] as const) : (['userId', 'anonymousId'] as const);
  for (const key of keys) {
    const id = segmentId(own(call, key));
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** True when one of the call's ids is suppressed. */
export function hasSuppressedId(call: SegmentCall, suppression: SuppressionLookup): boolean {
  for (const id of callIds(call)) if (suppression.hasId(id)) return true;
  return false;
}

const CONTACT_SOURCES: Record<Exclude<CallType, 'alias'>, readonly EmailSource[]> = {
  identify: IDENTIFY_EMAIL_SOURCES,
  track: TRACK_EMAIL_SOURCES,
  page: TRACK_EMAIL_SOURCES,
  screen: TRACK_EMAIL_SOURCES,
  group: GROUP_EMAIL_SOURCES,
};

/**
 * True when the call is about a suppressed person by email: an operation it maps to
 * carries a suppressed email, or the contact it resolves to has one. The contact is
 * resolved too so that a call whose mapping failed (an unknown event, a page that is not
 * sent) is still recognised as the suppressed person's rather than set aside with their
 * data. A track's `context.traits` are the user's own and are written to its contact:
 * when they name a suppressed email, the call is that person's even if
 * `properties.email` names someone else.
 */
export function hasSuppressedEmail(
  call: SegmentCall,
  operations: readonly Operation[],
  identities: ReadonlyIdentityMap,
  suppression: SuppressionLookup,
  firstEmails?: ReadonlyIdentityMap,
): boolean {
  for (const operation of operations) {
    if (operation.op !== 'company.upsert' && suppression.hasEmail(operation.email)) return true;
  }
  const type = callType(call);
  if (type === 'alias') {
    // An alias resolves to nobody by itself; it joins the people its two ids are known as.
    for (const id of callIds(call)) {
      const email = identities.get(id);
      if (email !== undefined && suppression.hasEmail(email)) return true;
    }
    return false;
  }
  const resolution = resolveEmail(call, CONTACT_SOURCES[type], identities, firstEmails);
  if (resolution.kind === 'found' && suppression.hasEmail(resolution.email)) return true;
  if (type === 'identify' || type === 'group') return false;
  const context = own(call, 'context');
  const traits = isRecord(context) ? own(context, 'traits') : undefined;
  const email = isRecord(traits) ? normalizeEmail(own(traits, 'email')) : undefined;
  return email !== undefined && email.ok && suppression.hasEmail(email.email);
}
