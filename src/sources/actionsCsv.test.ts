import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ACTIONS_COLUMNS, toActionsCsv, type ActionsDelimiter } from '../../test/support/actionsCsv.js';
import { tempDir } from '../../test/support/cli.js';
import type { CallType, SegmentCall } from '../core/types.js';
import { openInput } from './openInput.js';
import type { FileFormat, SourceItem } from './types.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures', name);

async function itemsOf(content: string | Buffer, name = 'export.csv', format?: FileFormat, type?: CallType): Promise<SourceItem[]> {
  const path = join(await tempDir(), name);
  await writeFile(path, content);
  const items: SourceItem[] = [];
  for await (const item of openInput({ path, format: format ?? (name.includes('.txt') ? 'txt' : 'csv') }, type ? { type } : {})) items.push(item);
  return items;
}

async function callsOf(content: string, name?: string, type?: CallType): Promise<Array<SegmentCall | string>> {
  return (await itemsOf(content, name, undefined, type)).map((item) => (item.kind === 'record' ? item.call : `${item.code} line ${item.position.line}: ${item.reason}`));
}

/** One Actions file with `header` (names) and rows of cells, every cell quoted. */
function actionsFile(delimiter: string, header: string[], ...rows: string[][]): string {
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  return [header.join(delimiter), ...rows.map((row) => row.map(quote).join(delimiter))].join('\n');
}

const HEADER = ['event_name', 'event_type', 'user_id', 'anonymous_id', 'email', 'properties', 'traits', 'context', 'timestamp', 'message_id', 'integrations'];

