// The heap settings take effect: each case runs in a process of its own, since V8's flags
// are the process's. A replay's allocation pattern (many short-lived records, a bounded
// set kept) grows the young generation to its maximum unless a live run keeps it small.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const HEAP = fileURLToPath(new URL('./heap.ts', import.meta.url));

/** The young generation's size (MB) after a replay-like churn, with the settings named. */
async function youngGenerationAfterChurn(settings: string[]): Promise<number> {
  const script = `
    import * as heap from ${JSON.stringify(HEAP)};
    import { getHeapSpaceStatistics } from 'node:v8';
    for (const name of ${JSON.stringify(settings)}) heap[name]();
    let kept = [];
    for (let i = 0; i < 2_000_000; i++) {
      kept.push({ email: 'person' + i + '@example.com', properties: { plan: 'pro', seats: i } });
      if (kept.length > 20_000) kept = [];
    }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(young.space_size);
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  return Number(stdout.trim()) / 2 ** 20;
}

describe('heap settings', () => {
  it('a live run keeps the young generation small; without it the churn grows it several times over', async () => {
    const [grown, kept] = await Promise.all([youngGenerationAfterChurn(['keepHeapNearLiveSize']), youngGenerationAfterChurn(['keepHeapNearLiveSize', 'keepYoungGenerationSmall'])]);
    expect(kept).toBeLessThanOrEqual(4);
    expect(grown).toBeGreaterThanOrEqual(4 * kept);
  });
});
