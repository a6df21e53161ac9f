import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureStateDir, fsyncDir, stateDirPaths } from './stateDir.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubspot-sync-statedir-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('stateDirPaths', () => {
  it('names every file of the state directory', () => {
    expect(stateDirPaths('/s')).toEqual({
      dir: '/s',
      checkpoint: join('/s', 'checkpoint.json'),
      state: join('/s', 'state.sqlite'),
      catalog: join('/s', 'catalog.json'),
      companies: join('/s', 'companies.json'),
      deadLetter: join('/s', 'dead-letter.ndjson'),
      lock: join('/s', 'lock'),
      portal: join('/s', 'portal.json'),
      daily: join('/s', 'daily.json'),
    });
  });
});

describe('ensureStateDir', () => {
  it('creates the directory and its parents, private to its owner', async () => {
    const dir = join(root, 'a', 'b', '.hubspot-sync');
    const paths = await ensureStateDir(dir);
    expect(paths.lock).toBe(join(dir, 'lock'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  // process.umask() cannot be set from a worker thread (vitest's threads pool).
  it.runIf(isMainThread)('makes the mode exact whatever the umask', async () => {
    const previous = process.umask(0o277);
    try {
      await ensureStateDir(join(root, 'state'));
    } finally {
      process.umask(previous);
    }
    expect((await stat(join(root, 'state'))).mode & 0o777).toBe(0o700);
  });

  it('leaves the mode of an existing directory alone', async () => {
    const dir = join(root, 'shared');
    await mkdir(dir, { mode: 0o755 });
    await ensureStateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
  });
});

describe('fsyncDir', () => {
  it('syncs a directory, and ignores one it cannot open', async () => {
    await expect(fsyncDir(root)).resolves.toBeUndefined();
    await expect(fsyncDir(join(root, 'missing'))).resolves.toBeUndefined();
  });
});
