// Hostile records end to end: the built CLI replays a file of them, mixed with good
// records, into the HubSpot stand-in. Every good record arrives, each hostile one is
// mapped or dead-lettered with its line and reason, the report's counts are numbers that
// add up, and neither a resume nor a dry run nor a diff is stopped by any of them.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/tally.js';
import { parseLines, runCli, tempDir } from '../support/cli.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

let run: LiveRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

const nested = (levels: number): string => '{"a":'.repeat(levels) + '"leaf"' + '}'.repeat(levels);
const line = (value: unknown): string => JSON.stringify(value);
const FIVE_MB = 5 * 1024 * 1024;

/** The hostile export, line by line: [what it is, its bytes]. Good records are `good…@example.com`. */
function hostileLines(): Array<[string, Buffer]> {
  const text = (name: string, value: string): [string, Buffer] => [name, Buffer.from(value)];
  return [
    text('good 1', line({ type: 'identify', messageId: 'g1', userId: 'u-g1', traits: { email: 'good1@example.com', firstName: 'Good' } })),
    text('traits nested 6,000 deep', `{"type":"identify","messageId":"deep","userId":"u-deep","traits":{"email":"deep@example.com","nest":${nested(6000)}}}`),
    text('good 2', line({ type: 'identify', messageId: 'g2', traits: { email: 'good2@example.com', firstName: 'Also' } })),
    text('batch: good, deep, good', `{"batch":[${line({ type: 'identify', messageId: 'b0', traits: { email: 'good3@example.com', firstName: 'Batch' } })},` +
      `{"type":"track","event":"Deep Thing","messageId":"b1","properties":{"email":"good3@example.com","p":${nested(6000)}}},` +
      `${line({ type: 'track', event: 'Batch Ok', messageId: 'b2', properties: { email: 'good3@example.com', n: 1 } })}]}`),
    text('exponent numbers (identify)', '{"type":"identify","messageId":"e1","traits":{"email":"good4@example.com","seats":1e21,"favorite_color":-1e-7}}'),
    text('exponent numbers (identify, 1.5e300)', '{"type":"identify","messageId":"e2","traits":{"email":"good5@example.com","seats":1.5e300}}'),
    text('exponent numbers (track)', '{"type":"track","event":"Paid","messageId":"e3","properties":{"email":"good4@example.com","amount":1e21,"tiny":1e-7,"huge":1.5e300}}'),
    text('prototype names (identify)', '{"type":"identify","messageId":"p1","traits":{"email":"good6@example.com","firstName":"Proto","constructor":"c","toString":"t","__proto__":"p","hasOwnProperty":"h","valueOf":"v"}}'),
    text('prototype names (track)', '{"type":"track","event":"Proto","messageId":"p2","properties":{"email":"good6@example.com","constructor":"c","toString":"t","__proto__":"p"}}'),
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from('{"type":"identify","messageId":"l1","traits":{"email":"latin@example.com","lastName":"M'), Buffer.from([0xfc]), Buffer.from('ller"}}')])],
    text('a raw NUL byte', '{"type":"identify","messageId":"n1","traits":{"email":"nul@example.com","firstName":"A\u0000B"}}'),
    text('escaped NUL characters', '{"type":"identify","messageId":"n2","traits":{"email":"good7@example.com","firstName":"Pe\\u0000ter\\u0000"}}'),
    text('a NUL in the email', '{"type":"identify","messageId":"n3","traits":{"email":"bad\\u0000@example.com"}}'),
    text('a 5 MB value', line({ type: 'identify', messageId: 'big', traits: { email: 'good8@example.com', firstName: 'Big', lastName: 'x'.repeat(FIVE_MB) } })),
    text('good 9', line({ type: 'identify', messageId: 'g9', traits: { email: 'good9@example.com', firstName: 'Last' } })),
  ];
}

let dir: string;
let input: string;
beforeAll(async () => {
  dir = await tempDir();
  input = join(dir, 'hostile.ndjson');
  await writeFile(input, Buffer.concat(hostileLines().flatMap(([, bytes]) => [bytes, Buffer.from('\n')])));
});

interface DeadLetter {
  code: string;
  reason: string;
  source: { file: string; line: number };
  raw?: string;
  event?: Record<string, unknown>;
}

const EXPECTED_DEAD_LETTERS = [
  ['INVALID_RECORD', 2, /^The record nests 6002 levels deep/],
  ['INVALID_RECORD', 4, /^Batch element 1 nests 6002 levels deep/],
  ['INVALID_RECORD', 10, /not UTF-8/],
  ['INVALID_JSON', 11, /Bad control character/],
  ['INVALID_EMAIL', 13, /contains a control character/],
] as const;

function expectDeadLetters(deadLetters: DeadLetter[]): void {
  expect(deadLetters.map((d) => [d.code, d.source.line])).toEqual(EXPECTED_DEAD_LETTERS.map(([code, at]) => [code, at]));
  EXPECTED_DEAD_LETTERS.forEach(([, , reason], i) => expect(deadLetters[i]?.reason).toMatch(reason));
}

