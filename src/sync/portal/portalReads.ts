// What a run reads about the portal before the first record: its hub ID and its property
// catalog (fetched once per run).
import type { CatalogDocument, HubSpotProperty } from '../../core/types.js';
import type { Requester } from '../requests/requester.js';

export async function fetchHubId(requester: Requester): Promise<number> {
  const { body } = await requester.send<{ portalId: number }>('accountDetails');
  return body.portalId;
}

export async function fetchCatalogDocument(requester: Requester, objects: ReadonlyArray<'contacts' | 'companies'> = ['contacts', 'companies']): Promise<CatalogDocument> {
  const doc: CatalogDocument = { contacts: { results: [] }, companies: { results: [] } };
  await Promise.all(objects.map(async (object) => {
    const { body } = await requester.send<{ results: HubSpotProperty[] }>(object === 'contacts' ? 'contactProperties' : 'companyProperties');
    doc[object] = { results: body.results };
  }));
  return doc;
}
