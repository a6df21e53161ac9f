// Sends one logical request through the limits and retries it until it gets an answer
// that settles it. Retries are written here rather than left to got because every
// attempt must take its own slot in the rate window, be counted in the report, respect
// the daily budget, and end in a pause (not a failure) when HubSpot stays unavailable.
import PQueue from 'p-queue';
import { AuthError, PauseError } from '../../errors.js';
import type { HubSpotClient, HubSpotResponse, RequestParams } from '../../hubspot/client.js';
import { ENDPOINTS, type EndpointName, type LimitClass } from '../../hubspot/endpoints.js';
import { authAdvice, HubSpotApiError, TransportError } from '../../hubspot/errors.js';
import type { RunTally } from '../../report/tally.js';
import type { DailyBudget } from './dailyBudget.js';
import { RollingWindow, type Clock } from './throttle.js';

export interface RequesterOptions {
  /** Requests per rolling 10 s (`--rate`). */
  rate: number;
  concurrency: number;
  maxRetries: number;
  /** Search's own limit, per second. */
  searchPerSecond?: number;
  /** First back-off step; doubles per attempt, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** HubSpot's rolling window (10 s), shorter only in tests; search's second is a tenth of it. */
  rateWindowMs?: number;
}

/** What a requester sends through and answers to; named, so a call site reads as what it sets. */
export interface RequesterParts {
  client: HubSpotClient;
  options: RequesterOptions;
  /** Counts every attempt and retry for the report. */
  tally: RunTally;
  budget: DailyBudget;
  clock: Clock;
  /** Jitter of the back-off; fixed in tests. */
  random?: () => number;
}

const TEN_SECONDS = 10_000;
/** A 423 waits at least this many back-off steps. */
const LOCKED_STEPS = 2;

export class Requester {
  /** Requests in flight (`--concurrency`): taken only once the rate window let one go. */
  private readonly slots: PQueue;
  /** Each limit's window, with its waiting requests in priority order, one waiting at a time. */
  private readonly windows: Record<LimitClass, { window: RollingWindow; turns: PQueue } | undefined>;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly rateWindowMs: number;
  /** HubSpot refused the token or a scope: the run is over, and nothing more is sent. */
  private refused?: AuthError;

  private readonly client: HubSpotClient;
  private readonly options: RequesterOptions;
  private readonly tally: RunTally;
  private readonly budget: DailyBudget;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor({ client, options, tally, budget, clock, random = Math.random }: RequesterParts) {
    this.client = client;
    this.options = options;
    this.tally = tally;
    this.budget = budget;
    this.clock = clock;
    this.random = random;
    this.slots = new PQueue({ concurrency: options.concurrency });
    const margin = 50;
    this.rateWindowMs = options.rateWindowMs ?? TEN_SECONDS;
    const limited = (limit: number, windowMs: number) => ({
      window: new RollingWindow({ limit, windowMs, marginMs: margin }, clock),
      turns: new PQueue({ concurrency: 1 }),
    });
    this.windows = {
      tenSecondly: limited(options.rate, this.rateWindowMs),
      associations: limited(options.rate, this.rateWindowMs),
      search: limited(options.searchPerSecond ?? 5, this.rateWindowMs / 10),
      events: undefined,
    };
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
  }

