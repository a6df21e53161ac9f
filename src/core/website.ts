// A company is keyed by the domain of its website (docs/mapping.md#websites-and-domains).

import type { DomainCheck } from './types.js';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const AUTHORITY_END = /[/?#]/;
const PORT = /^\d*$/;
// A host name's characters: letters and combining marks of any script, ASCII digits, `-`.
const HOST_CHARACTER = /^[\p{L}\p{M}0-9-]$/u;
const NOT_BARE_HOST = /[/?#@:]/;
/** The longest host name DNS allows. */
export const MAX_HOST_LENGTH = 253;

/**
 * The domain of a `website` trait: an http(s) URL (any case; user info and port
 * ignored) or a bare host name without a path; the host must contain a dot. The domain
 * is the lowercased host without one leading `www.`.
 */
export function domainFromWebsite(value: unknown): DomainCheck {
  if (typeof value !== 'string') return { ok: false, reason: 'not a string' };
  const text = value.trim();
  let host: string;
  const scheme = SCHEME.exec(text);
  if (scheme !== null) {
    const name = (scheme[1] ?? '').toLowerCase();
    if (name !== 'http' && name !== 'https') return { ok: false, reason: `a ${name}: URL, not http or https` };
    let authority = text.slice(scheme[0].length);
    const end = authority.search(AUTHORITY_END);
    if (end !== -1) authority = authority.slice(0, end);
    authority = authority.slice(authority.lastIndexOf('@') + 1);
    const colon = authority.indexOf(':');
    if (colon !== -1) {
      if (!PORT.test(authority.slice(colon + 1))) return { ok: false, reason: 'an invalid port' };
      authority = authority.slice(0, colon);
    }
    host = authority;
  } else {
    if (NOT_BARE_HOST.test(text)) return { ok: false, reason: 'not a host name: without http(s):// it must be a bare host such as example.com' };
    host = text;
  }
  if (host.length > MAX_HOST_LENGTH) return { ok: false, reason: `a host name longer than ${MAX_HOST_LENGTH} characters` };
  host = host.toLowerCase();
  const wrong = hostProblem(host);
  if (wrong !== undefined) return { ok: false, reason: wrong };
  // `www.com` is a domain in its own right, not the www of `com`.
  if (host.startsWith('www.') && host.includes('.', 4)) host = host.slice(4);
  return { ok: true, domain: host };
}

/** What is wrong with a host name, in the words a user can act on; `undefined` when nothing is. */
function hostProblem(host: string): string | undefined {
  if (host === '') return 'no host name';
  for (const character of host) {
    if (character === '.' || HOST_CHARACTER.test(character)) continue;
    if (/\s/u.test(character)) return 'white space in the host name';
    return `${describeCharacter(character)} in the host name (only letters, digits, - and dots are allowed)`;
  }
  const labels = host.split('.');
  if (labels.length < 2) return 'no dot in the host name (a domain such as example.com is needed)';
  if (labels.includes('')) return 'an empty label in the host name (a dot at its start or end, or two dots in a row)';
  return undefined;
}

/** A character as a user can find it: printable ones quoted, invisible ones by code point. */
function describeCharacter(character: string): string {
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(character) ? `the character "${character}" (${code})` : `the invisible character ${code}`;
}
