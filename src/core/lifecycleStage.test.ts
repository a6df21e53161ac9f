import { describe, expect, it } from 'vitest';
import { forwardStages } from './lifecycleStage.js';

const ORDER = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'];
const rank = (stage: string) => (ORDER.includes(stage) ? ORDER.indexOf(stage) : undefined);
const stagesOf = (parts: ReadonlyArray<Record<string, string>>) => forwardStages(parts, rank).map((part) => part.lifecyclestage ?? '-');

describe('forwardStages', () => {
  it.each([
    { name: 'forward steps all stand', stages: ['lead', 'salesqualifiedlead', 'customer'], kept: ['lead', 'salesqualifiedlead', 'customer'] },
    { name: 'a step back is dropped', stages: ['lead', 'customer', 'salesqualifiedlead'], kept: ['lead', 'customer', '-'] },
    { name: 'the same stage again stands', stages: ['customer', 'customer'], kept: ['customer', 'customer'] },
    { name: 'a clear starts over', stages: ['customer', '', 'lead'], kept: ['customer', '', 'lead'] },
    { name: 'an unknown stage is left to HubSpot', stages: ['customer', 'partner'], kept: ['customer', 'partner'] },
  ])('$name', ({ stages, kept }) => {
    expect(stagesOf(stages.map((lifecyclestage) => ({ lifecyclestage, firstname: 'Ada' })))).toEqual(kept);
  });

  it('keeps the other properties of a contribution whose stage is dropped, and parts without a stage', () => {
    expect(forwardStages([{ lifecyclestage: 'customer' }, { lifecyclestage: 'lead', city: 'Paris' }, { city: 'Lyon' }], rank)).toEqual([{ lifecyclestage: 'customer' }, { city: 'Paris' }, { city: 'Lyon' }]);
  });
});
