// Injected faults: 5xx answers (not applied), connection resets (applied, then no answer)
// and latency, all decided by a seeded PRNG so a run is reproducible.

import { ApiError } from './errors.js';
import { mulberry32, type Rng } from './random.js';
import type { FaultOptions } from './types.js';

export interface FaultDecision {
  kind: 'none' | 'error' | 'reset';
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

  constructor(options: FaultOptions | undefined) {
    this.set(options ?? {});
  }

  /** Replace the fault settings and restart the PRNG from their seed (default 1). */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.rng = mulberry32(options.seed ?? 1);
  }

  get current(): FaultOptions {
    return { ...this.options };
  }

  /** Draw the fate of the next request. */
  next(): FaultDecision {
    const { errorRate = 0, resetRate = 0, latencyMs = 0 } = this.options;
    let latency = 0;
    if (Array.isArray(latencyMs)) {
      const [min, max] = latencyMs;
      latency = min + this.rng() * Math.max(0, max - min);
    } else {
      latency = latencyMs;
    }
    let kind: FaultDecision['kind'] = 'none';
    let status = 0;
    if (errorRate > 0 || resetRate > 0) {
      const r = this.rng();
      if (r < errorRate) {
        kind = 'error';
        status = ERROR_STATUSES[Math.floor(this.rng() * ERROR_STATUSES.length)] ?? 503;
      } else if (r < errorRate + resetRate) {
        kind = 'reset';
      }
    }
    return { kind, status, latencyMs: Math.max(0, latency) };
  }
}

/** A HubSpot-ish 5xx body. */
export function serverError(status: number): ApiError {
  const message = ERROR_MESSAGES[status] ?? 'internal error';
  return new ApiError(status, (correlationId) => ({ status: 'error', message, correlationId, category: 'INTERNAL_ERROR' }));
}