describe('the AWS S3 (Actions) CSV dialect', () => {
  const identify = ['', 'identify', 'u1', 'a1', 'ada@initech.com', '', '{"email":"ada@initech.com","plan":{"tier":"pro"},"seats":3}', '{"ip":"1.2.3.4"}', '2026-02-02T09:00:00.000Z', 'm1', '{"HubSpot":false}'];
  const expected: SegmentCall = {
    type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: 'ada@initech.com', plan: { tier: 'pro' }, seats: 3 },
    context: { ip: '1.2.3.4' }, timestamp: '2026-02-02T09:00:00.000Z', messageId: 'm1', integrations: { HubSpot: false },
  };

  it.each<[string, string]>([
    ['comma', ','], ['pipe', '|'], ['tab', '\t'], ['semicolon', ';'], ['colon', ':'],
  ])('reads the %s delimiter, in .csv and .txt files', async (_name, delimiter) => {
    const file = actionsFile(delimiter, HEADER, identify);
    expect(await callsOf(file, 'export.csv')).toEqual([expected]);
    expect(await callsOf(file, 'export.txt')).toEqual([expected]);
    expect(await callsOf(file, 'export.txt.gz')).toEqual([expected]); // the name without .gz decides
  });

  it('reads a gzipped .txt by its decompressed first line', async () => {
    const items = await itemsOf(gzipSync(actionsFile('|', HEADER, identify)), 'part-0001.txt.gz', 'txt');
    expect(items.map((item) => item.kind === 'record' && item.call)).toEqual([expected]);
  });

  it('takes the first of , | tab ; : found in the header as the delimiter', async () => {
    // A pipe file whose column names hold a colon: the pipe comes first in that order.
    const header = ['event_type', 'message_id', 'context:page'];
    expect(await callsOf(actionsFile('|', header, ['track', 'm1', 'x']), 'e.csv', 'track')).toEqual([{ type: 'track', messageId: 'm1', properties: { 'context:page': 'x' } }]);
  });

  it('is recognised only by a header with both event_type and message_id', async () => {
    // Without message_id, a pipe-separated header is an ordinary warehouse table, its delimiter sniffed.
    expect(await callsOf('event_type|user_id\nidentify|u1', 'e.csv', 'identify')).toEqual([{ type: 'identify', userId: 'u1', traits: { event_type: 'identify' } }]);
    // An ordinary comma CSV keeps its rules: `traits` is a trait, `email` a trait.
    expect(await callsOf('type,userId,email,traits\nidentify,u1,a@b.co,{}', 'e.csv')).toEqual([{ type: 'identify', userId: 'u1', traits: { email: 'a@b.co', traits: '{}' } }]);
  });

  it('puts the traits column in context.traits for calls other than identify and group, unless the context has traits', async () => {
    const header = ['event_type', 'event_name', 'message_id', 'traits', 'context'];
    const calls = await callsOf(actionsFile(',', header,
      ['track', 'Signed Up', 'm1', '{"email":"a@b.co","plan":"pro"}', ''],
      ['page', '', 'm2', '{"plan":"pro"}', '{"ip":"1.2.3.4"}'],
      ['track', 'E', 'm3', '{"plan":"from column"}', '{"traits":{"plan":"from context"}}'],
      ['group', '', 'm4', '{"website":"initech.com"}', '{"traits":{"email":"a@b.co"}}'],
    ));
    expect(calls).toEqual([
      { type: 'track', event: 'Signed Up', messageId: 'm1', context: { traits: { email: 'a@b.co', plan: 'pro' } } },
      { type: 'page', messageId: 'm2', context: { ip: '1.2.3.4', traits: { plan: 'pro' } } },
      { type: 'track', event: 'E', messageId: 'm3', context: { traits: { plan: 'from context' } } },
      { type: 'group', messageId: 'm4', traits: { website: 'initech.com' }, context: { traits: { email: 'a@b.co' } } },
    ]);
  });

  it('fills the email in only where the call carries none', async () => {
    const header = ['event_type', 'event_name', 'message_id', 'email', 'traits', 'properties', 'context'];
    const calls = await callsOf(actionsFile(',', header,
      ['identify', '', 'm1', 'col@b.co', '{"name":"A"}', '', ''],
      ['identify', '', 'm2', 'col@b.co', '{"email":"own@b.co"}', '', ''],
      ['identify', '', 'm3', 'col@b.co', '{"email":""}', '', ''],
      ['identify', '', 'm4', 'col@b.co', '', '', '{"traits":{"email":"ctx@b.co"}}'],
      ['track', 'E', 'm5', 'col@b.co', '', '{"x":1}', ''],
      ['track', 'E', 'm6', 'col@b.co', '', '{"email":"prop@b.co"}', ''],
      ['track', 'E', 'm7', 'col@b.co', '{"email":"ctx@b.co"}', '', ''],
      ['group', '', 'm8', 'col@b.co', '{"website":"initech.com"}', '', ''],
    ));
    expect(calls).toEqual([
      { type: 'identify', messageId: 'm1', traits: { name: 'A', email: 'col@b.co' } },
      { type: 'identify', messageId: 'm2', traits: { email: 'own@b.co' } },
      { type: 'identify', messageId: 'm3', traits: { email: 'col@b.co' } },
      { type: 'identify', messageId: 'm4', context: { traits: { email: 'ctx@b.co' } } },
      { type: 'track', event: 'E', messageId: 'm5', properties: { x: 1 }, context: { traits: { email: 'col@b.co' } } },
      { type: 'track', event: 'E', messageId: 'm6', properties: { email: 'prop@b.co' } },
      { type: 'track', event: 'E', messageId: 'm7', context: { traits: { email: 'ctx@b.co' } } },
      { type: 'group', messageId: 'm8', traits: { website: 'initech.com', email: 'col@b.co' } },
    ]);
  });

  it('ignores the audience columns and batch_size; other columns follow the CSV rules', async () => {
    const header = ['event_type', 'message_id', 'audience_name', 'audience_id', 'audience_space_id', 'audience_action', 'batch_size', 'previous_id', 'context_ip', 'plan', 'properties', 'traits'];
    const calls = await callsOf(actionsFile('|', header,
      ['alias', 'm1', 'aud', 'aud-1', 'sp-1', 'true', '2', 'anon-1', '1.2.3.4', '', '', ''],
      ['track', 'm2', '', '', '', '', '2', '', '', 'pro', '{"plan":"basic","n":1}', ''],
    ), 'e.csv');
    expect(calls).toEqual([
      { type: 'alias', messageId: 'm1', previousId: 'anon-1', context: { ip: '1.2.3.4' } },
      // A column `plan` is a property of a track, merged into the JSON properties (the column wins).
      { type: 'track', messageId: 'm2', properties: { plan: 'pro', n: 1 } },
    ]);
  });

  it('takes the call type from --type when event_type is empty', async () => {
    expect(await callsOf(actionsFile(',', ['event_type', 'message_id', 'user_id'], ['', 'm1', 'u1']), 'e.csv', 'identify')).toEqual([{ type: 'identify', messageId: 'm1', userId: 'u1' }]);
  });

  it('makes a row whose JSON cell is not an object INVALID_CSV, and reads on', async () => {
    const header = ['event_type', 'message_id', 'properties', 'traits', 'context', 'integrations'];
    const calls = await callsOf(actionsFile(';', header,
      ['track', 'm1', '{"a":', '', '', ''],
      ['track', 'm2', '[1,2]', '', '', ''],
      ['identify', 'm3', '', 'null', '', ''],
      ['identify', 'm4', '', '', '"text"', ''],
      ['identify', 'm5', '', '', '', '42'],
      ['identify', 'm6', '', '{}', '{}', '{"All":"false"}'],
    ), 'e.csv');
    expect(calls.slice(0, 5)).toEqual([
      expect.stringMatching(/^INVALID_CSV line 2: Column properties does not hold a JSON object \(.+\)$/),
      'INVALID_CSV line 3: Column properties does not hold a JSON object (it holds an array)',
      'INVALID_CSV line 4: Column traits does not hold a JSON object (it holds null)',
      'INVALID_CSV line 5: Column context does not hold a JSON object (it holds a string)',
      'INVALID_CSV line 6: Column integrations does not hold a JSON object (it holds a number)',
    ]);
    expect(calls[5]).toEqual({ type: 'identify', messageId: 'm6', traits: {}, context: {}, integrations: { All: 'false' } });
  });

  it('reads a quoted cell across lines and a row with the wrong cell count as INVALID_CSV', async () => {
    const file = 'event_type\tmessage_id\tevent_name\n"track"\t"m1"\t"Two\nLines"\n"track"\t"m2"\n"track"\t"m3"\t"E"';
    const items = await itemsOf(file, 'e.txt');
    expect(items.map((item) => (item.kind === 'record' ? [item.call['event'], item.position.line] : [item.code, item.position.line]))).toEqual([
      ['Two\nLines', 2], ['INVALID_CSV', 4], ['E', 5],
    ]);
  });

  it('a .txt whose first line starts with { is NDJSON', async () => {
    const ndjson = '\ufeff  \n {"type":"identify","userId":"u1","traits":{"email":"a@b.co"}}\n';
    expect(await callsOf(ndjson, 'export.txt')).toEqual([{ type: 'identify', userId: 'u1', traits: { email: 'a@b.co' } }]);
    expect(await callsOf('', 'empty.txt')).toEqual([]);
  });
});

describe('the Actions fixtures', () => {
  const files: Array<[string, ActionsDelimiter]> = [['comma.csv', ','], ['pipe.csv', '|'], ['tab.txt', '\t'], ['semicolon.csv', ';'], ['colon.txt', ':']];
  const ndjson = async () => (await readFile(fixture('actions/events.ndjson'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as SegmentCall);

  it.each(files)('%s is what the destination writes for events.ndjson', async (name, delimiter) => {
    expect(await readFile(fixture(`actions/${name}`), 'utf8')).toBe(toActionsCsv(await ndjson(), delimiter));
  });

  it.each(files)('%s reads back as the calls of events.ndjson, as far as the columns carry them', async (name) => {
    const calls = (await itemsOf(await readFile(fixture(`actions/${name}`)), name)).map((item) => (item.kind === 'record' ? item.call : item.code));
    expect(calls).toEqual(await ndjson());
    expect(ACTIONS_COLUMNS).toHaveLength(16);
  });
});
