// Journeys-shaped exports: people as a product sees them, not as a CRM does. Some browse
// anonymously and sign up; some come back on a second device before that device is
// identified; two people share one device; some never sign up; some asked to be deleted
// (their emails go to a suppression list); and some join a company (a group call naming
// their email) before their identify. The calls of everyone are interleaved by time, so
// an export read once, in order, meets many anonymous calls before the identify that
// names their anonymousId. Deterministic for a seed (see prng.ts).
import { Prng } from './prng.js';

export type JourneyCall = Record<string, unknown>;

export interface Journeys {
  calls: JourneyCall[];
  /** Emails to put in a `--suppress` file: the people who asked to be deleted. */
  suppressed: string[];
  /** How many people of each kind. */
  people: Record<JourneyKind, number>;
}

export type JourneyKind = 'signup' | 'secondDevice' | 'sharedDevice' | 'neverIdentified' | 'deleted' | 'groupFirst';

const KINDS: ReadonlyArray<readonly [JourneyKind, number]> = [
  ['signup', 0.3],
  ['secondDevice', 0.2],
  ['sharedDevice', 0.2],
  ['neverIdentified', 0.15],
  ['deleted', 0.05],
  ['groupFirst', 0.1],
];

const EVENTS = ['Product Viewed', 'Pricing Viewed', 'Docs Searched', 'Report Viewed', 'Invite Sent'];
const START = Date.UTC(2026, 2, 1);

/**
 * `people` journeys (a shared device counts its two people), interleaved by time. With
 * `typos`, every 23rd person signs up with an email HubSpot refuses (a `.con` domain),
 * so a live run meets HubSpot's refusals too.
 */
export function journeyCalls({ people, seed = 1, typos = false }: { people: number; seed?: number; typos?: boolean }): Journeys {
  const rng = new Prng(seed);
  const timed: Array<{ at: number; order: number; call: JourneyCall }> = [];
  const suppressed: string[] = [];
  const counts: Record<JourneyKind, number> = { signup: 0, secondDevice: 0, sharedDevice: 0, neverIdentified: 0, deleted: 0, groupFirst: 0 };
  let order = 0;
  let messages = 0;
  const emit = (at: number, call: JourneyCall) => {
    timed.push({ at, order: order++, call: { ...call, messageId: `j${seed}-${messages++}`, timestamp: new Date(at).toISOString() } });
  };
  const browse = (at: number, ids: JourneyCall, n: number): number => {
    let t = at;
    for (let i = 0; i < n; i++) {
      t += rng.int(1, 90) * 60_000;
      emit(t, { type: 'track', event: rng.pick(EVENTS), properties: { step: i, plan: rng.pick(['free', 'pro', 'team']) }, ...ids });
    }
    return t;
  };
  const identify = (at: number, ids: JourneyCall, email: string | undefined, name: string) => {
    emit(at, { type: 'identify', ...ids, traits: email === undefined ? { firstName: name } : { email, firstName: name } });
  };

  for (let p = 0; p < people; p++) {
    const kind = pickKind(rng);
    counts[kind]++;
    const user = `user-${seed}-${p}`;
    const email = `person${p}@journeys${seed}.example.${typos && p % 23 === 22 ? 'con' : 'com'}`;
    const device = `anon-${seed}-${p}-${rng.hex(6)}`;
    let t = START + rng.int(0, 20 * 24 * 60) * 60_000;
    switch (kind) {
      case 'signup':
      case 'deleted': {
        if (kind === 'deleted') suppressed.push(email);
        t = browse(t, { anonymousId: device }, rng.int(1, 6));
        identify((t += 60_000), { userId: user, anonymousId: device }, email, `P${p}`);
        browse(t, { userId: user }, rng.int(0, 4));
        break;
      }
      case 'secondDevice': {
        t = browse(t, { anonymousId: device }, rng.int(0, 3));
        identify((t += 60_000), { userId: user, anonymousId: device }, email, `P${p}`);
        t = browse(t, { userId: user }, rng.int(0, 2));
        // Days later, on a phone: browsing before that device is identified (by userId only).
        const phone = `${device}-phone`;
        t = browse(t + 2 * 86_400_000, { anonymousId: phone }, rng.int(1, 5));
        identify((t += 60_000), { userId: user, anonymousId: phone }, undefined, `P${p}`);
        browse(t, { anonymousId: phone }, rng.int(0, 3));
        break;
      }
      case 'sharedDevice': {
        // One family laptop: A signs up, browses, logs out; B uses it and signs up.
        const other = `person${p}b@journeys${seed}.example.com`;
        counts.sharedDevice++;
        t = browse(t, { anonymousId: device }, rng.int(1, 4));
        identify((t += 60_000), { userId: user, anonymousId: device }, email, `P${p}`);
        t = browse(t, { anonymousId: device }, rng.int(1, 3));
        identify((t += 3_600_000), { userId: `${user}-b`, anonymousId: device }, other, `P${p}b`);
        browse(t, { anonymousId: device }, rng.int(1, 3));
        break;
      }
      case 'neverIdentified':
        browse(t, { anonymousId: device }, rng.int(1, 6));
        break;
      case 'groupFirst': {
        // The company is named (with the user's email) before the user's identify.
        const company = `co${p % 17}.journeys${seed}.example.com`;
        emit((t += 60_000), { type: 'group', anonymousId: device, groupId: `g${p % 17}`, context: { traits: { email } }, traits: { name: `Company ${p % 17}`, website: `https://${company}` } });
        t = browse(t, { anonymousId: device }, rng.int(0, 2));
        identify((t += 86_400_000), { userId: user, anonymousId: device }, email, `P${p}`);
        break;
      }
    }
  }
  timed.sort((a, b) => a.at - b.at || a.order - b.order);
  return { calls: timed.map(({ call }) => call), suppressed, people: counts };
}

function pickKind(rng: Prng): JourneyKind {
  let r = rng.next();
  for (const [kind, share] of KINDS) {
    if (r < share) return kind;
    r -= share;
  }
  return 'signup';
}
