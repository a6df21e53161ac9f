// --create-properties: the property plan's creatable names created in HubSpot before any
// record is sent (docs/hubspot.md#creating-properties). A property that appeared
// meanwhile (409) is read back and used as HubSpot holds it; nothing existing is altered.
import { creatableNames, propertyOf, type PlannedProperty, type PropertyPlan } from '../../core/propertyPlan.js';
import type { CatalogObject, HubSpotProperty } from '../../core/types.js';
import { AuthError, UsageError } from '../../errors.js';
import type { EndpointName } from '../../hubspot/endpoints.js';
import { HubSpotApiError } from '../../hubspot/errors.js';
import type { Requester } from '../requests/requester.js';

/** The groups HubSpot gives every portal, where created properties go unless told. */
export const DEFAULT_GROUP: Readonly<Record<CatalogObject, string>> = { contact: 'contactinformation', company: 'companyinformation' };

/** The scope HubSpot asks for to create an object's properties. */
export const SCHEMA_WRITE_SCOPE: Readonly<Record<CatalogObject, string>> = { contact: 'crm.schemas.contacts.write', company: 'crm.schemas.companies.write' };

const ENDPOINT: Readonly<Record<CatalogObject, { create: EndpointName; read: EndpointName; groups: EndpointName }>> = {
  contact: { create: 'contactPropertiesCreate', read: 'contactProperty', groups: 'contactPropertyGroups' },
  company: { create: 'companyPropertiesCreate', read: 'companyProperty', groups: 'companyPropertyGroups' },
};

/** HubSpot's batch create takes this many inputs per request. */
export const CREATE_BATCH = 100;

export interface CreatedProperties {
  /** Per object, the properties as HubSpot now holds them (created, or found after a 409). */
  properties: Record<CatalogObject, HubSpotProperty[]>;
  created: number;
}

/** Creates every creatable name of `plan`, contacts first; `group` is --property-group. */
export async function createPlannedProperties(requester: Requester, plan: PropertyPlan, group: string | undefined): Promise<CreatedProperties> {
  const result: CreatedProperties = { properties: { contact: [], company: [] }, created: 0 };
  for (const object of ['contact', 'company'] as const) {
    const planned = creatableNames(plan, object);
    if (planned.length === 0) continue;
    const groupName = group ?? DEFAULT_GROUP[object];
    if (group !== undefined) await checkGroup(requester, object, group);
    for (let start = 0; start < planned.length; start += CREATE_BATCH) {
      const part = planned.slice(start, start + CREATE_BATCH);
      await createPart(requester, object, part, groupName, result);
    }
  }
  return result;
}

/** The body of one property to create. */
export function propertyCreate(planned: PlannedProperty, groupName: string, segmentKey = planned.name): Record<string, unknown> {
  const { name, label, type, fieldType, options } = propertyOf(planned);
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: `Created by hubspot-sync from the Segment key "${segmentKey}"`,
    ...(options ? { options: options.map((option, displayOrder) => ({ ...option, displayOrder, hidden: false })) } : {}),
  };
}

async function createPart(requester: Requester, object: CatalogObject, part: PlannedProperty[], groupName: string, result: CreatedProperties): Promise<void> {
  let pending = part;
  // Each 409 names a property that exists now: it is read back and the rest sent again.
  while (pending.length > 0) {
    try {
      const { body } = await requester.send<{ results?: HubSpotProperty[] }>(
        ENDPOINT[object].create,
        { body: { inputs: pending.map((planned) => propertyCreate(planned, groupName)) } },
        { authFatal: false },
      );
      result.properties[object].push(...(body.results ?? []));
      result.created += body.results?.length ?? 0;
      return;
    } catch (error) {
      if (!(error instanceof HubSpotApiError)) throw error;
      if (error.kind === 'auth') throw missingScope(object, error);
      if (error.status !== 409) throw new UsageError(`HubSpot refused to create the ${object} properties ${pending.map((p) => p.name).join(', ')}: ${error.envelope.message ?? error.message}. Nothing was sent; fix the property map or leave out --create-properties.`);
      const existing = existingNames(error, pending);
      if (existing.length === 0) throw error;
      for (const name of existing) result.properties[object].push(await readProperty(requester, object, name));
      pending = pending.filter((planned) => !existing.includes(planned.name));
    }
  }
}

/** The names a 409 says exist (its context, else the quoted name of its message). */
function existingNames(error: HubSpotApiError, pending: readonly PlannedProperty[]): string[] {
  const details = [error.envelope, ...(error.envelope.errors ?? [])];
  const named = new Set(details.flatMap((d) => (d.context as Record<string, string[] | undefined> | undefined)?.name ?? []));
  const message = details.map((d) => d.message ?? '').join(' ');
  return pending.filter((p) => named.has(p.name) || message.includes(`'${p.name}'`)).map((p) => p.name);
}

async function readProperty(requester: Requester, object: CatalogObject, name: string): Promise<HubSpotProperty> {
  const { body } = await requester.send<HubSpotProperty>(ENDPOINT[object].read, { pathParams: { propertyName: name } });
  return body;
}

/** --property-group must name a group the object has. */
async function checkGroup(requester: Requester, object: CatalogObject, group: string): Promise<void> {
  let groups: string[];
  try {
    const { body } = await requester.send<{ results?: Array<{ name: string }> }>(ENDPOINT[object].groups, {}, { authFatal: false });
    groups = (body.results ?? []).map((g) => g.name);
  } catch (error) {
    if (error instanceof HubSpotApiError && error.kind === 'auth') throw missingScope(object, error);
    throw error;
  }
  if (!groups.includes(group)) {
    throw new UsageError(`--property-group ${group}: the ${object} properties have no such group (they have ${groups.join(', ')}). Nothing was sent; name an existing group, or create it in HubSpot first.`);
  }
}

function missingScope(object: CatalogObject, error: HubSpotApiError): AuthError {
  const scope = SCHEMA_WRITE_SCOPE[object];
  return new AuthError(
    `Creating ${object} properties (--create-properties) needs the scope ${scope}, which the token lacks (HubSpot: ${error.envelope.message ?? error.status}). ` +
      `No record was sent. Grant the private app ${scope}, or run without --create-properties.`,
  );
}
