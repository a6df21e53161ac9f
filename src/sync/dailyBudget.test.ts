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
