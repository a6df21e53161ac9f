// A state database per test: in a folder of its own, every store a test opened closed and
// the folder removed after it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { StateStore } from '../../src/state/stateStore.js';

export interface StateStoreFixture {
  /** This test's folder. */
  readonly dir: string;
  /** This test's database file, in `dir`. */
  readonly path: string;
  openStore(options?: Parameters<typeof StateStore.open>[1]): StateStore;
}

export function stateStoreFixture(prefix: string): StateStoreFixture {
  let dir = '';
  const open: StateStore[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get path() {
      return join(dir, 'state.sqlite');
    },
    openStore(options) {
      const store = StateStore.open(join(dir, 'state.sqlite'), options);
      open.push(store);
      return store;
    },
  };
}
