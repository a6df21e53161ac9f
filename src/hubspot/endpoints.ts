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
}

export const ENDPOINTS = {
  accountDetails: { method: 'GET', path: '/account-info/v3/details', limit: 'tenSecondly', writes: false },
  contactProperties: { method: 'GET', path: '/crm/v3/properties/contacts', limit: 'tenSecondly', writes: false },
  companyProperties: { method: 'GET', path: '/crm/v3/properties/companies', limit: 'tenSecondly', writes: false },
  contactsUpsert: { method: 'POST', path: '/crm/v3/objects/contacts/batch/upsert', limit: 'tenSecondly', writes: true },
  contactsRead: { method: 'POST', path: '/crm/v3/objects/contacts/batch/read', limit: 'tenSecondly', writes: false },
  companiesSearch: { method: 'POST', path: '/crm/v3/objects/companies/search', limit: 'search', writes: false },
  companiesCreate: { method: 'POST', path: '/crm/v3/objects/companies/batch/create', limit: 'tenSecondly', writes: true },
  companiesUpdate: { method: 'POST', path: '/crm/v3/objects/companies/batch/update', limit: 'tenSecondly', writes: true },
  associateDefault: { method: 'POST', path: '/crm/v4/associations/contact/company/batch/associate/default', limit: 'associations', writes: true },
  eventDefinitions: { method: 'GET', path: '/events/v3/event-definitions', limit: 'tenSecondly', writes: false },
  eventDefinitionCreate: { method: 'POST', path: '/events/v3/event-definitions', limit: 'tenSecondly', writes: true },
  eventPropertyCreate: { method: 'POST', path: '/events/v3/event-definitions/{eventName}/property', limit: 'tenSecondly', writes: true },
  eventsSend: { method: 'POST', path: '/events/v3/send/batch', limit: 'events', writes: true },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** The report's key for an endpoint: `POST /crm/v3/objects/contacts/batch/upsert`. */
export function endpointLabel(name: EndpointName): string {
  const { method, path } = ENDPOINTS[name];
  return `${method} ${path}`;
}
