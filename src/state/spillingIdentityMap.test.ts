import { describe, expect, it } from 'vitest';
import { SpillingIdentityMap } from './spillingIdentityMap.js';

describe('SpillingIdentityMap', () => {
  it('answers what it learnt, then what the state directory knows', () => {
    const learnt = new SpillingIdentityMap(new Map([['u-old', 'old@example.com'], ['u1', 'stale@example.com']]));
    learnt.set('u1', 'ada@example.com');
    expect(learnt.get('u1')).toBe('ada@example.com');
    expect(learnt.get('u-old')).toBe('old@example.com');
    expect(learnt.get('nobody')).toBeUndefined();
    expect(learnt.spilled).toBe(0);
    learnt.close();
    // Closed, it keeps nothing it learnt: only the state directory's map answers.
    expect(learnt.get('u1')).toBe('stale@example.com');
  });

  it('keeps a bounded number in memory and still answers every id, the latest email winning', () => {
    const learnt = new SpillingIdentityMap(new Map(), 50);
    for (let i = 0; i < 1000; i++) learnt.set(`u${i}`, `user${i}@example.com`);
    expect(learnt.spilled).toBeGreaterThanOrEqual(1000 - 50);
    // Ids long moved to disk learn a new email; ids in memory too.
    for (let i = 0; i < 1000; i += 7) learnt.set(`u${i}`, `moved${i}@example.com`);
    for (let i = 0; i < 1000; i++) expect(learnt.get(`u${i}`)).toBe(i % 7 === 0 ? `moved${i}@example.com` : `user${i}@example.com`);
    learnt.close();
    expect(learnt.get('u0')).toBeUndefined();
  });
});
