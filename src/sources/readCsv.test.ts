import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallType } from '../core/types.js';
import { openInput } from './openInput.js';
import type { ReadOptions, SourceItem } from './types.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures', name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-csv-'));
});
/** Text that does not compress away, so that a cut gzip stops at a predictable place. */
const noise = (i: number): string => ((i * 2654435761) % 4294967296).toString(36);

/** Cuts gzip data so that what decompresses ends inside a row's second line. */
function cutInsideRow(gzipped: Buffer): Buffer {
  for (let length = Math.floor(gzipped.length / 2); length > 0; length--) {
    const cut = gzipped.subarray(0, length);
    const text = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    if (text.slice(text.lastIndexOf('\n') + 1).startsWith('sec')) return cut;
  }
  throw new Error('no cut found');
}

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function csvFile(content: string | Buffer): Promise<string> {
  const path = join(dir, `input-${++fileCount}.csv`);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, options?: ReadOptions): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of openInput({ path, format: 'csv' }, options)) items.push(item);
  return items;
}

async function calls(csv: string, type?: CallType): Promise<unknown[]> {
  const items = await readAll(await csvFile(csv), type ? { type } : {});
  return items.map((item) => (item.kind === 'record' ? item.call : `${item.code}: ${item.reason}`));
}

const summary = (item: SourceItem): string => `${item.kind === 'record' ? `record ${String(item.call['messageId'])}` : item.code} line ${item.position.line}`;

