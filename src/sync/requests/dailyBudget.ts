// The daily request budget. HubSpot's daily limit is shared by every integration of the
// portal, so a backfill stops while a reserve is left (default 10 % of the limit), or
// after --daily-limit requests, and resumes tomorrow from its checkpoint.
import { UsageError } from '../../errors.js';

export type Reserve = { kind: 'requests'; value: number } | { kind: 'percent'; value: number };

export function parseReserve(text: string): Reserve {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!match) throw new UsageError(`--daily-reserve must be a number of requests or a percentage like 10%, got "${text}".`);
  const value = Number(match[1]);
  if (match[2] === '%') {
    if (value > 100) throw new UsageError('--daily-reserve cannot exceed 100%.');
    return { kind: 'percent', value };
  }
  return { kind: 'requests', value };
}

/**
 * Where the requests of the UTC day are counted across the runs of a state directory:
 * `spentBefore` by earlier runs today; `record(total)` makes a total durable before the
 * requests it covers are sent, so a run killed at any moment never lets the next one
 * exceed the limit.
 */
export interface DailyLedger {
  spentBefore: number;
  record(total: number): void;
}

/** Requests counted ahead on disk at a time: one write per block, not per request. */
const LEDGER_BLOCK = 20;

export class DailyBudget {
  private used = 0;
  /** Requests of this run the ledger already covers. */
  private recorded = 0;
  private exhaustedBecause?: string;

  constructor(
    private readonly reserve: Reserve,
    private readonly limit?: number,
    private readonly ledger?: DailyLedger,
  ) {
    if (limit !== undefined && (ledger?.spentBefore ?? 0) >= limit) {
      this.exhaustedBecause = `--daily-limit of ${limit} requests reached today (UTC) by earlier runs of this state directory`;
    }
  }

  /**
   * Counts a request against --daily-limit, before it is sent; every request counts,
   * event sends too (the limit is the user's own cap on what a day's runs send).
   */
  spend(): void {
    this.used++;
    const spentBefore = this.ledger?.spentBefore ?? 0;
    if (this.ledger && this.used > this.recorded) {
      const room = this.limit === undefined ? Infinity : this.limit - spentBefore;
      this.recorded = Math.min(this.used + LEDGER_BLOCK - 1, Math.max(room, this.used));
      this.ledger.record(spentBefore + this.recorded);
    }
    if (this.limit !== undefined && spentBefore + this.used >= this.limit) {
      this.exhaustedBecause = `--daily-limit of ${this.limit} requests reached${spentBefore > 0 ? ' today (UTC), counting earlier runs of this state directory' : ''}`;
    }
  }

  /** At the end of a run: the ledger is set to the requests really sent. */
  settle(): void {
    if (this.ledger && this.recorded !== this.used) {
      this.recorded = this.used;
      this.ledger.record(this.ledger.spentBefore + this.used);
    }
  }

  /** Reads X-HubSpot-RateLimit-Daily(-Remaining) after an answer. */
  observe(daily: number | undefined, dailyRemaining: number | undefined): void {
    if (dailyRemaining === undefined) return;
    const floor = this.reserve.kind === 'requests'
      ? this.reserve.value
      : daily !== undefined ? Math.ceil((daily * this.reserve.value) / 100) : 0;
    if (dailyRemaining <= floor) {
      this.exhaustedBecause = `HubSpot's daily limit is down to ${dailyRemaining} remaining requests (reserve ${floor} kept for the portal's other integrations)`;
    }
  }

  /** Set once the budget is spent: no new request may start. */
  get exhausted(): string | undefined {
    return this.exhaustedBecause;
  }

  get requests(): number {
    return this.used;
  }
}