  /**
   * With `retryAmbiguous: false`, a failure that may have been applied (timeout, reset,
   * an unreadable answer, 5xx) is thrown to the caller instead of retried: repeating a
   * create would duplicate. Failures that surely were not applied (429, 423, a refused
   * connection) are still retried. With `authFatal: false`, a 401/403 is thrown as the
   * HubSpotApiError it is, for a caller that has another way (a scope it can do without).
   * `seq` ranks queued requests: lower goes first (the seq of the oldest record a batch
   * carries); requests that others wait on go before all of them.
   */
  async send<T>(name: EndpointName, params: RequestParams = {}, { retryAmbiguous = true, authFatal = true, seq = 0 } = {}): Promise<HubSpotResponse<T>> {
    const label = this.client.label(name);
    const { limit, gates } = ENDPOINTS[name];
    const limited = this.windows[limit];
    const window = limited?.window;
    const priority = gates ? Number.MAX_SAFE_INTEGER : -seq;
    let failures = 0;
    let rateLimits = 0;
    for (let attempt = 0; ; attempt++) {
      const retried = attempt > 0;
      try {
        // The window first, then a slot: a request waiting for its window must not hold a
        // slot, or a full ten-secondly window starves association and event requests
        // whose own limits have room (and a backlog of associations starves the rest).
        const answered = limited ? await limited.turns.add(() => limited.window.acquire(), { priority }) : undefined;
        let response: HubSpotResponse<T>;
        try {
          response = await this.slots.add(async () => {
            if (this.refused) throw this.refused;
            if (this.budget.exhausted) throw new PauseError(`Paused: ${this.budget.exhausted}.`);
            this.budget.spend();
            try {
              return await this.client.send<T>(name, params);
            } catch (error) {
              // Noted before the slot is given up, so a request queued behind this one is not sent.
              if (authFatal && error instanceof HubSpotApiError && error.kind === 'auth') this.refused ??= new AuthError(authAdvice(error));
              throw error;
            }
          }, { priority });
        } finally {
          answered?.();
        }
        this.tally.request(label, { retried });
        window?.observe(response.rateLimit.max, response.rateLimit.remaining);
        this.budget.observe(response.rateLimit.daily, response.rateLimit.dailyRemaining);
        return response;
      } catch (error) {
        if (error instanceof PauseError || error === this.refused) throw error;
        if (error instanceof TransportError || error instanceof HubSpotApiError) {
          this.tally.request(label, { retried, rateLimited: error instanceof HubSpotApiError && error.status === 429 });
        }
        if (error instanceof HubSpotApiError) {
          if (error.dailyRemaining !== undefined) this.budget.observe(undefined, error.dailyRemaining);
          if (error.kind === 'auth') {
            // A refusal the caller can live with (a missing schema scope) stops nothing else.
            if (!authFatal) throw error;
            throw (this.refused ??= new AuthError(authAdvice(error)));
          }
          if (error.kind === 'rejected') throw error;
          if (error.kind === 'rateLimited') {
            if (error.envelope.policyName === 'DAILY') throw new PauseError(`Paused: HubSpot's daily limit is reached (${error.envelope.message ?? '429 DAILY'}).`);
            rateLimits++;
            if (rateLimits > Math.max(this.options.maxRetries, 10)) throw new PauseError(`Paused: HubSpot kept answering 429 on ${label}.`);
            const wait = error.retryAfterMs ?? (limit === 'search' ? (this.rateWindowMs / 10) * rateLimits : this.rateWindowMs);
            window?.pause(wait);
            continue;
          }
        } else if (!(error instanceof TransportError)) {
          throw error;
        }
        if (!retryAmbiguous && mayHaveBeenApplied(error)) throw error;
        failures++;
        await retryOrPause(
          this.clock,
          failures,
          { maxRetries: this.options.maxRetries, firstMs: this.backoffMs, maxMs: this.maxBackoffMs },
          () => new PauseError(`Paused: HubSpot at ${this.client.host} is unavailable (${(error as Error).message}) after ${this.options.maxRetries} retries; nothing was lost, run again later.`),
          (backoff) => this.adjust(backoff, error),
        );
      }
    }
  }

  /** Jitter, so clients that failed together do not retry together; a 423 waits at least two steps (2 s) and Retry-After wins. */
  private adjust(backoff: number, error: unknown): number {
    let wait = backoff / 2 + (this.random() * backoff) / 2;
    if (error instanceof HubSpotApiError) {
      if (error.retryAfterMs !== undefined) wait = error.retryAfterMs;
      else if (error.status === 423) wait = Math.max(wait, LOCKED_STEPS * this.backoffMs);
    }
    return wait;
  }
}

/** The back-off of every retry: doubling from `firstMs`, never more than `maxMs`. */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 1000, maxMs: 60_000 };

/**
 * Retry-then-pause, the one way the run retries: before retry number `retry` (1 for the
 * first) it waits the policy's back-off, which `adjust` may change (jitter, a server's
 * Retry-After); past `maxRetries` retries it throws `pause()` instead, since a pause loses
 * nothing and the next run goes on from its checkpoint.
 */
export async function retryOrPause(
  clock: Clock,
  retry: number,
  policy: BackoffPolicy & { maxRetries: number },
  pause: () => Error,
  adjust: (backoff: number) => number = (backoff) => backoff,
): Promise<void> {
  if (retry > policy.maxRetries) throw pause();
  const wait = adjust(Math.min(policy.maxMs, policy.firstMs * 2 ** (retry - 1)));
  if (wait > 0) await clock.sleep(wait);
}

/** Whether HubSpot may have applied a request that failed this way. */
export function mayHaveBeenApplied(error: unknown): boolean {
  if (error instanceof TransportError) return !error.neverSent;
  if (error instanceof HubSpotApiError) return error.kind === 'transient' && error.status >= 500;
  return false;
}
