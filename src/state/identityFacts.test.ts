import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from './stateStore.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-facts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (file: string, offset: number) => ({ file, offset });

describe('identity facts: a resumed run takes back what records past its watermark taught', () => {
  it('a shared device: the map returns to what it held at the resume point, suppressed ids too', () => {
    const path = join(dir, 'a.sqlite');
    const store = StateStore.open(path);
    store.identities.set('known', 'old@example.com'); // from an earlier run: no place
    store.identities.set('device', 'a@example.com', at('day1', 100));
    store.identities.set('device', 'b@example.com', at('day1', 500));
    store.identities.set('known', 'new@example.com', at('day1', 600));
    store.suppressedIds.add('gone', at('day1', 700));
    store.identities.set('phone', 'c@example.com', at('day2', 0));
    store.flush();
    store.close();

    const resumed = StateStore.open(path);
    // Killed with day1's watermark at 500 and day2 not reached.
    expect(resumed.rewindIdentities((input) => (input === 'day1' ? 500 : undefined))).toBe(4);
    expect(resumed.identities.get('device')).toBe('a@example.com');
    expect(resumed.identities.get('known')).toBe('old@example.com');
    expect(resumed.identities.get('phone')).toBeUndefined();
    expect(resumed.suppressedIds.has('gone')).toBe(false);
    // Learnt again, and taken back again by a second kill at the same point.
    resumed.identities.set('device', 'b@example.com', at('day1', 500));
    resumed.flush();
    resumed.close();
    const again = StateStore.open(path);
    expect(again.rewindIdentities(() => 500)).toBe(1);
    expect(again.identities.get('device')).toBe('a@example.com');
    // A run that starts anew forgets where facts were learnt, not the facts.
    again.clearIdentityFacts();
    expect(again.rewindIdentities(() => 0)).toBe(0);
    expect(again.identities.get('device')).toBe('a@example.com');
    again.close();
  });

  it('for any facts and any resume point, the rewound map is the map built from the facts before it', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.constantFrom('u1', 'u2', 'a1', 'a2'), email: fc.constantFrom('x@e.com', 'y@e.com', 'z@e.com'), gap: fc.nat(3) }), { maxLength: 30 }),
        fc.nat(40),
        fc.boolean(),
        (facts, resumeAt, flushHalfway) => {
          const path = join(dir, `p${n++}.sqlite`);
          const store = StateStore.open(path);
          let offset = 0;
          const placed = facts.map((fact) => ({ ...fact, offset: (offset += fact.gap) }));
          placed.forEach((fact, i) => {
            store.identities.set(fact.id, fact.email, at('in', fact.offset));
            if (flushHalfway && i === Math.floor(placed.length / 2)) store.flush();
          });
          store.close();
          const resumed = StateStore.open(path);
          resumed.rewindIdentities(() => resumeAt);
          const expected = new Map<string, string>();
          for (const fact of placed) if (fact.offset < resumeAt) expected.set(fact.id, fact.email);
          for (const id of ['u1', 'u2', 'a1', 'a2']) expect(resumed.identities.get(id)).toBe(expected.get(id));
          resumed.close();
        },
      ),
      { numRuns: 30 },
    );
  });
});
