// Injected faults, all decided by a seeded PRNG so a run is reproducible: 5xx answers
// (not applied), connection resets (applied, then no answer), 429s and 423s (not
// applied), a proxy's HTML error page (not applied), a 200 whose body is not JSON
// (applied), and latency.

import { ApiError } from './errors.js';
import { mulberry32, type Rng } from './random.js';
import type { FaultOptions } from './types.js';

export interface FaultDecision {
  kind: 'none' | 'error' | 'reset' | 'rateLimited' | 'locked' | 'html' | 'badJson';
  status: number;
  latencyMs: number;
}

const ERROR_STATUSES = [502, 503, 504] as const;

const ERROR_MESSAGES: Record<number, string> = {
  502: 'Bad Gateway: the server received an invalid response from an upstream server. Please try again.',
  503: 'Service Unavailable: the server is temporarily unable to handle the request. Please try again later.',
  504: 'Gateway Timeout: the request took too long to process. Please try again.',
};

export class Faults {
  private options: FaultOptions = {};
  private rng: Rng = mulberry32(1);
  /** A stream of its own, so drawing how a batch is answered moves no other fault. */
  private batchRng: Rng = mulberry32(1);

  constructor(options: FaultOptions | undefined) {
    this.set(options ?? {});
  }

  /** Replace the fault settings and restart the PRNG from their seed (default 1). */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.rng = mulberry32(options.seed ?? 1);
    this.batchRng = mulberry32((options.seed ?? 1) ^ 0xba7c4);
  }

  /**
   * Whether this batch upsert or update refuses the whole batch (400) for one invalid
   * input, rather than answering per input (207): drawn once per request.
   */
  wholeBatch(): boolean {
    if (this.options.wholeBatchErrors === true) return true;
    const share = this.options.wholeBatchShare ?? 0;
    return share > 0 && this.batchRng() < share;
  }

  get current(): FaultOptions {
    return { ...this.options };
  }

  /** Draw the fate of the next request (to the route `endpoint`, as `METHOD /path`). */
  next(endpoint?: string): FaultDecision {
    const { errorRate = 0, resetRate = 0, rateLimitRate = 0, lockedRate = 0, htmlErrorRate = 0, badJsonRate = 0, latencyMs = 0 } = this.options;
    let latency = 0;
    if (Array.isArray(latencyMs)) {
      const [min, max] = latencyMs;
      latency = min + this.rng() * Math.max(0, max - min);
    } else {
      latency = latencyMs;
    }
    let kind: FaultDecision['kind'] = 'none';
    let status = 0;
    // One draw decides among the kinds (in this order), so a seed's errors and resets stay
    // where they were when the newer kinds are off.
    const kinds: Array<[FaultDecision['kind'], number]> = [
      ['error', errorRate],
      ['reset', resetRate],
      ['rateLimited', rateLimitRate],
      ['locked', lockedRate],
      ['html', htmlErrorRate],
      ['badJson', badJsonRate],
    ];
    const targeted = this.options.endpoints === undefined || (endpoint !== undefined && this.options.endpoints.includes(endpoint));
    if (targeted && kinds.some(([, rate]) => rate > 0)) {
      const r = this.rng();
      let bound = 0;
      for (const [candidate, rate] of kinds) {
        bound += rate;
        if (r < bound) {
          kind = candidate;
          break;
        }
      }
      if (kind === 'error') status = ERROR_STATUSES[Math.floor(this.rng() * ERROR_STATUSES.length)] ?? 503;
      else if (kind === 'html') status = this.rng() < 0.5 ? 502 : 503;
      else if (kind === 'rateLimited') status = 429;
      else if (kind === 'locked') status = 423;
    }
    return { kind, status, latencyMs: Math.max(0, latency) };
  }
}

/** A HubSpot-ish 5xx body. */
export function serverError(status: number): ApiError {
  const message = ERROR_MESSAGES[status] ?? 'internal error';
  return new ApiError(status, (correlationId) => ({ status: 'error', message, correlationId, category: 'INTERNAL_ERROR' }));
}

/** 423 Locked: HubSpot's answer while a portal (or record) is locked after a burst of writes. */
export function lockedError(): ApiError {
  return new ApiError(423, (correlationId) => ({
    status: 'error',
    message: 'The resource is temporarily locked after a high volume of writes. Please retry in a few seconds.',
    correlationId,
    category: 'LOCKED',
  }));
}

/** What a proxy in front of HubSpot answers when the backend is away: an HTML page. */
export function proxyErrorPage(status: number): string {
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n<hr><center>cloudflare</center>\n</body>\n</html>\n`;
}

/** A JSON answer cut short on the way: the first half of its text (never valid JSON). */
export function truncatedJson(text: string): string {
  return text.length < 2 ? '<' : text.slice(0, Math.floor(text.length / 2));
}
