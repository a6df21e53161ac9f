// Bearer tokens and scopes (docs/hubspot.md#authentication).

import { ApiError } from './errors.js';

export const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'analytics.behavioral_events.send',
  'behavioral_events.event_definitions.read_write',
] as const;

/** What a route needs: every scope of `allOf`, and at least one of `anyOf`. */
export interface ScopeRule {
  allOf?: string[];
  anyOf?: string[];
}

export class TokenRegistry {
  private readonly tokens = new Map<string, Set<string>>();
  /** Revocations due once so many more API requests have come in (a token revoked mid-run). */
  private scheduled: Array<{ token: string; remaining: number }> = [];

  constructor(fullAccessToken: string, extra: Record<string, string[]> = {}) {
    this.tokens.set(fullAccessToken, new Set(ALL_SCOPES));
    for (const [token, scopes] of Object.entries(extra)) this.tokens.set(token, new Set(scopes));
  }

  /** From now on (or after `afterRequests` more API requests) the token gets 401, as a revoked one does. */
  revoke(token: string, afterRequests = 0): void {
    if (afterRequests <= 0) this.tokens.delete(token);
    else this.scheduled.push({ token, remaining: afterRequests });
  }

  /** A new token (a private app's new one after a revocation), with every scope unless told. */
  grant(token: string, scopes: readonly string[] = ALL_SCOPES): void {
    this.tokens.set(token, new Set(scopes));
  }

  /** Called for each API request before it is authenticated: due revocations take effect. */
  countRequest(): void {
    if (this.scheduled.length === 0) return;
    for (const entry of this.scheduled) if (entry.remaining-- <= 0) this.tokens.delete(entry.token);
    this.scheduled = this.scheduled.filter((entry) => entry.remaining >= 0);
  }

  /** The token of an `Authorization: Bearer <token>` header, if it is known. */
  authenticate(header: string | undefined): string | undefined {
    const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
    const token = m?.[1];
    return token !== undefined && this.tokens.has(token) ? token : undefined;
  }

  /** The scopes to report as required, or undefined when the token may call the route. */
  missingScopes(token: string, rule: ScopeRule | undefined): string[] | undefined {
    if (!rule) return undefined;
    const granted = this.tokens.get(token) ?? new Set<string>();
    const missing = (rule.allOf ?? []).filter((s) => !granted.has(s));
    if (missing.length > 0) return missing;
    if (rule.anyOf && !rule.anyOf.some((s) => granted.has(s))) return rule.anyOf;
    return undefined;
  }
}

export const AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export function unauthenticated(): ApiError {
  return new ApiError(401, (correlationId) => ({ status: 'error', message: AUTH_MESSAGE, correlationId, category: 'INVALID_AUTHENTICATION' }));
}

export const MISSING_SCOPES_MESSAGE =
  "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.";

export function missingScopes(required: string[], message = MISSING_SCOPES_MESSAGE, headers: Record<string, string> = {}): ApiError {
  return new ApiError(
    403,
    (correlationId) => ({
      status: 'error',
      message,
      correlationId,
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: required } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
      category: 'MISSING_SCOPES',
    }),
    headers,
  );
}
