// Which contact a call is about (docs/mapping.md#emails): the first email source that is
// present decides; the identity map is the last resort.

import { normalizeEmail } from './email.js';
import { isRecord, own, quote } from './json.js';
import type { ReadonlyIdentityMap, SegmentCall } from './types.js';

/** A field of the call that may hold the contact's email. */
export interface EmailSource {
  /** As the user knows it, for messages: `traits.email`. */
  readonly path: string;
  readonly read: (call: SegmentCall) => unknown;
}

export type EmailResolution =
  /** `retroactive`: only the first reading's emails knew it. */
  | { kind: 'found'; email: string; retroactive?: true }
  | { kind: 'invalid'; path: string; value: unknown; reason: string }
  | { kind: 'missing' };

const nested = (outer: string, inner: string): EmailSource => ({
  path: `${outer}.${inner}.email`,
  read: (call) => {
    const first = own(call, outer);
    const second = isRecord(first) ? own(first, inner) : undefined;
    return isRecord(second) ? own(second, 'email') : undefined;
  },
});

const field = (outer: string): EmailSource => ({
  path: `${outer}.email`,
  read: (call) => {
    const value = own(call, outer);
    return isRecord(value) ? own(value, 'email') : undefined;
  },
});

/** The ids the identity map is asked about, in order. */
const LOOKUP_IDS = ['userId', 'anonymousId'] as const;

export const IDENTIFY_EMAIL_SOURCES: readonly EmailSource[] = [field('traits'), nested('context', 'traits')];
export const TRACK_EMAIL_SOURCES: readonly EmailSource[] = [field('properties'), nested('context', 'traits')];
export const GROUP_EMAIL_SOURCES: readonly EmailSource[] = [nested('context', 'traits')];

/**
 * The call's email: the first present source (null, "" and blank fall through; a present
 * invalid one stops the search), else what the identity map knows of userId, then
 * anonymousId, and only then what a first reading of the whole run learnt first for
 * them, in the same order (retroactive identities). `via` says which gave it.
 */
export function resolveEmail(call: SegmentCall, sources: readonly EmailSource[], identities: ReadonlyIdentityMap, firstEmails?: ReadonlyIdentityMap): EmailResolution {
  for (const source of sources) {
    const value = source.read(call);
    if (isAbsentEmail(value)) continue;
    const check = normalizeEmail(value);
    if (check.ok) return { kind: 'found', email: check.email };
    return { kind: 'invalid', path: source.path, value, reason: check.reason };
  }
  for (const key of LOOKUP_IDS) {
    const id = segmentId(own(call, key));
    const email = id === undefined ? undefined : identities.get(id);
    if (email !== undefined) return { kind: 'found', email };
  }
  if (firstEmails === undefined) return { kind: 'missing' };
  for (const key of LOOKUP_IDS) {
    const id = segmentId(own(call, key));
    const email = id === undefined ? undefined : firstEmails.get(id);
    if (email !== undefined) return { kind: 'found', email, retroactive: true };
  }
  return { kind: 'missing' };
}

/** A userId, anonymousId or previousId as the identity map keys it; numbers count as their text. */
export function segmentId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The dead-letter reason for an invalid email, naming the field and what to do. */
export function invalidEmailReason(resolution: { path: string; value: unknown; reason: string }): string {
  return `${resolution.path} ${quote(resolution.value)} is not a valid email (${resolution.reason}): correct it in the source data and replay this record`;
}

/** How the user can give a call an email, for a MISSING_EMAIL or CONTACT_NOT_IDENTIFIED reason. */
export function missingEmailHint(call: SegmentCall, sources: readonly EmailSource[]): string {
  const fields = sources.map((source) => source.path).join(' or ');
  const ids = LOOKUP_IDS.filter((key) => segmentId(own(call, key)) !== undefined);
  if (ids.length === 0) return `set ${fields}, or give the call a userId identified earlier in the export`;
  return `set ${fields}, or identify this ${ids.join('/')} earlier in the export`;
}

function isAbsentEmail(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
