// Nothing done silently (docs/architecture.md#outputs): a run that sends nothing says why.
import { describe, expect, it } from 'vitest';
import { closingWarnings, describePlan, formatSummary } from './summary.js';
import { buildReport, RunTally } from './tally.js';

function report(build: (tally: RunTally) => void, status: 'completed' | 'failed' = 'completed') {
  const tally = new RunTally();
  build(tally);
  return buildReport(tally, status, true, 0);
}

const records = (tally: RunTally, n: number, outcome: 'delivered' | 'skipped' | 'deadLettered', reason?: 'filtered' | 'duplicate'): void => {
  for (let i = 0; i < n; i++) {
    tally.read();
    tally.outcome(outcome, reason);
  }
};

describe('closingWarnings', () => {
  it.each<[string, (tally: RunTally) => void, RegExp | undefined]>([
    ['no record read (empty files, an empty directory)', () => undefined, /^no record was read: the inputs are empty/],
    ['a CSV without a type column and no --type', (tally) => {
      records(tally, 5, 'deadLettered');
      for (let i = 0; i < 5; i++) tally.deadLetter({ code: 'INVALID_RECORD', reason: 'no type', missingType: true });
    }, /every record read was filtered, skipped or dead-lettered; the commonest cause: 5 record\(s\) have no call type: .*--type/],
    ['filters that match nothing', (tally) => {
      records(tally, 3, 'skipped', 'filtered');
      records(tally, 1, 'skipped', 'duplicate');
    }, /the commonest cause: 3 record\(s\) filtered out by --since, --until, --types or --events/],
    ['an unreadable file', (tally) => {
      records(tally, 4, 'deadLettered');
      for (let i = 0; i < 4; i++) tally.deadLetter({ code: 'INVALID_JSON', reason: 'x' });
    }, /the commonest cause: 4 dead letter\(s\) INVALID_JSON \(the input does not read as its format/],
    ['one record mapped', (tally) => {
      records(tally, 9, 'skipped', 'filtered');
      records(tally, 1, 'delivered');
    }, undefined],
  ])('%s', (_, build, warning) => {
    const warnings = closingWarnings(report(build));
    if (warning === undefined) expect(warnings).toEqual([]);
    else expect(warnings).toEqual([expect.stringMatching(warning)]);
  });

  it('says nothing of the kind for a run that failed (its error says why)', () => {
    expect(closingWarnings(report(() => undefined, 'failed'))).toEqual([]);
  });

  it('ends the summary with the warnings, given ones first', () => {
    const summary = formatSummary(report(() => undefined), undefined, ['--events "x" matched no track']);
    expect(summary.trimEnd().split('\n').slice(-2)).toEqual([expect.stringMatching(/warning +--events "x" matched no track$/), expect.stringMatching(/warning +no record was read/)]);
  });
});

describe('dropped properties in the summary', () => {
  const drop = (tally: RunTally, object: 'contact' | 'company' | 'event', property: string, times: number, reason = 'not in the catalog') => {
    for (let i = 0; i < times; i++) tally.warnings([{ kind: 'dropped_property', object, property, reason }]);
  };

  it('names each object apart, so no count hides another, and never offers HubSpot read-only names for creation', () => {
    const summary = formatSummary(
      report((tally) => {
        records(tally, 1, 'delivered');
        drop(tally, 'contact', 'createdat', 839);
        drop(tally, 'company', 'createdat', 144);
        drop(tally, 'company', 'email', 3);
        drop(tally, 'company', 'plan', 2);
        drop(tally, 'contact', 'createdate', 5, 'read-only');
        drop(tally, 'contact', 'lastmodifieddate', 4, 'read-only');
      }),
    );
    expect(summary).toMatch(/unknown contact properties +createdat \(839\): create them/);
    expect(summary).toMatch(/unknown company properties +createdat \(144\), email \(3\), plan \(2\): create them/);
    expect(summary).toMatch(/read-only, not sent +contact createdate \(5\), contact lastmodifieddate \(4\)/);
    expect(summary).not.toMatch(/unknown contact properties.*(email|plan|createdate)/);
  });

  it('has a row of its own for event properties, which no property creation would keep', () => {
    const summary = formatSummary(
      report((tally) => {
        records(tally, 1, 'delivered');
        drop(tally, 'event', 'f63', 17, 'the definition holds 50');
        drop(tally, 'event', '2fa', 2, 'does not start with a letter');
      }),
    );
    expect(summary).toMatch(/event properties left out +f63 \(17\), 2fa \(2\): HubSpot cannot keep them .*--property-map renames or leaves out names/);
    expect(summary).not.toMatch(/unknown \w+ properties/);
  });

  it('follows the plan: a name it marks not creatable for being read-only is no unknown property', () => {
    const base = report((tally) => {
      records(tally, 1, 'delivered');
      drop(tally, 'contact', 'score', 2, 'read-only');
    });
    const summary = formatSummary({ ...base, propertyPlan: [{ object: 'contact', name: 'score', type: 'number', fieldType: 'number', label: 'Score', values: 2, sample: '3', creatable: false, reason: 'read-only in HubSpot' }] });
    expect(summary).toMatch(/read-only, not sent +contact score \(2\)/);
    expect(summary).toContain('contact score: number/number "Score", 2 value(s), e.g. 3; not creatable: read-only in HubSpot');
  });
});

describe('the request plan line', () => {
  it.each<[string, Parameters<typeof describePlan>[0], string]>([
    ['seconds', { byEndpoint: {}, total: 57, windowed: 26, seconds: 3 }, '57 requests (26 in the ten-second window), about 3 seconds'],
    ['one second', { byEndpoint: {}, total: 1, windowed: 1, seconds: 1 }, '1 request (1 in the ten-second window), about 1 second'],
    ['minutes, thousands grouped, the daily share', { byEndpoint: {}, total: 14_322, windowed: 14_322, seconds: 1433, dailyShare: 0.0573 }, '14,322 requests (14,322 in the ten-second window), about 24 minutes, 6 % of the daily limit'],
    ['hours', { byEndpoint: {}, total: 200_000, windowed: 150_000, seconds: 15_000 }, '200,000 requests (150,000 in the ten-second window), about 4.2 hours'],
    ['a share under one percent is not rounded to nothing', { byEndpoint: {}, total: 57, windowed: 26, seconds: 3, dailyShare: 0.0001 }, '57 requests (26 in the ten-second window), about 3 seconds, under 1 % of the daily limit'],
  ])('%s', (_, plan, line) => {
    expect(describePlan(plan)).toBe(line);
  });

  it('is a row of a dry run\'s summary', () => {
    const withPlan = { ...report(() => undefined), requestPlan: { byEndpoint: {}, total: 57, windowed: 26, seconds: 3 } };
    expect(formatSummary(withPlan)).toMatch(/\n {2}request plan +57 requests \(26 in the ten-second window\), about 3 seconds\n/);
    expect(formatSummary(report(() => undefined))).not.toMatch(/request plan/);
  });
});
