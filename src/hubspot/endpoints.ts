// Every HubSpot endpoint the tool calls, in one table: its path, and which of HubSpot's
// limits it counts against (hubspot-api.md §4–§7), so the throttle knows how to pace it.

/**
 * `tenSecondly`: the per-app rolling window (`--rate`).
 * `search`: CRM search's own 5 requests/second, exempt from the window.
 * `associations`: v4 batch endpoints are exempt from the window but have caps of their
 *   own in the docs; they get a window of the same size, separately.
 * `events`: event sends are exempt from the daily and ten-secondly limits.
 */
export type LimitClass = 'tenSecondly' | 'search' | 'associations' | 'events';

export interface Endpoint {
  method: 'GET' | 'POST';
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
  accountDetails: { method: 'GET', path: '/account-info/v3/details', limit: 'tenSecondly', writes: false, gates: true },
  contactProperties: { method: 'GET', path: '/crm/v3/properties/contacts', limit: 'tenSecondly', writes: false, gates: true },
  companyProperties: { method: 'GET', path: '/crm/v3/properties/companies', limit: 'tenSecondly', writes: false, gates: true },
  companyProperty: { method: 'GET', path: '/crm/v3/properties/companies/{propertyName}', limit: 'tenSecondly', writes: false, gates: true },
  companyPropertyCreate: { method: 'POST', path: '/crm/v3/properties/companies', limit: 'tenSecondly', writes: true, gates: true },
  contactsUpsert: { method: 'POST', path: '/crm/v3/objects/contacts/batch/upsert', limit: 'tenSecondly', writes: true, gates: false },
  contactsRead: { method: 'POST', path: '/crm/v3/objects/contacts/batch/read', limit: 'tenSecondly', writes: false, gates: true },
  companiesSearch: { method: 'POST', path: '/crm/v3/objects/companies/search', limit: 'search', writes: false, gates: true },
  companiesCreate: { method: 'POST', path: '/crm/v3/objects/companies/batch/create', limit: 'tenSecondly', writes: true, gates: false },
  companiesUpsert: { method: 'POST', path: '/crm/v3/objects/companies/batch/upsert', limit: 'tenSecondly', writes: true, gates: false },
  companiesRead: { method: 'POST', path: '/crm/v3/objects/companies/batch/read', limit: 'tenSecondly', writes: false, gates: true },
  companiesUpdate: { method: 'POST', path: '/crm/v3/objects/companies/batch/update', limit: 'tenSecondly', writes: true, gates: false },
  associateDefault: { method: 'POST', path: '/crm/v4/associations/contact/company/batch/associate/default', limit: 'associations', writes: true, gates: false },
  eventDefinitions: { method: 'GET', path: '/events/v3/event-definitions', limit: 'tenSecondly', writes: false, gates: true },
  eventDefinitionCreate: { method: 'POST', path: '/events/v3/event-definitions', limit: 'tenSecondly', writes: true, gates: true },
  eventPropertyCreate: { method: 'POST', path: '/events/v3/event-definitions/{eventName}/property', limit: 'tenSecondly', writes: true, gates: true },
  eventsSend: { method: 'POST', path: '/events/v3/send/batch', limit: 'events', writes: true, gates: false },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** The report's key for an endpoint: `POST /crm/v3/objects/contacts/batch/upsert`. */
export function endpointLabel(name: EndpointName): string {
  const { method, path } = ENDPOINTS[name];
  return `${method} ${path}`;
}
