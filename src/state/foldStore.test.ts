import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../core/types.js';
import { FoldStore } from './foldStore.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(): { fold: FoldStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fold-'));
  dirs.push(dir);
  return { fold: FoldStore.open(dir), dir };
}

const at = (offset: number, index?: number) => ({ file: 'a.ndjson', line: offset + 1, offset, endLine: offset + 2, endOffset: offset + 1, ...(index === undefined ? {} : { index }) });
const facts = { messageId: undefined, retroactive: false, counted: false };
const contact = (email: string, properties: Record<string, string>): Operation => ({ op: 'contact.upsert', email, properties });
const pendingContacts = (fold: FoldStore, after = '', limit = 10) => fold.pendingPage('contact', after, limit).map((folded) => folded.key);
const partsOf = (fold: FoldStore, email: string) => fold.pendingPage('contact', '', 100).find((folded) => folded.key === email)?.parts ?? [];

const event = (eventName: string, uuid: string, names: string[]): Operation => ({
  op: 'event.send',
  eventName,
  email: 'a@x.com',
  uuid,
  properties: Object.fromEntries(names.map((name) => [name, '1'])),
  propertyTypes: {},
});

describe('FoldStore', () => {
  it('keeps each event\'s property names in the order folded records first carried them, across a reopen and a resume', () => {
    const { fold, dir } = open();
    fold.add(at(0), facts, [event('pe1_a', 'u1', ['z', 'm'])]);
    fold.add(at(10), facts, [contact('a@x.com', { firstname: 'A' }), event('pe1_b', 'u2', ['q'])]);
    fold.add(at(20), facts, [event('pe1_a', 'u3', ['m', 'b'])]);
    fold.add(at(30), facts, [event('pe1_a', 'u4', ['c', 'z'])]);
    expect(fold.eventPropertyOrder('pe1_a')).toEqual(['z', 'm', 'b', 'c']);
    expect(fold.eventPropertyOrder('pe1_b')).toEqual(['q']);
    expect(fold.eventPropertyOrder('pe1_none')).toEqual([]);
    fold.close();
    const again = FoldStore.open(dir);
    expect(again.eventPropertyOrder('pe1_a')).toEqual(['z', 'm', 'b', 'c']);
    // A resume from offset 20 reads its records again: the names they first carried go until then.
    again.discardFrom('a.ndjson', 20);
    expect(again.eventPropertyOrder('pe1_a')).toEqual(['z', 'm']);
    again.add(at(20), facts, [event('pe1_a', 'u5', ['c', 'b'])]);
    expect(again.eventPropertyOrder('pe1_a')).toEqual(['z', 'm', 'c', 'b']);
    again.close();
  });


  it('keeps every contribution to a key in input order, leaves out refused records, and pages unconfirmed keys', () => {
    const { fold } = open();
    fold.add(at(0), facts, [contact('b@x.com', { firstname: 'B' })]);
    fold.add(at(10), facts, [contact('a@x.com', { firstname: 'A' })]);
    fold.add(at(20), facts, [contact('a@x.com', { lastname: 'L' }), { op: 'association', email: 'a@x.com', domain: 'x.com' }]);
    expect(pendingContacts(fold)).toEqual(['a@x.com', 'b@x.com']);
    expect(partsOf(fold, 'a@x.com').map((p) => p.operation)).toEqual([contact('a@x.com', { firstname: 'A' }), contact('a@x.com', { lastname: 'L' })]);
    fold.refuse(2, { code: 'HUBSPOT_REJECTED', reason: 'no' });
    expect(partsOf(fold, 'a@x.com').map((p) => p.record)).toEqual([3]);
    fold.confirm('contact', 'a@x.com');
    expect(pendingContacts(fold)).toEqual(['b@x.com']);
    expect(pendingContacts(fold, 'b@x.com')).toEqual([]);
    expect(fold.counts()).toEqual({ contactUpdates: 3, contactsSent: 2, companyUpdates: 0, companiesSent: 0 });
    expect(fold.records(0, 10).map((r) => [r.id, r.verdicts.length])).toEqual([[1, 0], [2, 1], [3, 0]]);
  });

  it('pages keys with their parts: a confirmed key between two pending ones brings nothing, and a page ends at its limit', () => {
    const { fold } = open();
    for (const email of ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']) fold.add(at(email.charCodeAt(0)), facts, [contact(email, { n: email })]);
    fold.add(at(200), facts, [contact('c@x.com', { later: '1' })]);
    fold.confirm('contact', 'b@x.com');
    const first = fold.pendingPage('contact', '', 2);
    expect(first.map((folded) => [folded.key, folded.parts.map((part) => part.record)])).toEqual([['a@x.com', [1]], ['c@x.com', [3, 5]]]);
    expect(fold.pendingPage('contact', 'c@x.com', 2).map((folded) => folded.key)).toEqual(['d@x.com']);
    expect(fold.pendingPage('company', '', 2)).toEqual([]);
  });

  it('drops what was folded from a watermark on, and every later record, as a resume reads them again', () => {
    const { fold, dir } = open();
    for (const offset of [0, 10, 20, 30]) fold.add(at(offset), facts, [contact(`c${offset}@x.com`, { n: String(offset) })]);
    fold.commit();
    fold.close();
    const again = FoldStore.open(dir);
    again.discardFrom('a.ndjson', 20);
    expect(again.records(0, 10).map((r) => r.offset)).toEqual([0, 10]);
    expect(pendingContacts(again)).toEqual(['c0@x.com', 'c10@x.com']);
    again.close();
  });

  it('gives property maps back without a prototype, and remembers its owner until forgotten', () => {
    const { fold, dir } = open();
    fold.add(at(0), facts, [contact('a@x.com', JSON.parse('{"constructor":"c","__proto__":"p"}') as Record<string, string>)]);
    const [part] = partsOf(fold, 'a@x.com');
    const properties = (part!.operation as { properties: Record<string, string> }).properties;
    expect(Object.getPrototypeOf(properties)).toBeNull();
    expect(Object.keys(properties)).toEqual(['constructor', '__proto__']);
    fold.setOwner('options-1');
    fold.close();
    const again = FoldStore.open(dir);
    expect(again.owner()).toBe('options-1');
    again.close();
    FoldStore.forget(dir);
    const fresh = FoldStore.open(dir);
    expect(fresh.owner()).toBeUndefined();
    expect(fresh.isEmpty()).toBe(true);
    fresh.close();
  });

  it('is private to its owner, journal included: it holds every record\'s email and traits', () => {
    const { fold, dir } = open();
    fold.add(at(0), facts, [contact('a@x.com', { firstname: 'Ada' })]);
    const path = FoldStore.path(dir);
    // Mid-transaction: the rollback journal exists beside the file.
    expect(existsSync(`${path}-journal`)).toBe(true);
    for (const file of [path, `${path}-journal`]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    fold.close();
  });
});