describe('CSV columns (docs/mapping.md#csv-columns)', () => {
  it.each([
    {
      rule: 'a dotted header is a path into the call',
      csv: 'type,userId,traits.email,traits.address.city,context.traits.email,properties.value\nidentify,u1,a@initech.com,Austin,b@initech.com,\n',
      expected: { type: 'identify', userId: 'u1', traits: { email: 'a@initech.com', address: { city: 'Austin' } }, context: { traits: { email: 'b@initech.com' } } },
    },
    {
      rule: 'name and category go to the envelope in a dotted file',
      csv: 'type,userId,name,category,properties.url\npage,u1,Pricing,Marketing,https://initech.com/pricing\n',
      expected: { type: 'page', userId: 'u1', name: 'Pricing', category: 'Marketing', properties: { url: 'https://initech.com/pricing' } },
    },
    {
      rule: 'name and category are traits in a file without dots',
      csv: 'type,user_id,name,category\nidentify,u1,Peter Gibbons,vip\n',
      expected: { type: 'identify', userId: 'u1', traits: { name: 'Peter Gibbons', category: 'vip' } },
    },
    {
      rule: 'name is a property of a track in a file without dots',
      csv: 'type,user_id,event,name\ntrack,u1,Viewed,Pricing\n',
      expected: { type: 'track', userId: 'u1', event: 'Viewed', properties: { name: 'Pricing' } },
    },
    {
      rule: 'event_text wins over event, whatever the column order',
      csv: 'event_text,event,user_id\nOrder Completed,order_completed,u1\n',
      type: 'track' as const,
      expected: { type: 'track', event: 'Order Completed', userId: 'u1' },
    },
    {
      rule: 'event is used when event_text is empty',
      csv: 'event,event_text,user_id\norder_completed,,u1\n',
      type: 'track' as const,
      expected: { type: 'track', event: 'order_completed', userId: 'u1' },
    },
    {
      rule: 'context_traits_x is context.traits.x; other context_x is context.x, one level',
      csv: 'user_id,context_traits_email,context_ip,context_page_url,context_library_name\nu1,a@initech.com,10.0.0.1,https://initech.com/a,analytics.js\n',
      type: 'identify' as const,
      expected: { type: 'identify', userId: 'u1', context: { traits: { email: 'a@initech.com' }, ip: '10.0.0.1', page_url: 'https://initech.com/a', library_name: 'analytics.js' } },
    },
    {
      rule: 'uuid_ts and loaded_at are ignored',
      csv: 'id,user_id,email,uuid_ts,loaded_at\nm1,u1,a@initech.com,2026-01-06 10:00:00,2026-01-06 10:01:00\n',
      type: 'identify' as const,
      expected: { type: 'identify', messageId: 'm1', userId: 'u1', traits: { email: 'a@initech.com' } },
    },
    {
      rule: 'warehouse names go to their envelope fields',
      csv: 'message_id,user_id,anonymous_id,received_at,sent_at,original_timestamp,timestamp,group_id,previous_id\nm1,u1,a1,2026-01-06T10:00:03Z,2026-01-06T10:00:02Z,2026-01-06T10:00:01Z,2026-01-06T10:00:00Z,g1,p1\n',
      type: 'group' as const,
      expected: {
        type: 'group', messageId: 'm1', userId: 'u1', anonymousId: 'a1', receivedAt: '2026-01-06T10:00:03Z', sentAt: '2026-01-06T10:00:02Z',
        originalTimestamp: '2026-01-06T10:00:01Z', timestamp: '2026-01-06T10:00:00Z', groupId: 'g1', previousId: 'p1',
      },
    },
    {
      rule: 'camelCase envelope names go to the envelope in every file',
      csv: 'messageId,userId,anonymousId,groupId,previousId,timestamp,originalTimestamp,receivedAt,sentAt,event\nm1,u1,a1,g1,p1,t1,t2,t3,t4,Signed Up\n',
      type: 'track' as const,
      expected: { type: 'track', messageId: 'm1', userId: 'u1', anonymousId: 'a1', groupId: 'g1', previousId: 'p1', timestamp: 't1', originalTimestamp: 't2', receivedAt: 't3', sentAt: 't4', event: 'Signed Up' },
    },
    {
      rule: 'empty cells are absent values, not empty strings',
      csv: 'type,user_id,email,plan,traits.address.city\nidentify,u1,,,\n',
      expected: { type: 'identify', userId: 'u1' },
    },
    {
      rule: 'cells stay strings',
      csv: 'type,user_id,employees,vip,score\nidentify,u1,007,true,1e3\n',
      expected: { type: 'identify', userId: 'u1', traits: { employees: '007', vip: 'true', score: '1e3' } },
    },
    {
      rule: 'the type column wins over --type',
      csv: 'type,user_id,plan\nidentify,u1,pro\n',
      type: 'track' as const,
      expected: { type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
    },
    {
      rule: 'an empty type cell falls back to --type',
      csv: 'type,user_id,plan\n,u1,pro\n',
      type: 'track' as const,
      expected: { type: 'track', userId: 'u1', properties: { plan: 'pro' } },
    },
    {
      rule: 'without a type column or --type the call has no type (columns are traits)',
      csv: 'user_id,plan\nu1,pro\n',
      expected: { userId: 'u1', traits: { plan: 'pro' } },
    },
    {
      rule: 'quoted header names are read like plain ones',
      csv: '"type","user_id","traits.email"\nidentify,u1,a@initech.com\n',
      expected: { type: 'identify', userId: 'u1', traits: { email: 'a@initech.com' } },
    },
  ])('$rule', async ({ csv, type, expected }) => {
    expect(await calls(csv, type)).toEqual([expected]);
  });

  it('decides traits or properties per row, from that row\'s type', async () => {
    const csv = 'type,user_id,event,plan\nidentify,u1,,pro\ntrack,u1,Upgraded,pro\ngroup,u1,,pro\npage,u1,,pro\nscreen,u1,,pro\nalias,u1,,pro\n';
    expect(await calls(csv)).toEqual([
      { type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
      { type: 'track', userId: 'u1', event: 'Upgraded', properties: { plan: 'pro' } },
      { type: 'group', userId: 'u1', traits: { plan: 'pro' } },
      { type: 'page', userId: 'u1', properties: { plan: 'pro' } },
      { type: 'screen', userId: 'u1', properties: { plan: 'pro' } },
      { type: 'alias', userId: 'u1', traits: { plan: 'pro' } },
    ]);
  });

  it('keeps a __proto__ header as data', async () => {
    const [call] = (await calls('type,traits.__proto__.polluted,__proto__\nidentify,yes,also\n')) as Record<string, Record<string, unknown>>[];
    expect(Object.keys(call?.['traits'] ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(call?.['traits'])).toBe(Object.prototype);
  });
});

describe('CSV rows', () => {
  it('reports every kind of bad row with its line and goes on', async () => {
    const items = await readAll(fixture('bad/bad-rows.csv'));
    expect(items.map(summary)).toEqual([
      'record msg-0401 line 2',
      'INVALID_CSV line 3', // 4 cells where the header has 5
      'record msg-0403 line 4', // a quoted cell over two lines
      'INVALID_CSV line 6', // a quote inside an unquoted cell
      'INVALID_CSV line 7', // 6 cells
      'record msg-0406 line 9', // after a blank line
      'INVALID_CSV line 10', // a quote that never closes
      'record msg-0408 line 11', // the line after it, read again
    ]);
    expect(items[1]).toMatchObject({ raw: 'identify,msg-0402,u-bill,bill@initech.com', reason: 'Row has 4 cells, expected 5 (the header\'s)' });
    expect(items[4]).toMatchObject({ reason: 'Row has 6 cells, expected 5 (the header\'s)' });
    expect(items[3]).toMatchObject({ reason: expect.stringMatching(/^Row does not parse: Invalid Opening Quote/) });
    expect(items[6]).toMatchObject({ raw: 'identify,msg-0407,u-tom,tom@initech.com,"never closed', reason: expect.stringContaining('never closes') });
  });

  it('gives a multi-line row the line it starts on, and the next row its own line', async () => {
    const csv = 'type,messageId,traits.note\r\nidentify,m1,"first\r\nsecond\n\nfourth, with ""quotes"""\r\nidentify,m2,plain\r\n';
    const items = await readAll(await csvFile(csv));
    expect(items.map(summary)).toEqual(['record m1 line 2', 'record m2 line 6']);
    expect(items[0]).toMatchObject({ call: { traits: { note: 'first\r\nsecond\n\nfourth, with "quotes"' } }, position: { endLine: 6 } });
  });

  it('reads a quote that closes on a later line as one bad row when the row does not parse', async () => {
    const csv = 'type,messageId,traits.note\nidentify,m1,"open\nidentify,m2,x"y\nidentify,m3,fine\n';
    const items = await readAll(await csvFile(csv));
    expect(items.map(summary)).toEqual(['INVALID_CSV line 2', 'record m3 line 4']);
  });

  it('gives every row the byte offset of its first line', async () => {
    for (const name of ['bad/bad-rows.csv', 'identify-dotted.csv', 'warehouse-tracks.csv']) {
      const bytes = await readFile(fixture(name));
      for (const item of await readAll(fixture(name), { type: 'track' })) {
        const { offset, endOffset } = item.position;
        expect(offset === 0 || bytes[offset - 1] === 0x0a).toBe(true);
        expect(bytes[endOffset - 1]).toBe(0x0a);
        if (item.kind === 'invalid') expect(bytes.subarray(offset, endOffset).toString().trimEnd()).toBe(item.raw);
      }
    }
  });

  it('skips a byte-order mark and blank lines, and reads a last row without a newline', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('type,messageId,userId\n\n  \nidentify,m1,u1\n\nidentify,m2,u2')]);
    expect((await readAll(await csvFile(csv))).map(summary)).toEqual(['record m1 line 4', 'record m2 line 6']);
  });

  it('reads gzipped CSV, with offsets in the decompressed stream', async () => {
    const plain = await readFile(fixture('identify-dotted.csv'));
    const path = join(dir, 'identify.csv.gz');
    await writeFile(path, gzipSync(plain));
    const strip = (items: SourceItem[]): unknown[] => items.map((item) => ({ ...item, position: { ...item.position, file: '' } }));
    expect(strip(await readAll(path))).toEqual(strip(await readAll(fixture('identify-dotted.csv'))));
  });

  it('reports a truncated gzipped CSV once, from the row it cuts to where the data stops', async () => {
    const csv = 'type,messageId,traits.note\n' + Array.from({ length: 3000 }, (_, i) => `identify,m${i},"note ${noise(i)}\nsecond ${noise(i + 1)}"`).join('\n') + '\n';
    const path = join(dir, 'cut.csv.gz');
    await writeFile(path, cutInsideRow(gzipSync(csv)));
    const items = await readAll(path);
    expect(items.filter((item) => item.kind === 'invalid')).toEqual([items.at(-1)]);
    const [last, truncated] = items.slice(-2) as [SourceItem, SourceItem];
    expect(truncated).toMatchObject({ code: 'TRUNCATED_INPUT', raw: expect.stringMatching(/^identify,m\d+,"note \w+\nsec/) });
    expect(truncated.position).toMatchObject({ line: last.position.endLine, offset: last.position.endOffset, endLine: last.position.endLine + 2 });
  });

  it('makes every row a dead letter when the header does not parse', async () => {
    const items = await readAll(await csvFile('type,"message"Id,traits.email\nidentify,m1,a@initech.com\nidentify,m2,b@initech.com\n'));
    expect(items.map(summary)).toEqual(['INVALID_CSV line 1', 'INVALID_CSV line 2', 'INVALID_CSV line 3']);
    expect(items[1]).toMatchObject({ reason: expect.stringContaining('No usable header row') });
  });
});
