// Deterministic pseudo-random numbers: faults and result order are reproducible from a seed.

export type Rng = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * HubSpot does not guarantee the order of batch results. Return them shuffled, and never
 * in request order when there are two or more, so a client that relies on order fails.
 */
export function scramble<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  if (out.length > 1 && out.every((item, i) => item === items[i])) out.reverse();
  return out;
}
