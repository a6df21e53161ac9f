// HubSpot's error envelope (docs/hubspot.md#errors), parsed into typed errors that say what
// kind of failure it is: the retry and dead-letter logic decides on the kind, never on
// message text.

export interface ErrorDetail {
  status?: string;
  message?: string;
  code?: string;
  category?: string;
  subCategory?: string;
  in?: string;
  context?: Record<string, string[] | undefined>;
}

export interface ErrorEnvelope extends ErrorDetail {
  correlationId?: string;
  errors?: ErrorDetail[];
  links?: Record<string, string>;
  /** Rate-limit 429s: `DAILY`, `TEN_SECONDLY_ROLLING`. */
  policyName?: string;
  errorType?: string;
}

export type FailureKind =
  /** 429: wait, then try again. */
  | 'rateLimited'
  /** 5xx, 423, 477, timeouts, resets: back off and try again. */
  | 'transient'
  /** 401/403: nothing this run can do. */
  | 'auth'
  /** 400/404/409 and friends: the request itself is wrong; retrying will not help. */
  | 'rejected';

export class HubSpotApiError extends Error {
  readonly kind: FailureKind;

  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly envelope: ErrorEnvelope,
    /** From a `Retry-After` header, when HubSpot sent one. */
    readonly retryAfterMs?: number,
    /** The rate-limit headers of the answer (a 429 still tells the budget). */
    readonly dailyRemaining?: number,
  ) {
    super(`${endpoint} answered ${status}${envelope.category ? ` ${envelope.category}` : ''}: ${envelope.message ?? '(no message)'}`);
    this.name = 'HubSpotApiError';
    this.kind = failureKind(status);
  }

  get correlationId(): string | undefined {
    return this.envelope.correlationId;
  }
}

/** A request that never got an answer (timeout, reset, refused): it may or may not have been applied. */
export class TransportError extends Error {
  readonly kind = 'transient' as const;

  constructor(readonly endpoint: string, readonly code: string, detail: string) {
    super(`${endpoint} failed without an answer (${code}): ${detail}`);
    this.name = 'TransportError';
  }

  /** The request never left (refused, no such host): HubSpot cannot have applied it. */
  get neverSent(): boolean {
    return NEVER_SENT.has(this.code);
  }
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A success status whose body is not the JSON it should be (cut short, a proxy's page):
 * as good as no answer. The request may have been applied; what it returned is unknown.
 */
export class UnreadableAnswerError extends TransportError {
  constructor(endpoint: string, readonly status: number, body: string) {
    super(endpoint, 'UNREADABLE_ANSWER', '');
    this.message = `${endpoint} answered ${status} with a body that is not JSON (${describeBody(body)})`;
    this.name = 'UnreadableAnswerError';
  }
}

/** A short description of a body that is not HubSpot's JSON. */
function describeBody(text: string): string {
  const title = /<title>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
  if (/^\s*</.test(text)) return `an HTML page${title ? ` "${title}"` : ''}, likely from a proxy in front of HubSpot`;
  const start = text.slice(0, 60).replace(/\s+/g, ' ');
  return text.length === 0 ? 'empty' : `${text.length} characters starting ${JSON.stringify(start)}`;
}

export function failureKind(status: number): FailureKind {
  if (status === 429) return 'rateLimited';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 || status === 423 || status === 477) return 'transient';
  return 'rejected';
}

/** HubSpot's error body; anything else (a proxy's HTML page) becomes a one-line message. */
export function parseEnvelope(text: string): ErrorEnvelope {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ErrorEnvelope) : { message: String(parsed) };
  } catch {
    return { message: describeBody(text) };
  }
}

/** What to tell the user about a 401/403: which of token, scope or tier to fix. */
export function authAdvice(error: HubSpotApiError): string {
  const { envelope } = error;
  const base = `HubSpot refused the request (${error.status} ${envelope.category ?? ''}) on ${error.endpoint}: ${envelope.message ?? ''}`.trim();
  if (error.status === 401) {
    return `${base}\nThe token is missing, wrong, expired or revoked: create or copy a private app token (or service key) and pass it with --token or HUBSPOT_ACCESS_TOKEN.`;
  }
  const scopes = (envelope.errors ?? []).flatMap((e) => e.context?.requiredGranularScopes ?? e.context?.requiredScopes ?? []);
  if (envelope.category === 'MISSING_SCOPES' || scopes.length > 0) {
    return `${base}\nGrant the private app ${scopes.length ? `the scope(s) ${scopes.join(', ')}` : 'the missing scopes'} in HubSpot (Settings → Integrations → Private apps), then run again.`;
  }
  return `${base}\nThe portal may lack the feature (custom behavioral events need Marketing Hub Enterprise), or the token lacks access.`;
}
