// Every HubSpot endpoint the tool calls, in one table: its API family, the rest of its
// path, and which of HubSpot's limits it counts against, so the throttle knows how to
// pace it. The version of a run (`--api-version`) is added by `endpointPath`, the one
// place that turns an entry into a URL path: an entry never names a version.

/**
 * HubSpot's date versions the tool speaks. The legacy `/crm/v3`, `/crm/v4`, `/events/v3`
 * and `/account-info/v3` paths are never used: HubSpot stops supporting v4 on 2027-03-30
 * and v1–v3 in September 2027.
 */
export const API_VERSIONS = ['2026-03', '2026-09'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ApiVersion = '2026-03';

export function isApiVersion(value: string): value is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(value);
}

/** HubSpot's API families; each puts the version right after its own name. */
export type ApiFamily = 'account-info' | 'crm-objects' | 'crm-properties' | 'crm-associations' | 'custom-events';

/**
 * Each family's root for a version. Custom behavioral events moved in 2026-09: from
 * `/events/2026-03/…` to `/events/custom/2026-09/…`.
 */
const FAMILY_ROOTS: Record<ApiFamily, (version: ApiVersion) => string> = {
  'account-info': (v) => `/account-info/${v}`,
  'crm-objects': (v) => `/crm/objects/${v}`,
  'crm-properties': (v) => `/crm/properties/${v}`,
  'crm-associations': (v) => `/crm/associations/${v}`,
  'custom-events': (v) => (v === '2026-03' ? `/events/${v}` : `/events/custom/${v}`),
};

/**
 * `tenSecondly`: the per-app rolling window (`--rate`).
 * `search`: CRM search's own 5 requests/second, exempt from the window.
 * `associations`: association batch endpoints are exempt from the window but have caps
 *   of their own in the docs; they get a window of the same size, separately.
 * `events`: event sends are exempt from the daily and ten-secondly limits.
 */
export type LimitClass = 'tenSecondly' | 'search' | 'associations' | 'events';

export interface Endpoint {
  method: 'GET' | 'POST';
  api: ApiFamily;
  /** The path after the family's versioned root, with `{param}` placeholders. */
  path: string;
  limit: LimitClass;
  /** Changes HubSpot's data (diff must never call one). */
  writes: boolean;
  /**
   * Other requests wait on its answer (a search before a create, a definition before
   * its events): it goes ahead of queued batches, or a long backlog would hold back the
   * watermark and with it every checkpoint.
   */
  gates: boolean;
}

export const ENDPOINTS = {
  accountDetails: { method: 'GET', api: 'account-info', path: 'details', limit: 'tenSecondly', writes: false, gates: true },
  contactProperties: { method: 'GET', api: 'crm-properties', path: 'contacts', limit: 'tenSecondly', writes: false, gates: true },
  companyProperties: { method: 'GET', api: 'crm-properties', path: 'companies', limit: 'tenSecondly', writes: false, gates: true },
  companyProperty: { method: 'GET', api: 'crm-properties', path: 'companies/{propertyName}', limit: 'tenSecondly', writes: false, gates: true },
  companyPropertyCreate: { method: 'POST', api: 'crm-properties', path: 'companies', limit: 'tenSecondly', writes: true, gates: true },
  contactPropertiesBatchCreate: { method: 'POST', api: 'crm-properties', path: 'contacts/batch/create', limit: 'tenSecondly', writes: true, gates: true },
  companyPropertiesBatchCreate: { method: 'POST', api: 'crm-properties', path: 'companies/batch/create', limit: 'tenSecondly', writes: true, gates: true },
  contactsUpsert: { method: 'POST', api: 'crm-objects', path: 'contacts/batch/upsert', limit: 'tenSecondly', writes: true, gates: false },
  contactsRead: { method: 'POST', api: 'crm-objects', path: 'contacts/batch/read', limit: 'tenSecondly', writes: false, gates: true },
  companiesSearch: { method: 'POST', api: 'crm-objects', path: 'companies/search', limit: 'search', writes: false, gates: true },
  companiesCreate: { method: 'POST', api: 'crm-objects', path: 'companies/batch/create', limit: 'tenSecondly', writes: true, gates: false },
  companiesUpsert: { method: 'POST', api: 'crm-objects', path: 'companies/batch/upsert', limit: 'tenSecondly', writes: true, gates: false },
  companiesRead: { method: 'POST', api: 'crm-objects', path: 'companies/batch/read', limit: 'tenSecondly', writes: false, gates: true },
  companiesUpdate: { method: 'POST', api: 'crm-objects', path: 'companies/batch/update', limit: 'tenSecondly', writes: true, gates: false },
  associateDefault: { method: 'POST', api: 'crm-associations', path: 'contact/company/batch/associate/default', limit: 'associations', writes: true, gates: false },
  eventDefinitions: { method: 'GET', api: 'custom-events', path: 'event-definitions', limit: 'tenSecondly', writes: false, gates: true },
  eventDefinitionCreate: { method: 'POST', api: 'custom-events', path: 'event-definitions', limit: 'tenSecondly', writes: true, gates: true },
  eventPropertyCreate: { method: 'POST', api: 'custom-events', path: 'event-definitions/{eventName}/property', limit: 'tenSecondly', writes: true, gates: true },
  eventsSend: { method: 'POST', api: 'custom-events', path: 'send/batch', limit: 'events', writes: true, gates: false },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** The URL path of an endpoint in a version, placeholders left in: `/crm/objects/2026-03/contacts/batch/upsert`. */
export function endpointPath(name: EndpointName, version: ApiVersion): string {
  const { api, path } = ENDPOINTS[name];
  return `${FAMILY_ROOTS[api](version)}/${path}`;
}

/** The report's key for an endpoint: `POST /crm/objects/2026-03/contacts/batch/upsert`. */
export function endpointLabel(name: EndpointName, version: ApiVersion): string {
  return `${ENDPOINTS[name].method} ${endpointPath(name, version)}`;
}
