// The report's counts keyed by names from the input: whatever the name, a count stays a
// number, through a checkpoint (JSON) and its copies (structuredClone) too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MappingWarning } from '../core/types.js';
import { formatSummary } from './summary.js';
import { buildReport, emptyTally, REPORT_NAME_LIMIT, RunTally, type TallyCounts } from './tally.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];

const dropped = (property: string): MappingWarning => ({ kind: 'dropped_property', object: 'contact', property, reason: 'not in the catalog' });
const invalid = (property: string): MappingWarning => ({ kind: 'invalid_value', object: 'event', property, reason: 'no' });
const truncated = (property: string): MappingWarning => ({ kind: 'truncated_value', object: 'event', property, reason: 'cut' });

describe('RunTally: counts keyed by input names', () => {
  it.each(PROTOTYPE_NAMES)('counts %s as a number, in every map, twice over', (name) => {
    const tally = new RunTally();
    for (let i = 0; i < 2; i++) tally.warnings([dropped(name), invalid(name), truncated(name)]);
    const report = buildReport(tally, 'completed', false, 0);
    for (const counter of [report.droppedProperties.contact, report.invalidValues.event, report.truncatedValues]) {
      expect(Object.hasOwn(counter, name)).toBe(true);
      expect(Object.getOwnPropertyDescriptor(counter, name)?.value).toBe(2);
    }
    expect(JSON.parse(JSON.stringify(report)).droppedProperties.contact).toEqual(JSON.parse(`{${JSON.stringify(name)}:2}`));
  });

  it('keeps counting after a checkpoint round trip (JSON) and a structuredClone', () => {
    const first = new RunTally();
    first.warnings(PROTOTYPE_NAMES.map(dropped));
    const restored = new RunTally(structuredClone(JSON.parse(JSON.stringify(first.data)) as TallyCounts));
    restored.warnings(PROTOTYPE_NAMES.map(dropped));
    const counts = restored.data.droppedProperties.contact;
    expect(Object.keys(counts)).toEqual(PROTOTYPE_NAMES);
    for (const name of PROTOTYPE_NAMES) expect(Object.getOwnPropertyDescriptor(counts, name)?.value).toBe(2);
    expect(Object.getPrototypeOf(counts)).toBe(Object.prototype);
  });

  it('counts a name longer than any HubSpot name under its beginning, so the report stays small', () => {
    const tally = new RunTally();
    const long = 'k'.repeat(5 * 1024 * 1024);
    tally.warnings([dropped(long), dropped(long + 'x')]);
    const counts = tally.data.droppedProperties.contact;
    expect(counts).toEqual({ [`${'k'.repeat(REPORT_NAME_LIMIT)}…`]: 2 });
  });

  it('for any names: every count is a positive whole number and they add up to the warnings', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string()), { maxLength: 30 }), (names) => {
        const tally = new RunTally();
        tally.warnings(names.map(dropped));
        const counts = Object.values(JSON.parse(JSON.stringify(tally.data.droppedProperties.contact)) as Record<string, unknown>);
        for (const count of counts) expect(Number.isInteger(count) && (count as number) > 0).toBe(true);
        expect((counts as number[]).reduce((a, b) => a + b, 0)).toBe(names.length);
      }),
    );
  });
});

describe('RunTally', () => {
  it('counts every skip reason, also when resuming a checkpoint written before some existed', () => {
    // As an older checkpoint file holds it: three skip reasons only.
    const old = JSON.parse(JSON.stringify({ ...emptyTally(), skipped: { duplicate: 2, filtered: 1, unsupported_type: 3 }, counts: { read: 6, delivered: 0, skipped: 6, deadLettered: 0 } })) as TallyCounts;
    const tally = new RunTally(old);
    tally.read();
    tally.outcome('skipped', 'suppressed');
    tally.read();
    tally.outcome('skipped', 'integration_disabled');
    const report = buildReport(tally, 'completed', false, 0);
    expect(report.skipped).toEqual({ duplicate: 2, filtered: 1, unsupported_type: 3, integration_disabled: 1, consent_denied: 0, suppressed: 1, delivered: 0 });
    expect(report.counts).toEqual({ read: 8, delivered: 0, skipped: 8, deadLettered: 0 });
    // The checkpoint carries the same object, so it is saved with every reason too.
    expect(tally.data.skipped).toBe(report.skipped);
  });
});

describe('withoutTime: events sent without occurredAt', () => {
  const withoutTime: MappingWarning = { kind: 'without_time', object: 'event', property: 'pe1_e', reason: 'no time field' };

  it('is counted, kept through a checkpoint written before the count existed, and warned about once in the summary', () => {
    const tally = new RunTally();
    tally.warnings([withoutTime, truncated('x')]);
    tally.warnings([withoutTime]);
    expect(buildReport(tally, 'completed', true, 0).withoutTime).toBe(2);
    const { withoutTime: _, ...older } = structuredClone(tally.data);
    expect(new RunTally(older as TallyCounts).data.withoutTime).toBe(0);
    const summary = formatSummary(buildReport(tally, 'completed', true, 0));
    expect(summary.match(/without occurredAt/g)).toHaveLength(1);
    expect(summary).toContain('2 event(s) had no time field');
    expect(formatSummary(buildReport(new RunTally(), 'completed', true, 0))).not.toContain('occurredAt');
  });
});
