// HubSpot's default contact and company properties (docs/hubspot.md#default-properties), for offline
// dry runs that have neither a token nor a saved catalog. Custom properties of a real
// portal are unknown here, so a dry run with this catalog drops and counts them.

import { Catalog } from './catalog.js';
import type { CatalogDocument, HubSpotProperty, PropertyOption } from './types.js';

function property(
  name: string,
  label: string,
  type: string,
  fieldType: string,
  groupName: string,
  extra: Partial<HubSpotProperty> = {},
): HubSpotProperty {
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    options: [],
    calculated: false,
    hubspotDefined: true,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false },
    ...extra,
  };
}

const text = (name: string, label: string, group: string): HubSpotProperty => property(name, label, 'string', 'text', group);

const readOnly = (name: string, label: string, type: string, fieldType: string, group: string, calculated = false): HubSpotProperty =>
  property(name, label, type, fieldType, group, {
    calculated,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: true },
  });

function options(pairs: ReadonlyArray<readonly [value: string, label: string]>): PropertyOption[] {
  return pairs.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));
}

const enumeration = (
  name: string,
  label: string,
  fieldType: string,
  group: string,
  pairs: ReadonlyArray<readonly [string, string]>,
): HubSpotProperty => property(name, label, 'enumeration', fieldType, group, { options: options(pairs) });

const LIFECYCLE_STAGES = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
] as const;

const LEAD_STATUSES = [
  ['NEW', 'New'],
  ['OPEN', 'Open'],
  ['IN_PROGRESS', 'In Progress'],
  ['OPEN_DEAL', 'Open Deal'],
  ['UNQUALIFIED', 'Unqualified'],
  ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'],
  ['CONNECTED', 'Connected'],
  ['BAD_TIMING', 'Bad Timing'],
] as const;

const EMPLOYEE_RANGES = [
  ['1-5', '1-5'],
  ['5-25', '5-25'],
  ['25-50', '25-50'],
  ['50-100', '50-100'],
  ['100-500', '100-500'],
  ['500-1000', '500-1000'],
  ['1000+', '1000+'],
] as const;

// A subset of HubSpot's LinkedIn-style industry list (the full list has ~150 values).
const INDUSTRIES = [
  ['ACCOUNTING', 'Accounting'],
  ['AIRLINES_AVIATION', 'Airlines/Aviation'],
  ['APPAREL_FASHION', 'Apparel & Fashion'],
  ['AUTOMOTIVE', 'Automotive'],
  ['BANKING', 'Banking'],
  ['BIOTECHNOLOGY', 'Biotechnology'],
  ['COMPUTER_HARDWARE', 'Computer Hardware'],
  ['COMPUTER_SOFTWARE', 'Computer Software'],
  ['CONSTRUCTION', 'Construction'],
  ['CONSUMER_GOODS', 'Consumer Goods'],
  ['EDUCATION_MANAGEMENT', 'Education Management'],
  ['FINANCIAL_SERVICES', 'Financial Services'],
  ['FOOD_BEVERAGES', 'Food & Beverages'],
  ['HOSPITAL_HEALTH_CARE', 'Hospital & Health Care'],
  ['INFORMATION_TECHNOLOGY_AND_SERVICES', 'Information Technology and Services'],
  ['INSURANCE', 'Insurance'],
  ['INTERNET', 'Internet'],
  ['MANAGEMENT_CONSULTING', 'Management Consulting'],
  ['MARKETING_AND_ADVERTISING', 'Marketing and Advertising'],
  ['NONPROFIT_ORGANIZATION_MANAGEMENT', 'Nonprofit Organization Management'],
  ['REAL_ESTATE', 'Real Estate'],
  ['RETAIL', 'Retail'],
  ['TELECOMMUNICATIONS', 'Telecommunications'],
] as const;

const COMPANY_TYPES = [
  ['PROSPECT', 'Prospect'],
  ['PARTNER', 'Partner'],
  ['RESELLER', 'Reseller'],
  ['VENDOR', 'Vendor'],
  ['OTHER', 'Other'],
] as const;

