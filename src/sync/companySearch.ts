// Finds companies by domain in bulk: one IN search per 100 domains, paged. HubSpot does
// not dedupe API-created companies, so a domain may have several: the oldest one is the
// company, the one every later run and every diff agrees on.
import type { CrmObject, SearchResponse } from '../hubspot/types.js';
import type { Requester } from './requester.js';

const MAX_DOMAINS = 100;

function older(a: CrmObject, b: CrmObject): boolean {
  const createdA = a.properties.createdate ?? a.createdAt ?? '';
  const createdB = b.properties.createdate ?? b.createdAt ?? '';
  return createdA < createdB || (createdA === createdB && Number(a.id) < Number(b.id));
}

/** domain → its oldest company (id and the requested properties), for the domains that exist. */
export async function searchCompaniesByDomain(requester: Requester, domains: readonly string[], properties: readonly string[] = []): Promise<Map<string, CrmObject>> {
  const oldest = new Map<string, CrmObject>();
  for (let i = 0; i < domains.length; i += MAX_DOMAINS) {
    // IN values must be lowercase to match (domains already are).
    const values = domains.slice(i, i + MAX_DOMAINS);
    let after: string | undefined;
    do {
      const { body } = await requester.send<SearchResponse>('companiesSearch', {
        body: {
          filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values }] }],
          properties: [...new Set(['domain', 'createdate', ...properties])],
          sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
          limit: 100,
          ...(after ? { after } : {}),
        },
      });
      for (const company of body.results) {
        const domain = company.properties.domain?.toLowerCase();
        if (!domain) continue;
        const best = oldest.get(domain);
        if (!best || older(company, best)) oldest.set(domain, company);
      }
      after = body.paging?.next?.after;
    } while (after);
  }
  return oldest;
}
