// Reads what HubSpot holds now for the records a run would touch, with read-only calls
// only (batch read, search): `diff` must work with a read-only token.
import type { BatchResponse } from '../../hubspot/types.js';
import type { CompanyFinder } from '../companies/companySearch.js';
import type { Requester } from '../requests/requester.js';

const BATCH = 100;
type Values = Record<string, string | null | undefined>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** email → current property values, for the contacts that exist. */
export async function readContacts(requester: Requester, emails: readonly string[], properties: readonly string[]): Promise<Map<string, Values>> {
  const found = new Map<string, Values>();
  await Promise.all(chunks(emails, BATCH).map(async (part) => {
    const { body } = await requester.send<BatchResponse>('contactsRead', {
      body: { idProperty: 'email', properties: [...new Set(['email', ...properties])], propertiesWithHistory: [], inputs: part.map((id) => ({ id })) },
      query: { archived: false },
    });
    for (const contact of body.results) {
      const email = contact.properties.email?.toLowerCase();
      if (email) found.set(email, contact.properties);
    }
  }));
  return found;
}

/**
 * domain → current property values of its company (found as a replay finds it), for the
 * domains that have one. Search finds the ids; a batch read by id reads the values, since
 * a search body has no room for a long property list.
 */
export async function readCompanies(finder: CompanyFinder, requester: Requester, domains: readonly string[], properties: readonly string[], keyProperty?: string): Promise<Map<string, Values>> {
  const { found } = await finder.find(domains, { keyProperty });
  const ids = [...new Set([...found.values()].map((company) => company.id))];
  const byId = new Map<string, Values>();
  await Promise.all(chunks(ids, BATCH).map(async (part) => {
    const { body } = await requester.send<BatchResponse>('companiesRead', {
      body: { properties: [...new Set(['domain', ...properties])], propertiesWithHistory: [], inputs: part.map((id) => ({ id })) },
      query: { archived: false },
    });
    for (const company of body.results ?? []) byId.set(company.id, company.properties);
  }));
  const current = new Map<string, Values>();
  for (const [domain, company] of found) {
    const values = byId.get(company.id);
    if (values) current.set(domain, values);
  }
  return current;
}
