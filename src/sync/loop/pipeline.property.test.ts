// Property-based: for any bytes as NDJSON or CSV input, and any JSON value in any place a
// call holds one, reading and mapping never throw (an input that cannot be read as a
// whole is refused before its first record, and nothing else), every record is counted once
// (read = delivered + skipped + deadLettered), every dead letter is one valid JSON line, and
// a clean call among the hostile lines still reaches the sink: bad lines cost only themselves.
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../core/catalog.js';
import { InputError } from '../../errors.js';
import type { CallType, CatalogDocument, DeadLetterVerdict } from '../../core/types.js';
import { LineWriter } from '../../report/lineWriter.js';
import { RunTally } from '../../report/tally.js';
import type { InputFormat } from '../../sources/types.js';
import { DeadLetters } from './deadLetters.js';
import { RecordMapper, type MappedRecord } from './recordMapper.js';
import { runInputs, type RecordSink } from './runInputs.js';

const catalog = Catalog.fromDocument(JSON.parse(readFileSync(new URL('../../../fixtures/catalog.json', import.meta.url), 'utf8')) as CatalogDocument);

interface Outcome {
  counts: RunTally['data']['counts'];
  /** The report's maps keyed by names from the input. */
  named: unknown[];
  deadLetterLines: string[];
  accepted: number;
  /** The messageIds of the records the sink was given. */
  acceptedIds: string[];
  /** The input was refused as a whole, before its first record. */
  refused: boolean;
}

/** A clean identify, put among hostile lines: whatever surrounds it, it must be delivered. */
const SENTINEL = Buffer.from(JSON.stringify({ type: 'identify', messageId: 'sentinel', traits: { email: 'sentinel@example.com' } }));

/**
 * Reads `bytes` as one input through the whole pipeline but delivery: the readers, the
 * record mapper, a sink that settles in input order and rejects every third record it is
 * given (so held records are dead-lettered too), and a dead-letter writer.
 */
async function pipeline(bytes: Buffer, format: InputFormat, type?: CallType): Promise<Outcome> {
  const seen = new Set<string>();
  const mapper = new RecordMapper({
    context: { catalog, hubId: 7, options: { createEventDefinitions: true, pagesAsEvents: false, eventMap: {} } },
    identities: new Map<string, string>(),
    duplicates: { checkAndMark: (id) => seen.has(id) || (seen.add(id), false) },
    filters: {},
  });
  let accepted = 0;
  const acceptedIds: string[] = [];
  const pending: Array<() => void> = [];
  const sink: RecordSink = {
    accept(record: MappedRecord, settle: (rejections: DeadLetterVerdict[]) => void) {
      if (typeof record.call?.messageId === 'string') acceptedIds.push(record.call.messageId);
      const rejected = ++accepted % 3 === 0;
      pending.push(() => settle(rejected ? [{ code: 'HUBSPOT_REJECTED', reason: 'rejected by the test sink' }] : []));
      return undefined;
    },
    async drain() {
      for (const settle of pending.splice(0)) settle();
    },
  };
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const writer = LineWriter.toStream(stream);
  const tally = new RunTally();
  // Pieces of varying size, so records and characters are cut across reads.
  const pieces: Buffer[] = [];
  for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 7) % 61 + 1) pieces.push(bytes.subarray(at, at + size));
  let refused = false;
  try {
    await runInputs({ inputs: [{ path: '-', format }], read: { format, type, stdin: Readable.from(pieces) }, mapper, sink, tally, deadLetters: new DeadLetters(tally, writer), maxUncommitted: 50 });
  } catch (error) {
    // Refused as a whole (a JSON array, a header naming a column twice...): before any record.
    if (!(error instanceof InputError)) throw error;
    expect(tally.data.counts.read).toBe(0);
    refused = true;
  }
  await writer.close();
  const text = Buffer.concat(chunks).toString('utf8');
  const { droppedProperties, invalidValues, truncatedValues } = JSON.parse(JSON.stringify(tally.data)) as RunTally['data'];
  const named = [...Object.values(droppedProperties), ...Object.values(invalidValues), truncatedValues].flatMap((counts) => Object.values(counts));
  return { counts: { ...tally.data.counts }, named, deadLetterLines: text === '' ? [] : text.slice(0, -1).split('\n'), accepted, acceptedIds, refused };
}

function expectAccounted({ counts, named, deadLetterLines }: Outcome): void {
  expect(counts.read).toBe(counts.delivered + counts.skipped + counts.deadLettered);
  for (const count of named) expect(Number.isInteger(count)).toBe(true);
  // A record HubSpot rejects in part can leave more than one line; every line is JSON.
  expect(deadLetterLines.length).toBeGreaterThanOrEqual(counts.deadLettered);
  for (const line of deadLetterLines) {
    const parsed = JSON.parse(line) as { code?: unknown; source?: { line?: unknown } };
    expect(typeof parsed.code).toBe('string');
    expect(Number.isInteger(parsed.source?.line)).toBe(true);
  }
}

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

/** Keys a hostile export might use: Object.prototype's names, odd characters, anything. */
const key = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'email', 'website', 'seats', 'firstName', 'type', 'batch', 'event', 'raw'), fc.string({ maxLength: 12 }));
/** Numbers with exponent forms and extremes among them. */
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e21, 1e-7, -1e-7, 1.5e300, 5e-324, -0));
const scalar = fc.oneof(number, fc.string({ unit: 'binary', maxLength: 20 }), fc.boolean(), fc.constant(null), fc.constantFrom('a\u0000b', 'ada@example.com', 'https://www.initech.com', '2026-03-05T04:30:00Z'));
const { value: jsonish } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
}));
/** A value nested `levels` deep: up to past what JSON.stringify can write. */
const deepText = fc.integer({ min: 0, max: 6000 }).map((levels) => '{"a":'.repeat(levels) + '[1]' + '}'.repeat(levels));

