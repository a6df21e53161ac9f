// How a header's names map a row (docs/mapping.md#csv-columns): warehouse tables in any case.
import { describe, expect, it } from 'vitest';
import type { CallType, SegmentCall } from '../core/types.js';
import { CsvColumns } from './csvColumns.js';

function callOf(header: string[], cells: string[], type?: CallType): SegmentCall {
  const result = CsvColumns.fromHeader(header);
  if (!result.ok) throw new Error(result.refusal);
  return result.columns.toCall(cells, type);
}

describe('a warehouse table (no dots): names matched in any case, traits and properties lower-cased', () => {
  it.each<[string, string[], string[], CallType | undefined, SegmentCall]>([
    ['Snowflake upper case', ['ID', 'USER_ID', 'ANONYMOUS_ID', 'TIMESTAMP', 'EMAIL', 'FIRST_NAME'], ['m1', 'u1', 'a1', '2026-03-02 02:16:51.272 +0000', 'a@b.co', 'Ada'], 'identify',
      { type: 'identify', messageId: 'm1', userId: 'u1', anonymousId: 'a1', timestamp: '2026-03-02 02:16:51.272 +0000', traits: { email: 'a@b.co', first_name: 'Ada' } }],
    ['mixed case envelope names', ['Type', 'UserId', 'MessageId', 'Event', 'Event_Text', 'Plan'], ['track', 'u1', 'm1', 'signed_up', 'Signed Up', 'Pro'], undefined,
      { type: 'track', userId: 'u1', messageId: 'm1', event: 'Signed Up', properties: { plan: 'Pro' } }],
    ['context columns', ['USER_ID', 'CONTEXT_IP', 'CONTEXT_TRAITS_EMAIL', 'UUID_TS'], ['u1', '1.2.3.4', 'A@b.co', 'x'], 'track',
      { type: 'track', userId: 'u1', context: { ip: '1.2.3.4', traits: { email: 'A@b.co' } } }],
    ['\\N is null, as an empty cell is', ['USER_ID', 'EMAIL', 'PLAN', 'TYPE'], ['u1', '\\N', '', '\\N'], 'identify',
      { type: 'identify', userId: 'u1' }],
    ['a cell holding more than \\N is data', ['USER_ID', 'NOTE'], ['u1', '\\No'], 'identify',
      { type: 'identify', userId: 'u1', traits: { note: '\\No' } }],
  ])('%s', (_, header, cells, type, call) => {
    expect(callOf(header, cells, type)).toEqual(call);
  });

  it('keeps a dotted file exact: its names are paths and envelope names, case kept', () => {
    expect(callOf(['type', 'userId', 'traits.firstName', 'UserId'], ['identify', 'u1', 'Ada', 'x'])).toEqual({ type: 'identify', userId: 'u1', traits: { firstName: 'Ada', UserId: 'x' } });
  });
});

describe('headers refused as a whole', () => {
  it.each<[string, string[], RegExp]>([
    ['a second email (a join export)', ['id', 'user_id', 'email', 'plan', 'email'], /the column "email" twice \(columns 3 and 5\)/],
    ['a second id in another case', ['ID', 'USER_ID', 'id'], /the column "ID" \/ "id" twice \(columns 1 and 3\)/],
    ['a dotted file naming a path twice', ['type', 'traits.email', 'traits.email'], /"traits.email" twice \(columns 2 and 3\)/],
    ['a warehouse table that names no one', ['ID', 'EVENT', 'TIMESTAMP'], /no user_id, anonymous_id or email column.*\(columns found: ID, EVENT, TIMESTAMP\)/],
  ])('%s', (_, header, refusal) => {
    const result = CsvColumns.fromHeader(header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal).toMatch(refusal);
  });

  it.each([
    [['id', 'anonymous_id']],
    [['ID', 'EMAIL']],
    [['type', 'traits.email']],
    [['user_id', '', '']], // unnamed columns are ignored, however many
  ])('accepts %j', (header) => {
    expect(CsvColumns.fromHeader(header).ok).toBe(true);
  });
});
