import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openIdBlocks } from './idBlocks.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const ourTempDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('hubspot-sync-ids-'));

describe('openIdBlocks', () => {
  it('gives back each block, also after a block is rewritten longer or shorter', () => {
    const blocks = openIdBlocks(3);
    blocks.write(0, bytes('alpha-beta'), 10);
    blocks.write(1, bytes('gamma'), 5);
    blocks.write(2, bytes('delta-epsilon-zeta'), 18);
    expect(blocks.read(0, 6, 4).toString()).toBe('beta');
    expect(blocks.read(2, 0, 5).toString()).toBe('delta');
    // The ring wrapped: block 0 again, longer than its place, then block 1, shorter.
    blocks.write(0, bytes('eta-theta-iota-kappa'), 20);
    blocks.write(1, bytes('mu'), 2);
    expect(blocks.read(0, 15, 5).toString()).toBe('kappa');
    expect(blocks.read(1, 0, 2).toString()).toBe('mu');
    expect(blocks.read(2, 14, 4).toString()).toBe('zeta');
    blocks.close();
  });

  it('leaves no temporary file behind', () => {
    const before = ourTempDirs().length;
    const blocks = openIdBlocks(1);
    blocks.write(0, bytes('x'.repeat(100_000)), 100_000);
    expect(blocks.read(0, 99_999, 1).toString()).toBe('x');
    blocks.close();
    expect(ourTempDirs().length).toBeLessThanOrEqual(before);
  });
});
