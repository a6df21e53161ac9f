// HubSpot's dated API versions as the stand-in serves them: where each API family lives
// in each version, and how the versions' answers differ. Route tables name a family and
// the rest of the path; the server puts the two together for every version here.
//
// The legacy paths (`/crm/v3/…`, `/crm/v4/…`, `/events/v3/…`, `/account-info/v3/…`) are
// not served: they answer 404 like any unknown path. HubSpot still answers them until its
// support ends (v4 on 2027-03-30, v1–v3 in September 2027), but hubspot-sync must never
// call them, and a stand-in that refuses them makes any request that slips back to one
// fail loudly. The request log (`/_emulator/requests`) shows every path that was called.

export const API_VERSIONS = ['2026-03', '2026-09'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export type ApiFamily = 'account-info' | 'crm-objects' | 'crm-properties' | 'crm-associations' | 'custom-events';

/** The root of a family in a version. Custom events moved to `/events/custom/…` in 2026-09. */
export function familyRoot(family: ApiFamily, version: ApiVersion): string {
  switch (family) {
    case 'account-info':
      return `/account-info/${version}`;
    case 'crm-objects':
      return `/crm/objects/${version}`;
    case 'crm-properties':
      return `/crm/properties/${version}`;
    case 'crm-associations':
      return `/crm/associations/${version}`;
    case 'custom-events':
      return version === '2026-03' ? `/events/${version}` : `/events/custom/${version}`;
  }
}

/** How a version's answers differ. */
export interface VersionBehaviour {
  /**
   * A batch answer that carries errors: 2026-03 answers 207 Multi-Status; from 2026-09 the
   * endpoint's usual status (200, or 201 for create) with `numErrors`/`errors` in the body.
   */
  multiStatus: boolean;
  /**
   * Search results: 2026-03 types every property value as a string, so unset properties
   * are left out; 2026-09 answers `null` for a requested property that has no value.
   */
  nullSearchValues: boolean;
}

export const BEHAVIOUR: Record<ApiVersion, VersionBehaviour> = {
  '2026-03': { multiStatus: true, nullSearchValues: false },
  '2026-09': { multiStatus: false, nullSearchValues: true },
};