describe('a file of hostile records', () => {
  it('replayed live: exit 0, every good record delivered, each hostile one mapped or dead-lettered; a second run is not wedged', async () => {
    run = await liveRun();
    const report = join(dir, 'live-report.json');
    const result = await run.replay([input, '--report', report]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at /);

    const state = run.emulator.snapshot();
    expect(Object.keys(state.contacts).sort()).toEqual(['good1', 'good2', 'good3', 'good4', 'good5', 'good6', 'good7', 'good8', 'good9'].map((n) => `${n}@example.com`));
    expect(state.contacts['good4@example.com']).toEqual({ email: 'good4@example.com', seats: '1000000000000000000000', favorite_color: '-0.0000001' });
    expect(state.contacts['good5@example.com']?.seats).toBe('15' + '0'.repeat(299));
    expect(state.contacts['good6@example.com']).toEqual({ email: 'good6@example.com', firstname: 'Proto' });
    expect(state.contacts['good7@example.com']).toEqual({ email: 'good7@example.com', firstname: 'Peter' });
    // The 5 MB last name is dropped (HubSpot stores 65,536 characters), the rest of the record arrives.
    expect(state.contacts['good8@example.com']).toEqual({ email: 'good8@example.com', firstname: 'Big' });
    const events = Object.fromEntries(state.events.map((e) => [e.eventName, e.properties]));
    expect(events).toEqual({
      pe123456_batch_ok: { n: '1' },
      pe123456_paid: { amount: '1000000000000000000000', tiny: '0.0000001' },
      pe123456_proto: { constructor: 'c', tostring: 't' },
    });

    const deadLetterText = await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8');
    const deadLetters = parseLines(deadLetterText) as DeadLetter[];
    expectDeadLetters(deadLetters);
    expect(deadLetters[0]?.raw).toBe(hostileLines()[1]?.[1].toString());
    expect(JSON.parse(deadLetters[1]?.raw ?? '')).toMatchObject({ type: 'track', event: 'Deep Thing', messageId: 'b1' });
    expect(deadLetterText.split('\n').filter((l) => l !== '')).toHaveLength(5);

    const summary = JSON.parse(await readFile(report, 'utf8')) as RunReport;
    expect(summary.status).toBe('completed');
    expect(summary.counts).toEqual({ read: 17, delivered: 12, skipped: 0, deadLettered: 5 });
    expect(summary.deadLetters).toEqual({ INVALID_RECORD: 3, INVALID_JSON: 1, INVALID_EMAIL: 1 });
    // Parsed, not literals: in an object literal `__proto__` would set the prototype.
    expect(summary.droppedProperties.contact).toEqual(JSON.parse('{"constructor":1,"tostring":1,"__proto__":1,"hasownproperty":1,"valueof":1}'));
    expect(summary.droppedProperties.event).toEqual(JSON.parse('{"__proto__":1}'));
    expect(summary.invalidValues).toEqual({ contact: { lastname: 1 }, company: {}, event: { huge: 1 } });

    // The next run over the same state: nothing wedged, nothing sent twice, nothing lost.
    const again = await run.replay([input, '--report', report]);
    expect(again.code, again.stderr).toBe(0);
    expect(run.emulator.snapshot()).toEqual(state);
  });

  it('a run paused partway resumes through the hostile records to the end', async () => {
    run = await liveRun();
    const report = join(dir, 'paused-report.json');
    // Three requests read the portal; the fourth (the contacts batch) is the last allowed.
    const paused = await run.replay([input, '--report', report, '--daily-limit', '4']);
    expect(paused.code, paused.stderr).toBe(75);
    const first = JSON.parse(await readFile(report, 'utf8')) as RunReport;
    expect(first.status).toBe('paused');
    expect(first.counts.read).toBeGreaterThan(0);
    // Paused before the end: a compacted run has folded every record by then, and counts
    // their outcomes only once its keys are sent.
    expect(first.counts.delivered + first.counts.skipped + first.counts.deadLettered).toBeLessThan(17);
    const resumed = await run.replay([input, '--report', report]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(await readFile(report, 'utf8')) as RunReport;
    expect(summary.counts).toEqual({ read: 17, delivered: 12, skipped: 0, deadLettered: 5 });
    expect(Object.keys(run.emulator.snapshot().contacts)).toHaveLength(9);
    expect(run.emulator.snapshot().events).toHaveLength(3);
    expectDeadLetters(parseLines(await readFile(join(run.stateDir, 'dead-letter.ndjson'), 'utf8')) as DeadLetter[]);
  });

  it('a dry run maps it with the same verdicts, and a diff reads it, both exit 0', async () => {
    run = await liveRun();
    const deadLetterFile = join(dir, 'dry-dead-letters.ndjson');
    // The stand-in's catalog (it has the number property `seats`), for a dry run without a token.
    const pull = await runCli(['properties', 'pull', '--out', join(dir, 'catalog.json')], { env: run.env() });
    expect(pull.code, pull.stderr).toBe(0);
    const mapped = await runCli(['replay', input, '--dry-run', '--hub-id', '123456', '--catalog', join(dir, 'catalog.json'), '--dead-letter', deadLetterFile]);
    expect(mapped.code, mapped.stderr).toBe(0);
    const operations = parseLines(mapped.stdout) as Array<{ op: string; source: { line: number } }>;
    expect(operations.filter((o) => o.op === 'contact.upsert').map((o) => o.source.line)).toEqual([1, 3, 4, 5, 6, 8, 12, 14, 15]);
    expectDeadLetters(parseLines(await readFile(deadLetterFile, 'utf8')) as DeadLetter[]);

    const diff = await runCli(['diff', input, '--format', 'json', '--state-dir', join(dir, 'diff-state')], { env: run.env() });
    expect(diff.code, diff.stderr).toBe(0);
    expect((parseLines(diff.stdout) as Array<{ key: string }>).map((d) => d.key).sort()).toEqual(
      ['good1', 'good2', 'good3', 'good4', 'good5', 'good6', 'good7', 'good8', 'good9'].map((n) => `${n}@example.com`),
    );
  });
});
