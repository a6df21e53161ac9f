// How companies are keyed in this portal. HubSpot cannot upsert a company by domain, but
// it can by a custom property with unique values: with one holding the domain, creating
// a company is idempotent (a repeated upsert lands on the company the first one made,
// however far search lags). The property is created once per portal when missing; when
// it cannot be (no schema scope, the portal's unique properties used up, a property of
// that name without unique values, or `--company-key none`), companies are found by
// search and created with the safe path of the company writer.
import type { HubSpotProperty } from '../../core/types.js';
import { HubSpotApiError } from '../../hubspot/errors.js';
import type { CompanyMemory } from '../../state/companyMemory.js';
import type { Requester } from '../requests/requester.js';

export const DEFAULT_COMPANY_KEY = 'hubspot_sync_domain';
export const COMPANY_KEY_SCOPE = 'crm.schemas.companies.write';

export type CompanyKeying =
  | { kind: 'key'; property: string }
  /** No unique key: search, and never create twice after an unanswered create. */
  | { kind: 'search' };

export interface KeyDecision {
  keying: CompanyKeying;
  /** What to tell the user, once: the property was created, or why it cannot be used. */
  notice?: string;
}

/** A `--company-key` value: a custom property name HubSpot allows, or `none`. */
export function checkCompanyKeyName(name: string): string | undefined {
  if (name === 'none') return undefined;
  if (!/^[a-z][a-z0-9_]*$/.test(name) || name.length > 100) {
    throw new Error('--company-key must be a property name of lowercase letters, digits and underscores starting with a letter, or "none".');
  }
  if (name.startsWith('hs_')) throw new Error('--company-key cannot start with hs_: HubSpot keeps those names for its own properties.');
  return name;
}

const PROPERTY = (name: string) => ({
  name,
  label: 'Company domain (hubspot-sync)',
  description: "The company's normalised domain, set by hubspot-sync: a unique key so that a company is never created twice.",
  type: 'string',
  fieldType: 'text',
  groupName: 'companyinformation',
  hasUniqueValue: true,
  formField: false,
});

const searchOnly = (why: string): KeyDecision => ({
  keying: { kind: 'search' },
  notice: `${why} Companies are found by searching, and a company whose create got no answer is not created again until HubSpot's search shows whether it exists (the run pauses, exit 75, if it cannot tell yet).`,
});

/** Reads (and when missing, creates) the key property `name`; undefined `name`: keying is off. */
export async function decideCompanyKey(requester: Requester, name: string | undefined, memory: CompanyMemory): Promise<KeyDecision> {
  if (name === undefined) return { keying: { kind: 'search' } };
  if (memory.keyProperty === name) return { keying: { kind: 'key', property: name } };
  let property = await readProperty(requester, name);
  let created = false;
  if (property === 'refused') return searchOnly(`The token may not read the company property ${name}.`);
  if (property === undefined) {
    try {
      const { body } = await requester.send<HubSpotProperty>('companyPropertyCreate', { body: PROPERTY(name) }, { authFatal: false });
      property = body;
      created = true;
    } catch (error) {
      if (!(error instanceof HubSpotApiError)) throw error;
      if (error.status === 409) {
        // Created meanwhile (another run, or our own create whose answer was lost).
        property = await readProperty(requester, name);
        if (property === undefined || property === 'refused') throw error;
      } else if (error.kind === 'auth') {
        return searchOnly(`The unique company property ${name} does not exist and the token lacks the scope ${COMPANY_KEY_SCOPE} to create it.`);
      } else if (error.kind === 'rejected') {
        return searchOnly(`HubSpot refused to create the unique company property ${name} (${error.envelope.message ?? error.message}).`);
      } else {
        throw error;
      }
    }
  }
  if (property.hasUniqueValue !== true) {
    return searchOnly(`The company property ${name} exists but does not require unique values, so it cannot key companies; name another with --company-key.`);
  }
  memory.rememberKeyProperty(name);
  return {
    keying: { kind: 'key', property: name },
    notice: created ? `Created the company property ${name} (unique values): companies are upserted by their domain from now on.` : undefined,
  };
}

/** The property, undefined when it does not exist, 'refused' when the token may not read it. */
async function readProperty(requester: Requester, name: string): Promise<HubSpotProperty | undefined | 'refused'> {
  try {
    const { body } = await requester.send<HubSpotProperty>('companyProperty', { pathParams: { propertyName: name } }, { authFatal: false });
    return body;
  } catch (error) {
    if (error instanceof HubSpotApiError && error.status === 404) return undefined;
    if (error instanceof HubSpotApiError && error.kind === 'auth') return 'refused';
    throw error;
  }
}

/** Whether the key property still exists with unique values (an admin may have changed it). */
export async function keyStillHolds(requester: Requester, name: string): Promise<boolean> {
  const property = await readProperty(requester, name);
  return property !== undefined && property !== 'refused' && property.hasUniqueValue === true;
}
