// A replay is one long batch over millions of short-lived records with a small live set
// (~20 MB; the duplicate window lives outside the heap). By default V8 lets the old
// generation grow to about three times what survives before it collects it, which on a
// 1M-event dry run was ~40 MB of resident memory holding nothing. Growing it by a
// quarter instead keeps it near the live set: old space 59 → 24 MB, peak RSS
// 202 → 178 MB, for 30 more full collections (+130 ms of a 17 s run).
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export function keepHeapNearLiveSize(): void {
  setFlag('--heap-growing-percent=25');
}

/** The young generation's size (both semi-spaces) past which a live run stops growing it. */
export const YOUNG_GENERATION_CAP = 8 * 2 ** 20;

/**
 * For a live run: V8 grows its young generation as it would, but only up to 8 MB. Under a
 * replay's allocation rate it would grow to its maximum (32 MB on Node.js 20, 64 MB on 24)
 * and stay resident, which put a 1M-event live run past 200 MB; kept at its starting 2 MB,
 * the objects of requests in flight outlive it and are collected as old ones, and the
 * sending phase spent a third of its time collecting (bench/RESULTS.md §15). Its maximum
 * is fixed when the process starts; how it grows is read each time it grows, so growth is
 * turned off after the collection that reaches the cap (Node.js 24 then holds a few pages
 * past it between collections). Dry runs and diff keep V8's default.
 */
export function capYoungGeneration(): void {
  const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  const stopGrowing = () => {
    if (newSpace() < YOUNG_GENERATION_CAP) return false;
    setFlag('--semi-space-growth-factor=1');
    return true;
  };
  if (stopGrowing()) return;
  const observer = new PerformanceObserver(() => {
    if (stopGrowing()) observer.disconnect();
  });
  // (A gc observer does not keep the process alive.)
  observer.observe({ entryTypes: ['gc'] });
}

function setFlag(flag: string): void {
  try {
    setFlagsFromString(flag);
  } catch {
    // A runtime whose flags are frozen keeps V8's default: more memory, same results.
  }
}
