import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SegmentCall } from '../core/types.js';
import { openInput } from './openInput.js';
import type { InputFormat, ReadOptions } from './types.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures', name);

async function callsOf(name: string, format: InputFormat, options: ReadOptions = {}): Promise<SegmentCall[]> {
  const calls: SegmentCall[] = [];
  for await (const item of openInput({ path: fixture(name), format }, options)) {
    if (item.kind !== 'record') throw new Error(`${name} line ${item.position.line}: ${item.code} ${item.reason}`);
    calls.push(item.call);
  }
  return calls;
}

describe('the same events in every format', () => {
  it('NDJSON, gzip and CSV (dotted and warehouse) give the same calls', async () => {
    const ndjson = await callsOf('same-events.ndjson', 'ndjson');
    const gzip = await callsOf('same-events.ndjson.gz', 'ndjson');
    const csv = [
      ...(await callsOf('identify-dotted.csv', 'csv')),
      ...(await callsOf('warehouse-identifies.csv', 'csv', { type: 'identify' })),
      ...(await callsOf('warehouse-tracks.csv', 'csv', { type: 'track' })),
    ];
    expect(ndjson).toHaveLength(9);
    expect(gzip).toEqual(ndjson);
    expect(csv).toEqual(ndjson);
  });
});