/** Traits or properties: hostile names and values beside an email and a website that map. */
const payload = fc.oneof(jsonish, fc.dictionary(key, jsonish, { maxKeys: 6, noNullPrototype: true }).map((extra) => ({ email: 'ada@example.com', website: 'initech.com', ...extra })));
/** JSON text of a call, with hostile values where a call holds values. */
const callText = fc.oneof(
  fc.record({ type: fc.constantFrom('identify', 'track', 'group', 'page', 'screen', 'alias', 'other'), event: fc.oneof(fc.string({ maxLength: 8 }), jsonish), userId: fc.oneof(fc.string({ maxLength: 4 }), number), messageId: fc.string({ maxLength: 3 }), traits: payload, properties: payload, context: jsonish }, { requiredKeys: ['type'] }).map((call) => JSON.stringify(call)),
  fc.tuple(fc.constantFrom('identify', 'track', 'group'), deepText).map(([type, deep]) => `{"type":"${type}","event":"E","traits":{"email":"a@example.com","x":${deep}},"properties":{"email":"a@example.com","y":${deep}}}`),
  jsonish.map((value) => JSON.stringify(value) ?? 'null'),
);
/** One NDJSON line: a call, a batch of calls and values, a dead letter around one, or bytes. */
const ndjsonLine = fc.oneof(
  callText.map((text) => Buffer.from(text)),
  fc.array(fc.oneof(callText, jsonish.map((v) => JSON.stringify(v) ?? 'null')), { maxLength: 4 }).map((elements) => Buffer.from(`{"batch":[${elements.join(',')}]}`)),
  callText.map((text) => Buffer.from(`{"code":"INVALID_RECORD","reason":"r","source":{"file":"f","line":1},"event":${text}}`)),
  callText.map((text) => Buffer.from(JSON.stringify({ code: 'INVALID_JSON', reason: 'r', source: { file: 'f', line: 1 }, raw: text }))),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 60 }).map((text) => Buffer.from(text)),
);

describe('the pipeline on any input (property-based)', () => {
  it('NDJSON: any lines of any bytes are read and mapped without a throw, each record counted once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ndjsonLine, { maxLength: 12 }), fc.nat(), fc.constantFrom('\n', '\r\n'), async (hostile, at, newline) => {
        const lines = [...hostile];
        const index = at % (lines.length + 1);
        lines.splice(index, 0, SENTINEL);
        const outcome = await pipeline(Buffer.concat(lines.flatMap((line) => [line, Buffer.from(newline)])), 'ndjson');
        expectAccounted(outcome);
        // Only a head that is no NDJSON at all (an array, compressed bytes...) refuses the input.
        if (outcome.refused) expect(index).toBeGreaterThan(0);
        else expect(outcome.acceptedIds).toContain('sentinel');
      }),
      { numRuns: 150 },
    );
  });

  it('NDJSON: any bytes at all, line breaks wherever they fall', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const outcome = await pipeline(Buffer.concat([SENTINEL, Buffer.from('\n'), bytes]), 'ndjson');
        expectAccounted(outcome);
        expect(outcome.refused).toBe(false);
        expect(outcome.acceptedIds).toContain('sentinel');
        expect(outcome.counts.read).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  const header = fc.constantFrom(
    'type,messageId,userId,traits.email,traits.plan.tier,properties.revenue,event',
    'id,user_id,anonymous_id,received_at,email,first_name,context_traits_email',
    'type,__proto__.x,traits.constructor,traits.__proto__,traits.toString',
    ['type', Array.from({ length: 1200 }, () => 'a').join('.')].join(','),
  );
  const cell = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 10 }).map((text) => `"${text.replaceAll('"', '""')}"`),
    fc.constantFrom('identify', 'track', 'group', 'ada@example.com', '1e21', '"a,b"', '"multi\nline"', '"', 'a\u0000b'),
  );
  it('CSV: any header and rows of any cells, quotes, line breaks and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.array(fc.oneof(fc.array(cell, { minLength: 1, maxLength: 8 }).map((cells) => Buffer.from(cells.join(','))), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))), { maxLength: 12 }),
        fc.constantFrom<CallType | undefined>('identify', 'track', undefined),
        async (head, rows, type) => {
          const bytes = Buffer.concat([Buffer.from(head), ...rows.flatMap((row) => [Buffer.from('\n'), row]), Buffer.from('\n')]);
          expectAccounted(await pipeline(bytes, 'csv', type));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a clean export is delivered whole: every identify with an email reaches the sink', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), jsonish), { minLength: 1, maxLength: 10 }), async (rows) => {
        const lines = rows.map(([n, extra], i) => JSON.stringify({ type: 'identify', messageId: `m${i}`, traits: { email: `u${n}@example.com`, extra } }));
        const outcome = await pipeline(Buffer.from(lines.join('\n') + '\n'), 'ndjson');
        expectAccounted(outcome);
        expect(outcome.accepted).toBe(rows.length);
        expect(outcome.counts.read).toBe(rows.length);
      }),
      { numRuns: 100 },
    );
  });
});
