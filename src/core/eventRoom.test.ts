import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definitionStep, EVENT_DEFINITION_PROPERTY_LIMIT, eventPlaces } from './eventRoom.js';

const names = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('eventPlaces', () => {
  it.each<[string, string[] | undefined, string[], string[], { placed: string[]; noRoom: string[] }]>([
    ['no definition yet, 52 names: the first 50 placed', undefined, [], names(52), { placed: names(50), noRoom: ['p50', 'p51'] }],
    ['the run\'s order first: a name it met early is placed before one this batch carries', undefined, ['early', ...names(49, 'r')], ['late', 'early'], { placed: ['early', ...names(49, 'r')], noRoom: ['late'] }],
    ['names the run never met follow, in the batch\'s order', undefined, ['a'], ['c', 'b'], { placed: ['a', 'c', 'b'], noRoom: [] }],
    ['HubSpot\'s hs_ names take no place and need none', ['hs_page_url', 'hs_city', ...names(48)], [], ['hs_browser', 'x', 'y', 'z'], { placed: ['x', 'y'], noRoom: ['z'] }],
    ['a full definition places nothing', names(50), [], ['x'], { placed: [], noRoom: ['x'] }],
    ['defined names are neither placed nor left out', ['x'], ['x', 'y'], ['x', 'y'], { placed: ['y'], noRoom: [] }],
  ])('%s', (_, defined, runOrder, wanted, expected) => {
    expect(eventPlaces(defined && new Set(defined), runOrder, wanted)).toEqual(expected);
  });

  it('ends with the same definition however the occurrences are batched, when the run knows the order it met the names in', () => {
    // The run met `order`; its events reach the writer in batches of any make-up and order
    // (a stream in input order, a fold in key order): the definition must end the same.
    const order = fc.uniqueArray(fc.integer({ min: 0, max: 90 }).map((n) => `n${n}`), { minLength: 1, maxLength: 80 });
    const scenario = order.chain((met) =>
      fc.tuple(fc.constant(met), fc.array(fc.subarray(met, { minLength: 1 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: EVENT_DEFINITION_PROPERTY_LIMIT })),
    );
    fc.assert(
      fc.property(scenario, ([met, batches, limit]) => {
        // Every name is carried by some batch (the last one carries the rest).
        const all = [...batches, met];
        let defined: Set<string> | undefined;
        const leftOut = new Set<string>();
        for (const carried of all) {
          const step = definitionStep(defined, leftOut, met, carried, limit);
          if (step === undefined) continue;
          for (const name of step.noRoom) leftOut.add(name);
          defined = new Set([...(defined ?? []), ...step.define]);
        }
        expect([...defined!].sort()).toEqual(met.slice(0, limit).sort());
        expect([...leftOut].sort()).toEqual(met.slice(limit).filter((name) => all.some((b) => b.includes(name))).sort());
      }),
      { numRuns: 200 },
    );
  });
});
