import { describe, expect, it } from 'vitest';
import { DailyBudget, parseReserve } from './dailyBudget.js';

describe('parseReserve', () => {
  it.each([
    ['10%', { kind: 'percent', value: 10 }],
    ['2.5 %', { kind: 'percent', value: 2.5 }],
    ['5000', { kind: 'requests', value: 5000 }],
  ])('%s', (text, reserve) => expect(parseReserve(text)).toEqual(reserve));

  it.each(['ten', '-5', '150%'])('refuses %s with a usage error', (text) => {
    expect(() => parseReserve(text)).toThrow(/--daily-reserve/);
  });
});

describe('DailyBudget', () => {
  it('is spent after --daily-limit requests', () => {
    const budget = new DailyBudget({ kind: 'percent', value: 10 }, 3);
    budget.spend();
    budget.spend();
    expect(budget.exhausted).toBeUndefined();
    budget.spend();
    expect(budget.exhausted).toContain('--daily-limit of 3');
  });

  it.each([
    // limit, spent by earlier runs today, requests this run may send
    [10, 0, 10],
    [10, 4, 6],
    [10, 10, 0],
    [10, 25, 0],
    [100, 37, 63],
  ])('with --daily-limit %i and %i spent earlier today, sends %i more', (limit, spentBefore, allowed) => {
    const totals: number[] = [];
    const budget = new DailyBudget({ kind: 'percent', value: 10 }, limit, { spentBefore, record: (total) => totals.push(total) });
    let sent = 0;
    while (budget.exhausted === undefined && sent < 1000) {
      budget.spend();
      sent++;
      // Counted on disk before the request goes: a kill now never lets a later run exceed the limit.
      expect(totals.at(-1)).toBeGreaterThanOrEqual(spentBefore + sent);
      expect(totals.at(-1)).toBeLessThanOrEqual(Math.max(limit, spentBefore));
    }
    expect(sent).toBe(allowed);
    budget.settle();
    if (sent > 0) expect(totals.at(-1)).toBe(spentBefore + sent);
  });

  it('counts a day without a limit too, a block at a time, and settles to the exact count', () => {
    const totals: number[] = [];
    const budget = new DailyBudget({ kind: 'percent', value: 10 }, undefined, { spentBefore: 5, record: (total) => totals.push(total) });
    for (let i = 0; i < 45; i++) budget.spend();
    expect(totals).toEqual([25, 45, 65]);
    budget.settle();
    expect(totals.at(-1)).toBe(50);
    expect(budget.exhausted).toBeUndefined();
  });

  it("is spent when HubSpot's daily remaining falls to a percentage of the daily limit", () => {
    const budget = new DailyBudget({ kind: 'percent', value: 10 });
    budget.observe(250_000, 25_001);
    expect(budget.exhausted).toBeUndefined();
    budget.observe(250_000, 25_000);
    expect(budget.exhausted).toMatch(/25000 remaining.*reserve 25000/);
  });

  it('is spent at an absolute reserve, and ignores answers without daily headers (OAuth)', () => {
    const budget = new DailyBudget({ kind: 'requests', value: 100 });
    budget.observe(undefined, undefined);
    expect(budget.exhausted).toBeUndefined();
    budget.observe(undefined, 101);
    expect(budget.exhausted).toBeUndefined();
    budget.observe(undefined, 99);
    expect(budget.exhausted).toMatch(/99 remaining.*reserve 100/);
  });
});
