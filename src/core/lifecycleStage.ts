// HubSpot moves a record's lifecycle stage only forward: an earlier stage sent over a
// later one is ignored (docs/hubspot.md). A streamed run sends each update in turn, so the
// furthest stage stands; a fold sends one value per key, so the contributions that name an
// earlier stage than one before them (since the last clear, "") are left out of it.
import type { PropertyValues } from './types.js';

export const LIFECYCLE_STAGE = 'lifecyclestage';

/**
 * The contributions as HubSpot would apply them one after the other: a stage behind the
 * furthest one before it is dropped from its contribution. `rank` is the stage's place in
 * the portal's order (undefined: not a known stage, kept as it is).
 */
export function forwardStages(parts: readonly PropertyValues[], rank: (stage: string) => number | undefined): PropertyValues[] {
  let furthest = -1;
  return parts.map((part) => {
    const stage = part[LIFECYCLE_STAGE];
    if (stage === undefined) return part;
    if (stage === '') {
      furthest = -1;
      return part;
    }
    const place = rank(stage);
    if (place === undefined) return part;
    if (place >= furthest) {
      furthest = place;
      return part;
    }
    const { [LIFECYCLE_STAGE]: _behind, ...rest } = part;
    return rest;
  });
}
