import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { StateStore } from './stateStore.js';
import { stateStoreFixture } from '../../test/support/stateStores.js';

const fixture = stateStoreFixture('hubspot-sync-store-');
const { openStore } = fixture;

describe('StateStore', () => {
  it('keeps identities, company ids and the duplicate window across close and reopen', () => {
    const store = openStore();
    store.identities.set('user-1', 'peter@initech.com');
    store.companyIds.set('initech.com', '1001');
    expect(store.duplicates.checkAndMark('m-1')).toBe(false);
    store.close();

    const again = openStore();
    expect(again.identities.get('user-1')).toBe('peter@initech.com');
    expect(again.companyIds.get('initech.com')).toBe('1001');
    expect(again.identities.get('user-2')).toBeUndefined();
    expect(again.companyIds.get('initrode.com')).toBeUndefined();
    expect(again.duplicates.checkAndMark('m-1')).toBe(true);
    expect(again.duplicates.checkAndMark('m-2')).toBe(false);
  });

  it('forgets a company id (deleted or merged in HubSpot): at once for reads, on disk at the flush; counts follow', () => {
    const store = openStore();
    store.companyIds.set('initech.com', '1001');
    store.companyIds.set('initrode.com', '1002');
    store.flush();
    store.companyIds.delete('initech.com');
    expect(store.companyIds.get('initech.com')).toBeUndefined();
    expect(store.counts().companies).toBe(1);
    const reader = new Database(fixture.path, { readonly: true });
    const stored = () => reader.prepare('SELECT id FROM companies WHERE domain = ?').pluck().get('initech.com');
    expect(stored()).toBe('1001');
    store.flush();
    expect(stored()).toBeUndefined();
    store.companyIds.set('initech.com', '2001');
    store.close();
    reader.close();
    const again = openStore();
    expect(again.companyIds.get('initech.com')).toBe('2001');
    expect(again.counts().companies).toBe(2);
  });

  it('answers from its buffer before a flush, and writes the buffer in the flush', () => {
    const store = openStore();
    store.identities.set('user-1', 'peter@initech.com');
    store.companyIds.set('initech.com', '1001');
    store.duplicates.add('m-1');
    expect(store.identities.get('user-1')).toBe('peter@initech.com');
    expect(store.companyIds.get('initech.com')).toBe('1001');
    expect(store.duplicates.has('m-1')).toBe(true);

    const reader = new Database(fixture.path, { readonly: true });
    const identities = () => reader.prepare('SELECT count(*) FROM identities').pluck().get();
    expect(identities()).toBe(0);
    store.flush();
    expect(identities()).toBe(1);
    expect(reader.prepare('SELECT id FROM companies WHERE domain = ?').pluck().get('initech.com')).toBe('1001');
    expect(reader.prepare('SELECT count(*) FROM seen_messages').pluck().get()).toBe(1);
    reader.close();
  });

  it('lets a later write win, before and after a flush', () => {
    const store = openStore();
    store.identities.set('user-1', 'old@initech.com');
    store.flush();
    store.identities.set('user-1', 'mid@initech.com');
    store.identities.set('user-1', 'new@initech.com');
    expect(store.identities.get('user-1')).toBe('new@initech.com');
    store.close();
    expect(openStore().identities.get('user-1')).toBe('new@initech.com');
  });

  it('flushes on its own when the buffer is large, so memory stays bounded', () => {
    const store = openStore({ autoFlushAt: 100 });
    for (let i = 0; i < 250; i++) store.identities.set(`user-${i}`, `u${i}@initech.com`);
    const reader = new Database(fixture.path, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM identities').pluck().get()).toBe(200);
    reader.close();
    expect(store.counts().identities).toBe(250);
  });

  it('keeps a small cache and maps no file when asked (a live run): its memory must not grow with the file', () => {
    const pragmas = (store: StateStore) => ({
      cache: store['db'].pragma('cache_size', { simple: true }),
      mmap: store['db'].pragma('mmap_size', { simple: true }),
    });
    const small = openStore({ cache: 'small' });
    expect(pragmas(small)).toEqual({ cache: -2048, mmap: 0 });
    small.close();
    expect(pragmas(openStore())).toEqual({ cache: -65536, mmap: 1073741824 });
  });

  it('counts what it holds, buffered entries included', () => {
    const store = openStore();
    store.identities.set('a', 'a@x.com');
    store.flush();
    store.identities.set('a', 'a2@x.com');
    store.identities.set('b', 'b@x.com');
    store.companyIds.set('x.com', '1');
    store.duplicates.add('m-1');
    store.duplicates.add('m-1');
    expect(store.counts()).toEqual({ identities: 2, companies: 1, duplicateWindow: 1 });
  });

  it('creates its files with mode 0600', async () => {
    const store = openStore();
    store.identities.set('user-1', 'peter@initech.com');
    store.flush();
    for (const file of ['state.sqlite', 'state.sqlite-wal', 'state.sqlite-shm']) {
      expect(((await stat(join(fixture.dir, file))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it('makes an existing database file private again', async () => {
    await writeFile(fixture.path, '', { mode: 0o644 });
    openStore();
    expect((await stat(fixture.path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that is not a state database, naming it', async () => {
    await writeFile(fixture.path, 'this is not a database, just some text that is long enough to have a header');
    expect(() => StateStore.open(fixture.path)).toThrow(UsageError);
    expect(() => StateStore.open(fixture.path)).toThrow(fixture.path);
    expect(() => StateStore.open(fixture.path, { readOnly: true })).toThrow(UsageError);
  });

  it('refuses a database from a newer version', () => {
    openStore().close();
    const db = new Database(fixture.path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => StateStore.open(fixture.path)).toThrow(/newer hubspot-sync/);
  });
});

describe('StateStore, read-only', () => {
  it('never creates a file: without a database it is empty and in memory', async () => {
    const store = openStore({ readOnly: true });
    expect(store.identities.get('user-1')).toBeUndefined();
    store.identities.set('user-1', 'peter@initech.com');
    expect(store.identities.get('user-1')).toBe('peter@initech.com');
    expect(store.duplicates.checkAndMark('m-1')).toBe(false);
    expect(store.duplicates.checkAndMark('m-1')).toBe(true);
    store.flush();
    store.close();
    expect(await readdir(fixture.dir)).toEqual([]);
  });

  it('reads an existing database and leaves the directory exactly as it was', async () => {
    const writer = openStore();
    writer.identities.set('user-1', 'peter@initech.com');
    writer.duplicates.add('m-1');
    writer.close();
    const before = await readdir(fixture.dir);
    const beforeStat = await stat(fixture.path);

    const store = openStore({ readOnly: true });
    expect(store.identities.get('user-1')).toBe('peter@initech.com');
    expect(store.duplicates.has('m-1')).toBe(true);
    store.identities.set('user-2', 'bill@initech.com'); // learnt in memory
    expect(store.identities.get('user-2')).toBe('bill@initech.com');
    store.close();

    expect(await readdir(fixture.dir)).toEqual(before);
    expect((await stat(fixture.path)).mtimeMs).toBe(beforeStat.mtimeMs);
    expect(openStore().identities.get('user-2')).toBeUndefined();
  });

  it('reads while a writer has the database open', () => {
    const writer = openStore();
    writer.identities.set('user-1', 'peter@initech.com');
    writer.flush();
    const reader = openStore({ readOnly: true });
    expect(reader.identities.get('user-1')).toBe('peter@initech.com');
    writer.identities.set('user-2', 'bill@initech.com');
    writer.flush();
    expect(writer.counts().identities).toBe(2);
  });

  it('holds no lock on the file once the event loop turns, so a writer is never kept waiting', async () => {
    const writer = openStore();
    writer.identities.set('user-1', 'peter@initech.com');
    writer.close(); // at rest in rollback-journal mode: a reader's lock blocks writers
    const reader = openStore({ readOnly: true });
    expect(reader.identities.get('user-1')).toBe('peter@initech.com');

    const other = new Database(fixture.path, { timeout: 0 });
    const write = () => other.prepare("INSERT INTO identities VALUES ('user-2', 'bill@initech.com')").run();
    expect(write).toThrow(/locked|busy/i); // the lookups of this turn share one read transaction
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).not.toThrow();
    other.close();
    expect(reader.identities.get('user-2')).toBe('bill@initech.com');
  });

  it('treats a database file that never got its tables as empty', async () => {
    await writeFile(fixture.path, '');
    const store = openStore({ readOnly: true });
    expect(store.identities.get('x')).toBeUndefined();
    expect(store.counts()).toEqual({ identities: 0, companies: 0, duplicateWindow: 0 });
  });
});

describe('the duplicate window', () => {
  it('never calls a first occurrence a duplicate, and always remembers the last `window` ids', () => {
    const window = 1000;
    const store = openStore({ duplicateWindow: window, autoFlushAt: 333 });
    const total = 10_500;
    const ids = (from: number, to: number, prefix = 'id-'): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
    // The ids each answer was wrong for, compared in one assertion each.
    const called = ids(0, total).filter((id, i) => {
      const duplicate = store.duplicates.checkAndMark(id);
      if (i % 1234 === 0) store.flush();
      return duplicate;
    });
    expect(called).toEqual([]);
    expect(ids(total - window, total).filter((id) => !store.duplicates.has(id))).toEqual([]);
    expect(store.duplicates.has(`id-${total - window - 1}`)).toBe(false);
    expect(store.counts().duplicateWindow).toBe(window);
    store.close();

    const again = openStore({ duplicateWindow: window });
    expect(ids(total - window, total).filter((id) => !again.duplicates.has(id))).toEqual([]);
    expect(ids(0, total - window).filter((id) => again.duplicates.has(id))).toEqual([]);
    expect(ids(0, 100, 'new-').filter((id) => again.duplicates.checkAndMark(id))).toEqual([]);
  });

  it('keeps a repeated id in the window: a mark makes it recent again', () => {
    const store = openStore({ duplicateWindow: 3 });
    store.duplicates.add('a');
    store.duplicates.add('b');
    store.flush();
    expect(store.duplicates.checkAndMark('a')).toBe(true); // a is now the most recent
    store.duplicates.add('c');
    store.duplicates.add('d'); // b falls out: marks were a, b, a, c, d
    store.flush();
    expect(store.duplicates.has('a')).toBe(true);
    expect(store.duplicates.has('b')).toBe(false);
  });

  it('bounds the buffer of a read-only store to the window', () => {
    const store = openStore({ readOnly: true, duplicateWindow: 10 });
    for (let i = 0; i < 100; i++) expect(store.duplicates.checkAndMark(`id-${i}`)).toBe(false);
    expect(store.counts().duplicateWindow).toBe(10);
    expect(store.duplicates.has('id-89')).toBe(false);
    expect(store.duplicates.has('id-90')).toBe(true);
  });

  it('does not take a record read again after a resume for its own duplicate', () => {
    const at = (offset: number, index?: number) => ({ file: 'events.ndjson', offset, index });
    const store = openStore();
    // Run 1 reads and marks past its last checkpoint, then is killed.
    expect(store.duplicates.checkAndMark('m-1', at(0))).toBe(false);
    expect(store.duplicates.checkAndMark('m-2', at(100, 0))).toBe(false);
    expect(store.duplicates.checkAndMark('m-1', at(200))).toBe(true); // a real duplicate
    store.close();

    const resumed = openStore();
    expect(resumed.duplicates.checkAndMark('m-1', at(0))).toBe(false); // the same record
    expect(resumed.duplicates.checkAndMark('m-2', at(100, 0))).toBe(false);
    expect(resumed.duplicates.checkAndMark('m-2', at(100, 1))).toBe(true); // another element of the batch
    expect(resumed.duplicates.checkAndMark('m-1', at(200))).toBe(true); // still a duplicate
    expect(resumed.duplicates.has('m-1', { file: 'other.ndjson', offset: 0 })).toBe(true);
    expect(resumed.duplicates.has('m-1')).toBe(true); // no origin: any earlier mark counts
  });

  it('keeps the first origin when an id is marked without one and then with one', () => {
    const store = openStore();
    store.duplicates.add('m-1');
    store.duplicates.add('m-1', { file: 'x', offset: 0 });
    expect(store.duplicates.has('m-1', { file: 'x', offset: 0 })).toBe(true);
  });

  it('forgets every id when told to start over', () => {
    const store = openStore();
    store.duplicates.add('m-1');
    store.flush();
    store.duplicates.add('m-2');
    store.clearDuplicates();
    expect(store.duplicates.has('m-1')).toBe(false);
    expect(store.duplicates.has('m-2')).toBe(false);
    store.close();
    expect(openStore().duplicates.has('m-1')).toBe(false);
  });
});

it('open() on a missing directory is a UsageError naming the file', () => {
  const missing = join(fixture.dir, 'nope', 'state.sqlite');
  expect(() => StateStore.open(missing)).toThrow(UsageError);
  expect(existsSync(missing)).toBe(false);
});

describe('suppressed ids', () => {
  it('are kept across runs, and a read-only store reads them and keeps its own additions in memory', () => {
    const store = openStore();
    expect(store.suppressedIds.count()).toBe(0);
    store.suppressedIds.add('anon-gone');
    store.suppressedIds.add('anon-gone');
    expect(store.suppressedIds.has('anon-gone')).toBe(true);
    expect(store.suppressedIds.count()).toBe(1);
    store.close();

    const reader = openStore({ readOnly: true });
    expect(reader.suppressedIds.has('anon-gone')).toBe(true);
    reader.suppressedIds.add('u-dry');
    expect(reader.suppressedIds.has('u-dry')).toBe(true);
    expect(reader.suppressedIds.count()).toBe(2);
    reader.close();

    const again = openStore();
    expect(again.suppressedIds.has('anon-gone')).toBe(true);
    expect(again.suppressedIds.has('u-dry')).toBe(false); // the read-only store wrote nothing
    again.clearDuplicates(); // --fresh starts the duplicates over, never the suppressions
    again.close();
    expect(openStore().suppressedIds.count()).toBe(1);
  });

  it('a file from before the table: read-only it holds none; opened for writing it gains the table', () => {
    const old = new Database(fixture.path);
    old.exec(`CREATE TABLE identities (id TEXT PRIMARY KEY, email TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE companies (domain TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE seen_messages (message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, origin INTEGER) WITHOUT ROWID;
      CREATE INDEX seen_messages_by_seq ON seen_messages (seq);
      INSERT INTO identities VALUES ('u-1', 'peter@initech.com');
      PRAGMA user_version = 1;`);
    old.close();
    const reader = openStore({ readOnly: true });
    expect(reader.suppressedIds.has('x')).toBe(false);
    reader.suppressedIds.add('x');
    expect([reader.suppressedIds.has('x'), reader.suppressedIds.count()]).toEqual([true, 1]);
    reader.close();

    const writer = openStore();
    writer.suppressedIds.add('anon-1');
    writer.close();
    const again = openStore({ readOnly: true });
    expect(again.suppressedIds.has('anon-1')).toBe(true);
    expect(again.identities.get('u-1')).toBe('peter@initech.com');
  });
});
