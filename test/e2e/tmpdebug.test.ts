import { it, expect } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { journeyCalls } from '../../bench/lib/journeys.js';
import { tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { liveRun } from '../support/emulatorRun.js';

it('debug', async () => {
  const dir = await tempDir();
  const { calls, suppressed } = journeyCalls({ people: 400, seed: 5, typos: true });
  const input = await writeNdjson(dir, 'j.ndjson', calls);
  const suppress = join(dir, 's.txt');
  await writeFile(suppress, suppressed.join('\n') + '\n');
  const out: unknown[] = [];
  for (const faults of [{}, {}, { seed: 5, errorRate: 0.05, resetRate: 0.03, latencyMs: [20, 60] as [number, number], wholeBatchShare: 0.5 }]) {
    const run = await liveRun({ searchLagMs: 0, faults });
    const r = await run.replay([input, '--suppress', suppress, '--concurrency', '1']);
    expect(r.code, r.stderr).toBe(0);
    const s = run.emulator.snapshot();
    out.push([s.events.length, Object.keys(s.contacts).length, s.associations.length]);
    await run.close();
  }
  console.log('DBG', JSON.stringify(out));
}, 120_000);
