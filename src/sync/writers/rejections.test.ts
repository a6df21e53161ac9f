import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PropertyValues } from '../../core/types.js';
import { causeOf, findRejected, narrowRejection, type Narrowed, type Rejection, type RejectionCause } from './rejections.js';

const properties = (...named: Array<[string, boolean]>): RejectionCause => ({ kind: 'properties', properties: named.map(([name, anyValue]) => ({ name, anyValue })) });

describe('narrowRejection: which records merged into one refused key are at fault', () => {
  const three: PropertyValues[] = [{ firstname: 'Ada', plan_tier: 'pro' }, { plan_tier: 'gold' }, { lastname: 'L' }];
  it.each<[string, PropertyValues[], RejectionCause, Narrowed]>([
    ['the key itself: every record', three, { kind: 'key' }, { kind: 'all' }],
    ['a value: the record that supplied the value sent', three, properties(['plan_tier', false]), { kind: 'these', indices: [1] }],
    ['a value supplied twice: both records (the earlier would bring it back)', [{ plan_tier: 'gold' }, { firstname: 'A' }, { plan_tier: 'gold' }], properties(['plan_tier', false]), { kind: 'these', indices: [0, 2] }],
    ['a value superseded by a later record was never sent: its record is not at fault', [{ plan_tier: 'gold' }, { plan_tier: 'free' }, { x: '1' }], properties(['plan_tier', false]), { kind: 'these', indices: [1] }],
    ['a property HubSpot does not have or will not write: every value of it', three, properties(['plan_tier', true]), { kind: 'these', indices: [0, 1] }],
    ['two properties: the union', three, properties(['plan_tier', false], ['lastname', true]), { kind: 'these', indices: [1, 2] }],
    ['a property no record supplied is the key as the writer sent it: every record', three, properties(['email', false]), { kind: 'all' }],
    ['every record at fault: all, no re-send', [{ seats: 'x' }, { seats: 'x' }], properties(['seats', false]), { kind: 'all' }],
    ['nothing named: halving finds them', three, { kind: 'unexplained' }, { kind: 'halve' }],
    ['nothing named, one record: that one', [{ x: '1' }], { kind: 'unexplained' }, { kind: 'all' }],
  ])('%s', (_case, parts, cause, expected) => {
    expect(narrowRejection(parts, cause)).toEqual(expected);
  });
});

describe('causeOf: what HubSpot names', () => {
  it.each<[string, Parameters<typeof causeOf>[0], ReadonlySet<string> | undefined, RejectionCause]>([
    ['a 207 error lists each property under errors, with its code',
      [{ context: { objectWriteTraceId: ['0'], propertyName: ['plan_tier', 'shoe_size'] }, errors: [{ code: 'INVALID_OPTION', context: { propertyName: ['plan_tier'] } }, { code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['shoe_size'] } }] }],
      undefined, properties(['plan_tier', false], ['shoe_size', true])],
    ['a 400 lists one detail per property', [{ code: 'READ_ONLY_VALUE', context: { propertyName: ['createdate'] } }], undefined, properties(['createdate', true])],
    ['a 400 for several inputs, kept to what one input holds', [{ code: 'INVALID_OPTION', context: { propertyName: ['industry'] } }, { code: 'INVALID_LONG', context: { propertyName: ['seats'] } }], new Set(['seats']), properties(['seats', false])],
    ['no property named', [{ message: 'Contact already exists. Existing ID: 7', context: { ids: ['7'] } }], undefined, { kind: 'unexplained' }],
  ])('%s', (_case, details, held, expected) => {
    expect(causeOf(details, held)).toEqual(expected);
  });
});

describe('findRejected: halving in input order', () => {
  const rejection = (message: string): Rejection => ({ message, cause: { kind: 'unexplained' } });

  it('finds exactly the records at fault among any, within about 2·r·log₂ n probes', () => {
    fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 64 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 4 }))), async ([n, bad]) => {
        const faulty = new Set(bad);
        let probes = 0;
        const all = Array.from({ length: n }, (_, i) => i);
        const found = await findRejected(all, rejection('whole'), async (some) => {
          probes++;
          const culprit = some.find((i) => faulty.has(i));
          return culprit === undefined ? undefined : rejection(`record ${culprit}`);
        });
        expect([...found.keys()].sort((a, b) => a - b)).toEqual([...faulty].sort((a, b) => a - b));
        for (const [index, answer] of found) expect(answer.message).toBe(`record ${index}`);
        expect(probes).toBeLessThanOrEqual(2 * faulty.size * Math.ceil(Math.log2(n)));
      }),
    );
  });

  it('answers every record when only their merge is refused, not any half', async () => {
    const found = await findRejected([0, 1, 2], rejection('together'), async (some) => (some.length === 3 ? rejection('together') : undefined));
    expect([...found.keys()]).toEqual([0, 1, 2]);
  });
});
