import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateStore } from './stateStore.js';
import { stateStoreFixture } from '../../test/support/stateStores.js';

const fixture = stateStoreFixture('hubspot-sync-delivered-');
const { openStore } = fixture;

describe('delivered ids', () => {
  it('count for later generations only, and outlive the store', () => {
    const store = openStore();
    store.delivered.add('m-1', 1);
    // Not before its own generation: a resumed run reads its own records again.
    expect(store.delivered.deliveredBefore('m-1', 1)).toBe(false);
    store.close();
    const again = openStore();
    expect(again.delivered.deliveredBefore('m-1', 1)).toBe(false);
    expect(again.delivered.deliveredBefore('m-1', 2)).toBe(true);
    expect(again.delivered.deliveredBefore('m-2', 2)).toBe(false);
  });

  it('are on disk, not in memory, after a flush', () => {
    const store = openStore();
    for (let i = 0; i < 1000; i++) store.delivered.add(`m-${i}`, 1);
    store.flush();
    expect(store.deliveredCount()).toBe(1000);
    const db = new Database(fixture.path, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM delivered_messages').pluck().get()).toBe(1000);
    db.close();
  });

  it('forget the oldest first past the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 30 }), (kept, total, perFlush) => {
        const store = StateStore.inMemory({ readOnly: false, deliveredKept: kept });
        for (let i = 0; i < total; i++) {
          store.delivered.add(`m-${i}`, 1);
          if (i % perFlush === 0) store.flush();
        }
        store.flush();
        const remembered = Array.from({ length: total }, (_, i) => store.delivered.deliveredBefore(`m-${i}`, 2));
        store.close();
        const expected = Array.from({ length: total }, (_, i) => i >= total - kept);
        expect(remembered).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('are cleared by clearDelivered (--fresh) and by forgetAll (another portal), with everything else', () => {
    const store = openStore();
    store.delivered.add('m-1', 1);
    store.identities.set('u-1', 'a@example.com');
    store.companyIds.set('example.com', '5');
    store.suppressedIds.add('u-9');
    store.flush();
    store.clearDelivered();
    expect(store.delivered.deliveredBefore('m-1', 2)).toBe(false);
    expect(store.identities.get('u-1')).toBe('a@example.com');
    store.delivered.add('m-2', 1);
    store.forgetAll();
    expect(store.delivered.deliveredBefore('m-2', 2)).toBe(false);
    expect(store.identities.get('u-1')).toBeUndefined();
    expect(store.companyIds.get('example.com')).toBeUndefined();
    expect(store.suppressedIds.has('u-9')).toBe(false);
  });

  it('are read by a read-only store (a dry run), and a file older than the table holds none', () => {
    const old = new Database(fixture.path);
    // The schema before delivered ids were kept.
    old.exec(`
      CREATE TABLE identities (id TEXT PRIMARY KEY, email TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE companies (domain TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE seen_messages (message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, origin INTEGER) WITHOUT ROWID;
      CREATE TABLE suppressed_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;
      PRAGMA user_version = 1;`);
    old.close();
    const readOnly = openStore({ readOnly: true });
    expect(readOnly.delivered.deliveredBefore('m-1', 5)).toBe(false);
    readOnly.close();
    const writer = openStore();
    writer.delivered.add('m-1', 1);
    writer.close();
    expect(openStore({ readOnly: true }).delivered.deliveredBefore('m-1', 2)).toBe(true);
  });
});

describe('deliveredBeforeOf', () => {
  it('needs no lookup while nothing was delivered, nor with --resend', () => {
    const store = openStore();
    expect(store.deliveredBeforeOf(1)).toBeUndefined();
    store.delivered.add('m-1', 1);
    store.flush();
    expect(store.deliveredBeforeOf(undefined)).toBeUndefined();
    const lookup = store.deliveredBeforeOf(2)!;
    expect(lookup('m-1')).toBe(true);
    expect(lookup('m-2')).toBe(false);
    expect(store.deliveredBeforeOf(1)!('m-1')).toBe(false);
  });
});
