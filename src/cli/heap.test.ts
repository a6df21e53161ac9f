// The heap settings take effect: each case runs in a process of its own, since V8's flags
// are the process's. A replay's allocation pattern (many short-lived records, a bounded
// set kept) grows the young generation to its maximum unless a live run caps it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP } from './heap.js';

const HEAP = fileURLToPath(new URL('./heap.ts', import.meta.url));

/**
 * The young generation's largest size (MB) during a replay-like churn, with the settings
 * named: records made a thousand at a time, with a turn of the event loop between (a
 * replay reads its input a chunk at a time).
 */
async function youngGenerationDuringChurn(settings: string[]): Promise<number> {
  const script = `
    import * as heap from ${JSON.stringify(HEAP)};
    import { getHeapSpaceStatistics } from 'node:v8';
    for (const name of ${JSON.stringify(settings)}) heap[name]();
    const young = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
    let kept = [];
    let largest = 0;
    for (let i = 0; i < 2_000_000; i++) {
      kept.push({ email: 'person' + i + '@example.com', properties: { plan: 'pro', seats: i } });
      if (kept.length > 20_000) kept = [];
      if (i % 1000 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        largest = Math.max(largest, young());
      }
    }
    console.log(largest);
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  return Number(stdout.trim()) / 2 ** 20;
}

describe('heap settings', () => {
  it('a live run lets the young generation grow to its cap and no further; without it the churn grows it several times over', async () => {
    const [grown, capped] = await Promise.all([youngGenerationDuringChurn(['keepHeapNearLiveSize']), youngGenerationDuringChurn(['keepHeapNearLiveSize', 'capYoungGeneration'])]);
    const cap = YOUNG_GENERATION_CAP / 2 ** 20;
    // Grown past its starting 2 MB to the cap, and stopped before the next doubling
    // (Node.js 24 holds a few pages past it between collections: 8.25–11 MB).
    expect(capped).toBeGreaterThanOrEqual(cap);
    expect(capped).toBeLessThan(2 * cap);
    expect(grown).toBeGreaterThanOrEqual(4 * cap);
  });
});
