// The requests the runs of a state directory made in the current UTC day (daily.json),
// so that --daily-limit holds over every run of the day, as two cron runs share it.
import { readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { writeFailure } from '../errors.js';
import { PRIVATE_FILE_MODE, stateDirPaths } from './stateDir.js';

/** The UTC day of `now`, as YYYY-MM-DD. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The day's ledger of the directory at `dir`: what earlier runs spent today, and a durable writer. */
export function dailyLedger(dir: string, now: Date = new Date()): { spentBefore: number; record(total: number): void } {
  const path = stateDirPaths(dir).daily;
  const day = utcDay(now);
  return {
    spentBefore: spentOn(path, day),
    record(total) {
      try {
        writeFileAtomic.sync(path, `${JSON.stringify({ day, requests: total })}\n`, { mode: PRIVATE_FILE_MODE, fsync: true });
      } catch (error) {
        // A full disk stops the run on one line naming the file, as every write does.
        throw writeFailure(path, error);
      }
    },
  };
}

function spentOn(path: string, day: string): number {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { day?: unknown; requests?: unknown };
    return saved.day === day && typeof saved.requests === 'number' && Number.isSafeInteger(saved.requests) && saved.requests > 0 ? saved.requests : 0;
  } catch {
    // Missing (no request yet today) or unreadable: the day starts from nothing.
    return 0;
  }
}