// Owners are portal-specific; HubSpot resolves their options itself.
const owner = (): HubSpotProperty =>
  property('hubspot_owner_id', 'Contact owner', 'enumeration', 'select', 'sales_properties', { externalOptions: true });

function contactProperties(): HubSpotProperty[] {
  const info = 'contactinformation';
  return [
    text('email', 'Email', info),
    text('firstname', 'First Name', info),
    text('lastname', 'Last Name', info),
    property('phone', 'Phone Number', 'string', 'phonenumber', info),
    property('mobilephone', 'Mobile Phone Number', 'string', 'phonenumber', info),
    text('company', 'Company Name', info),
    text('jobtitle', 'Job Title', info),
    text('address', 'Street Address', info),
    text('city', 'City', info),
    text('state', 'State/Region', info),
    text('zip', 'Postal Code', info),
    text('country', 'Country/Region', info),
    text('website', 'Website URL', info),
    text('fax', 'Fax Number', info),
    text('salutation', 'Salutation', info),
    text('twitterhandle', 'Twitter Username', 'socialmediainformation'),
    text('industry', 'Industry', info),
    text('annualrevenue', 'Annual Revenue', info),
    text('date_of_birth', 'Date of birth', info),
    property('message', 'Message', 'string', 'textarea', info),
    enumeration('numemployees', 'Number of Employees', 'select', info, EMPLOYEE_RANGES),
    enumeration('lifecyclestage', 'Lifecycle Stage', 'radio', info, LIFECYCLE_STAGES),
    enumeration('hs_lead_status', 'Lead Status', 'radio', 'sales_properties', LEAD_STATUSES),
    owner(),
    readOnly('createdate', 'Create Date', 'datetime', 'date', info),
    readOnly('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', info),
    readOnly('hs_object_id', 'Record ID', 'number', 'number', info, true),
    readOnly('hs_email_domain', 'Email Domain', 'string', 'text', info),
    readOnly('num_associated_deals', 'Number of Associated Deals', 'number', 'number', 'deal_information', true),
    readOnly('notes_last_updated', 'Last Activity Date', 'datetime', 'date', 'sales_properties'),
  ];
}

function companyProperties(): HubSpotProperty[] {
  const info = 'companyinformation';
  return [
    text('name', 'Company name', info),
    text('domain', 'Company Domain Name', info),
    text('website', 'Website URL', info),
    property('phone', 'Phone Number', 'string', 'phonenumber', info),
    text('address', 'Street Address', info),
    text('city', 'City', info),
    text('state', 'State/Region', info),
    text('zip', 'Postal Code', info),
    text('country', 'Country/Region', info),
    property('description', 'Description', 'string', 'textarea', info),
    property('hs_additional_domains', 'Additional Domains', 'string', 'text', info),
    property('numberofemployees', 'Number of Employees', 'number', 'number', info),
    property('annualrevenue', 'Annual Revenue', 'number', 'number', info),
    enumeration('industry', 'Industry', 'select', info, INDUSTRIES),
    enumeration('lifecyclestage', 'Lifecycle Stage', 'radio', info, LIFECYCLE_STAGES),
    enumeration('type', 'Type', 'select', info, COMPANY_TYPES),
    { ...owner(), label: 'Company owner' },
    readOnly('createdate', 'Create Date', 'datetime', 'date', info),
    readOnly('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', info),
    readOnly('hs_object_id', 'Record ID', 'number', 'number', info, true),
  ];
}

/** The default properties in the properties API's shape; a fresh copy per call. */
export function defaultCatalogDocument(): CatalogDocument {
  return { contacts: { results: contactProperties() }, companies: { results: companyProperties() } };
}

let shared: Catalog | undefined;

/** The built-in catalog of HubSpot's default properties (one shared, read-only instance). */
export function defaultCatalog(): Catalog {
  shared ??= Catalog.fromDocument(defaultCatalogDocument());
  return shared;
}
