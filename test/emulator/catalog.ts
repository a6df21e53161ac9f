// The property catalog: HubSpot's default contact and company properties (docs/hubspot.md#default-properties)
// plus a few custom ones of every type, and a lookup over it.

import type { CatalogInput, HubSpotPropertyJson, HubSpotPropertyOption } from './types.js';

const STAMP = '2024-01-01T00:00:00.000Z';

interface PropSpec {
  type: string;
  fieldType: string;
  label?: string;
  group?: string;
  options?: Array<string | [value: string, label: string]>;
  readOnly?: boolean;
  calculated?: boolean;
  unique?: boolean;
  custom?: boolean;
  description?: string;
}

function humanize(name: string): string {
  return name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

function options(list: PropSpec['options']): HubSpotPropertyOption[] {
  return (list ?? []).map((o, displayOrder) => {
    const [value, label] = typeof o === 'string' ? [o, humanize(o.toLowerCase())] : o;
    return { label, value, displayOrder, hidden: false, description: '' };
  });
}

function property(name: string, spec: PropSpec, displayOrder: number): HubSpotPropertyJson {
  const readOnly = spec.readOnly === true || spec.calculated === true;
  return {
    name,
    label: spec.label ?? humanize(name),
    type: spec.type,
    fieldType: spec.fieldType,
    groupName: spec.group ?? (spec.custom === true ? 'custom_properties' : 'information'),
    description: spec.description ?? '',
    displayOrder,
    options: options(spec.options),
    hasUniqueValue: spec.unique === true,
    hidden: false,
    hubspotDefined: spec.custom !== true,
    calculated: spec.calculated === true,
    externalOptions: false,
    formField: !readOnly,
    dataSensitivity: 'non_sensitive',
    createdAt: STAMP,
    updatedAt: STAMP,
    modificationMetadata: {
      archivable: spec.custom === true,
      readOnlyDefinition: spec.custom !== true,
      readOnlyValue: readOnly,
    },
  };
}

const text = (extra: Partial<PropSpec> = {}): PropSpec => ({ type: 'string', fieldType: 'text', ...extra });

const LIFECYCLE: PropSpec['options'] = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
];

