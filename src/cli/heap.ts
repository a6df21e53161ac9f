// A replay is one long batch over millions of short-lived records with a small live set
// (~20 MB; the duplicate window lives outside the heap). By default V8 lets the old
// generation grow to about three times what survives before it collects it, which on a
// 1M-event dry run was ~40 MB of resident memory holding nothing. Growing it by a
// quarter instead keeps it near the live set: old space 59 → 24 MB, peak RSS
// 202 → 178 MB, for 30 more full collections (+130 ms of a 17 s run).
import { setFlagsFromString } from 'node:v8';

export function keepHeapNearLiveSize(): void {
  setFlag('--heap-growing-percent=25');
}

/**
 * For a live run: V8's young generation stays at its starting size. Under a replay's
 * allocation rate it grows to its maximum (32 MB on Node.js 20, 64 MB on 24) and stays
 * resident, which put a 1M-event live run past 200 MB; kept small it costs a few percent
 * of wall time (bench/RESULTS.md §14). Dry runs and diff keep their speed.
 */
export function keepYoungGenerationSmall(): void {
  setFlag('--semi-space-growth-factor=1');
}

function setFlag(flag: string): void {
  try {
    setFlagsFromString(flag);
  } catch {
    // A runtime whose flags are frozen keeps V8's default: more memory, same results.
  }
}
