// Emails are checked locally (docs/mapping.md#emails) because HubSpot answers one bad email
// with a 400 for the whole batch it came in.

import type { EmailCheck } from './types.js';

const WHITE_SPACE = /\s/;
// NUL and the other control characters left after white space: no address holds one.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
export const MAX_EMAIL_LENGTH = 254;

/** Trims and lowercases `value`, then checks it is a plausible address. */
export function normalizeEmail(value: unknown): EmailCheck {
  if (typeof value !== 'string') return { ok: false, reason: 'not a string' };
  const email = value.trim().toLowerCase();
  if (email === '') return { ok: false, reason: 'empty' };
  if (email.length > MAX_EMAIL_LENGTH) return { ok: false, reason: `longer than ${MAX_EMAIL_LENGTH} characters` };
  if (WHITE_SPACE.test(email)) return { ok: false, reason: 'contains white space' };
  if (CONTROL.test(email)) return { ok: false, reason: 'contains a control character' };
  const at = email.indexOf('@');
  if (at === -1) return { ok: false, reason: 'no @' };
  if (email.indexOf('@', at + 1) !== -1) return { ok: false, reason: 'more than one @' };
  if (at === 0) return { ok: false, reason: 'nothing before the @' };
  const domain = email.slice(at + 1);
  if (domain === '') return { ok: false, reason: 'nothing after the @' };
  if (!domain.includes('.')) return { ok: false, reason: 'no dot in the domain' };
  // `a@.com`, `a@b.` and `a@b..c` have a dot but are no domain; HubSpot rejects them.
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) {
    return { ok: false, reason: 'an empty part in the domain' };
  }
  return { ok: true, email };
}