const CONTACT_PROPERTIES: Array<[string, PropSpec]> = [
  ['email', text({ label: 'Email' })],
  ['firstname', text({ label: 'First Name' })],
  ['lastname', text({ label: 'Last Name' })],
  ['phone', text({ label: 'Phone Number' })],
  ['mobilephone', text({ label: 'Mobile Phone Number' })],
  ['company', text({ label: 'Company Name' })],
  ['jobtitle', text({ label: 'Job Title' })],
  ['address', text({ label: 'Street Address' })],
  ['city', text()],
  ['state', text({ label: 'State/Region' })],
  ['zip', text({ label: 'Postal Code' })],
  ['country', text({ label: 'Country/Region' })],
  ['website', text({ label: 'Website URL' })],
  ['fax', text({ label: 'Fax Number' })],
  ['salutation', text()],
  ['twitterhandle', text({ label: 'Twitter Username' })],
  ['industry', text()],
  ['annualrevenue', text({ label: 'Annual Revenue' })],
  ['date_of_birth', text({ label: 'Date of birth' })],
  ['message', { type: 'string', fieldType: 'textarea' }],
  ['numemployees', { type: 'enumeration', fieldType: 'select', label: 'Number of Employees', options: [['1-5', '1-5'], ['5-25', '5-25'], ['25-50', '25-50'], ['50-100', '50-100'], ['100-500', '100-500'], ['500-1000', '500-1000'], ['1000+', '1000+']] }],
  ['lifecyclestage', { type: 'enumeration', fieldType: 'radio', label: 'Lifecycle Stage', options: LIFECYCLE }],
  ['hs_lead_status', { type: 'enumeration', fieldType: 'radio', label: 'Lead Status', options: ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'] }],
  ['hubspot_owner_id', { type: 'enumeration', fieldType: 'select', label: 'Contact owner', options: [['1001', 'Ada Owner'], ['1002', 'Bob Owner']] }],
  ['createdate', { type: 'datetime', fieldType: 'date', label: 'Create Date', readOnly: true }],
  ['lastmodifieddate', { type: 'datetime', fieldType: 'date', label: 'Last Modified Date', readOnly: true }],
  ['hs_object_id', { type: 'number', fieldType: 'number', label: 'Record ID', readOnly: true, calculated: true }],
  ['hs_email_domain', text({ label: 'Email Domain', readOnly: true })],
  ['num_associated_deals', { type: 'number', fieldType: 'number', label: 'Number of Associated Deals', readOnly: true, calculated: true }],
  ['notes_last_updated', { type: 'datetime', fieldType: 'date', label: 'Last Activity Date', readOnly: true }],
  // custom properties, one of every type
  ['favorite_color', text({ custom: true })],
  ['plan_tier', { type: 'enumeration', fieldType: 'select', custom: true, options: [['free', 'Free'], ['pro', 'Pro'], ['enterprise', 'Enterprise']] }],
  ['trial_end', { type: 'date', fieldType: 'date', custom: true }],
  ['last_login', { type: 'datetime', fieldType: 'date', custom: true }],
  ['seats', { type: 'number', fieldType: 'number', custom: true }],
  ['is_paying', { type: 'bool', fieldType: 'booleancheckbox', custom: true, options: [['true', 'Yes'], ['false', 'No']] }],
  ['interests', { type: 'enumeration', fieldType: 'checkbox', custom: true, options: [['sports', 'Sports'], ['music', 'Music'], ['travel', 'Travel'], ['tech', 'Tech']] }],
  ['external_id', text({ custom: true, unique: true, label: 'External ID' })],
];

const COMPANY_PROPERTIES: Array<[string, PropSpec]> = [
  ['name', text({ label: 'Company name' })],
  ['domain', text({ label: 'Company Domain Name' })],
  ['website', text({ label: 'Website URL' })],
  ['phone', text({ label: 'Phone Number' })],
  ['address', text({ label: 'Street Address' })],
  ['city', text()],
  ['state', text({ label: 'State/Region' })],
  ['zip', text({ label: 'Postal Code' })],
  ['country', text({ label: 'Country/Region' })],
  ['description', { type: 'string', fieldType: 'textarea' }],
  ['hs_additional_domains', text({ label: 'Additional Domains' })],
  ['numberofemployees', { type: 'number', fieldType: 'number', label: 'Number of Employees' }],
  ['annualrevenue', { type: 'number', fieldType: 'number', label: 'Annual Revenue' }],
  ['industry', { type: 'enumeration', fieldType: 'select', options: ['ACCOUNTING', 'COMPUTER_SOFTWARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'INTERNET', 'FINANCIAL_SERVICES', 'MARKETING_AND_ADVERTISING', 'RETAIL', 'HOSPITAL_HEALTH_CARE'] }],
  ['lifecyclestage', { type: 'enumeration', fieldType: 'radio', label: 'Lifecycle Stage', options: LIFECYCLE }],
  ['type', { type: 'enumeration', fieldType: 'select', options: ['PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER'] }],
  ['createdate', { type: 'datetime', fieldType: 'date', label: 'Create Date', readOnly: true }],
  ['hs_lastmodifieddate', { type: 'datetime', fieldType: 'date', label: 'Last Modified Date', readOnly: true }],
  ['hs_object_id', { type: 'number', fieldType: 'number', label: 'Record ID', readOnly: true, calculated: true }],
  ['hs_merged_object_ids', text({ label: 'Merged Company IDs', readOnly: true })],
  // custom properties
  ['plan', { type: 'enumeration', fieldType: 'select', custom: true, options: [['starter', 'Starter'], ['growth', 'Growth'], ['scale', 'Scale']] }],
  ['mrr', { type: 'number', fieldType: 'number', custom: true, label: 'MRR' }],
  ['founded_on', { type: 'date', fieldType: 'date', custom: true }],
];

/** A fresh copy of the emulator's default catalog, in the properties API's JSON shape. */
export function defaultEmulatorCatalog(): CatalogInput {
  return {
    contacts: { results: CONTACT_PROPERTIES.map(([name, spec], i) => property(name, spec, i)) },
    companies: { results: COMPANY_PROPERTIES.map(([name, spec], i) => property(name, spec, i)) },
  };
}

/** The default catalog as HubSpot holds it after `change` (a property removed, a unique one added). */
export function catalogWith(change: (catalog: CatalogInput) => void): CatalogInput {
  const catalog = defaultEmulatorCatalog();
  change(catalog);
  return catalog;
}

/** Lookup over one object type's properties. */
export class Catalog {
  private readonly byName = new Map<string, HubSpotPropertyJson>();

  constructor(readonly results: HubSpotPropertyJson[]) {
    for (const p of results) this.byName.set(p.name, p);
  }

  /** A property created through the API. */
  add(p: HubSpotPropertyJson): void {
    this.results.push(p);
    this.byName.set(p.name, p);
  }

  /** Groups created through the API, besides those in use. */
  private readonly createdGroups = new Map<string, string>();

  /** Property groups: the object's default one, those in use, those created (a new property must name one). */
  groups(defaultGroup?: string): Set<string> {
    const inUse = this.results.map((p) => p.groupName).filter((g): g is string => g !== undefined);
    return new Set([...(defaultGroup ? [defaultGroup] : []), ...inUse, ...this.createdGroups.keys()]);
  }

  addGroup(name: string, label: string): void {
    this.createdGroups.set(name, label);
  }

  get(name: string): HubSpotPropertyJson | undefined {
    return this.byName.get(name);
  }

  isReadOnly(p: HubSpotPropertyJson): boolean {
    return p.modificationMetadata?.readOnlyValue === true || p.calculated === true;
  }

  /** Properties that can serve as `idProperty`: custom properties with `hasUniqueValue`. */
  isUnique(name: string): boolean {
    return this.byName.get(name)?.hasUniqueValue === true;
  }

  uniqueNames(): string[] {
    return this.results.filter((p) => p.hasUniqueValue === true).map((p) => p.name);
  }
}
