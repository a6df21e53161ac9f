// The daily request budget. HubSpot's daily limit is shared by every integration of the
// portal, so a backfill stops while a reserve is left (default 10 % of the limit), or
// after --daily-limit requests, and resumes tomorrow from its checkpoint.
import { UsageError } from '../errors.js';

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

export class DailyBudget {
  private used = 0;
  private exhaustedBecause?: string;

  constructor(private readonly reserve: Reserve, private readonly limit?: number) {}

  /** Counts a request against --daily-limit (event sends are exempt from HubSpot's daily limit). */
  spend(): void {
    this.used++;
    if (this.limit !== undefined && this.used >= this.limit) {
      this.exhaustedBecause = `--daily-limit of ${this.limit} requests reached`;
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
