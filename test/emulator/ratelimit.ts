// Rate limits (docs/hubspot.md#rate-limits): a rolling 10 s window per token, a daily
// counter per account that resets at midnight in the portal's time zone, and search's own
// per-second limiter.

import { ApiError } from './errors.js';
import type { RateLimitOptions } from './types.js';

/**
 * How a route counts: `standard` → daily + ten-secondly; `search` → daily + search secondly
 * (exempt from ten-secondly); `no-ten-secondly` → daily only (v4 association batches);
 * `exempt` → nothing (events send).
 */
export type RatePolicy = 'standard' | 'search' | 'no-ten-secondly' | 'exempt';
export type LimitName = 'DAILY' | 'TEN_SECONDLY_ROLLING' | 'SECONDLY';

/** Sorted timestamps with cheap removal from the front. */
class TimeQueue {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Drop timestamps at or before `horizon` (the window is (horizon, now]). */
  prune(horizon: number): void {
    while (this.head < this.items.length && (this.items[this.head] as number) <= horizon) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  push(t: number): void {
    this.items.push(t);
  }

  /** How many timestamps are after `horizon`. */
  countAfter(horizon: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as number) <= horizon) lo = mid + 1;
      else hi = mid;
    }
    return this.items.length - lo;
  }
}

export class RateLimiter {
  private limits: Required<RateLimitOptions>;
  private readonly tenSecondly = new Map<string, TimeQueue>();
  private readonly searchSecondly = new Map<string, TimeQueue>();
  /** Every ten-secondly-counted request of every token, for maxInTenSeconds. */
  private readonly allTenSecondly = new TimeQueue();
  private day = '';
  private used = 0;
  maxInTenSeconds = 0;

  private readonly dayFormat: Intl.DateTimeFormat;
  private readonly partsFormat: Intl.DateTimeFormat;

  constructor(
    limits: RateLimitOptions | undefined,
    readonly timeZone: string,
    private readonly now: () => number,
  ) {
    this.limits = { perTenSeconds: 100, daily: 250_000, searchPerSecond: 5, windowMs: 10_000, ...dropUndefined(limits) };
    this.dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    this.partsFormat = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  setLimits(limits: RateLimitOptions | undefined): void {
    this.limits = { ...this.limits, ...dropUndefined(limits) };
  }

  get config(): Readonly<Required<RateLimitOptions>> {
    return this.limits;
  }

  /** Search's second, a tenth of the window as HubSpot's is. */
  private get secondMs(): number {
    return this.limits.windowMs / 10;
  }

  /** Requests counted toward today's limit (resets at the portal's midnight). */
  get dailyUsed(): number {
    this.rollDay();
    return this.used;
  }

  /**
   * Decide whether a request may proceed. An admitted request is counted; a refused one is
   * not, and the name of the limit it hit is returned.
   */
  admit(token: string, policy: RatePolicy): LimitName | undefined {
    if (policy === 'exempt') return undefined;
    const t = this.now();
    this.rollDay();
    if (this.used >= this.limits.daily) return 'DAILY';
    if (policy === 'standard') {
      const q = this.queue(this.tenSecondly, token, t - this.limits.windowMs);
      if (q.size >= this.limits.perTenSeconds) return 'TEN_SECONDLY_ROLLING';
      q.push(t);
      this.allTenSecondly.prune(t - this.limits.windowMs);
      this.allTenSecondly.push(t);
      this.maxInTenSeconds = Math.max(this.maxInTenSeconds, this.allTenSecondly.size);
    } else if (policy === 'search') {
      const q = this.queue(this.searchSecondly, token, t - this.secondMs);
      if (q.size >= this.limits.searchPerSecond) return 'SECONDLY';
      q.push(t);
    }
    this.used++;
    return undefined;
  }

  /** The X-HubSpot-RateLimit-* headers of a (non-search) response for this token. */
  headers(token: string): Record<string, string> {
    const t = this.now();
    const q = this.queue(this.tenSecondly, token, t - this.limits.windowMs);
    const secondly = Math.max(1, Math.ceil(this.limits.perTenSeconds / 10));
    return {
      'X-HubSpot-RateLimit-Daily': String(this.limits.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.limits.daily - this.dailyUsed)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.limits.windowMs),
      'X-HubSpot-RateLimit-Max': String(this.limits.perTenSeconds),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.limits.perTenSeconds - q.size)),
      'X-HubSpot-RateLimit-Secondly': String(secondly),
      'X-HubSpot-RateLimit-Secondly-Remaining': String(Math.max(0, secondly - q.countAfter(t - this.secondMs))),
    };
  }

  /** When the daily counter resets next: the coming midnight in the portal's time zone. */
  resetsAt(): number {
    const t = this.now();
    const p = this.localParts(t);
    const target = Date.UTC(p.year, p.month - 1, p.day + 1);
    let guess = target - this.offsetAt(t);
    guess = target - this.offsetAt(guess);
    return guess;
  }

  /** The time zone's offset from UTC at instant `t`, in ms. */
  offsetAt(t: number): number {
    const p = this.localParts(t);
    const base = Math.floor(t / 1000) * 1000;
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - base;
  }

  private localParts(t: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
    const get = (parts: Intl.DateTimeFormatPart[], type: string): number => Number(parts.find((x) => x.type === type)?.value ?? 0);
    const parts = this.partsFormat.formatToParts(new Date(t));
    return {
      year: get(parts, 'year'),
      month: get(parts, 'month'),
      day: get(parts, 'day'),
      hour: get(parts, 'hour') % 24,
      minute: get(parts, 'minute'),
      second: get(parts, 'second'),
    };
  }

  private rollDay(): void {
    const day = this.dayFormat.format(new Date(this.now()));
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
  }

  private queue(map: Map<string, TimeQueue>, token: string, horizon: number): TimeQueue {
    let q = map.get(token);
    if (!q) {
      q = new TimeQueue();
      map.set(token, q);
    }
    q.prune(horizon);
    return q;
  }
}

function dropUndefined(limits: RateLimitOptions | undefined): RateLimitOptions {
  const out: RateLimitOptions = {};
  for (const [k, v] of Object.entries(limits ?? {})) if (v !== undefined) out[k as keyof RateLimitOptions] = v as number;
  return out;
}

/** The 429 body of a policy limit (DAILY, TEN_SECONDLY_ROLLING), with the rate-limit headers. */
export function policyLimitError(policy: 'DAILY' | 'TEN_SECONDLY_ROLLING', requestId: string, headers: Record<string, string>): ApiError {
  const message = policy === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.';
  return new ApiError(
    429,
    (correlationId) => ({ status: 'error', message, errorType: 'RATE_LIMIT', correlationId, policyName: policy, requestId }),
    headers,
  );
}

/** Search's own 429: no policyName, no rate-limit headers. */
export function searchLimitError(): ApiError {
  return new ApiError(429, (correlationId) => ({ status: 'error', message: 'You have reached your secondly limit.', correlationId, category: 'RATE_LIMITS' }));
}
