// Account info and the properties catalog: read all, read one, create one.

import type { ApiRequest, ApiResponse, CrmKind, EmulatorCore, RouteDef } from './core.js';
import { BODIES } from './bodies.js';
import { envelope, isObject, notFoundError, validationError } from './errors.js';
import type { HubSpotPropertyJson } from './types.js';

/** HubSpot allows at most this many unique-value properties per object type. */
export const MAX_UNIQUE_PROPERTIES = 10;
const TYPES = new Set(['bool', 'date', 'datetime', 'enumeration', 'number', 'phone_number', 'string']);
const FIELD_TYPES: Record<string, string[]> = {
  string: ['text', 'textarea', 'html', 'file'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  bool: ['booleancheckbox'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  phone_number: ['phonenumber'],
};

function offsetString(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function details(_req: ApiRequest, core: EmulatorCore): ApiResponse {
  const offset = core.limiter.offsetAt(core.now());
  return {
    status: 200,
    body: {
      portalId: core.portalId,
      accountType: 'STANDARD',
      timeZone: core.timeZone,
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: offsetString(offset),
      utcOffsetMilliseconds: offset,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    },
  };
}

function dailyUsage(_req: ApiRequest, core: EmulatorCore): ApiResponse {
  return {
    status: 200,
    body: {
      results: [
        {
          name: 'private-apps-api-calls-daily',
          usageLimit: core.limiter.config.daily,
          currentUsage: core.limiter.dailyUsed,
          collectedAt: core.iso(),
          fetchStatus: 'SUCCESS',
          resetsAt: core.iso(core.limiter.resetsAt()),
        },
      ],
    },
  };
}

function properties(req: ApiRequest, kind: CrmKind): ApiResponse {
  const archived = req.query.get('archived') ?? 'false';
  if (archived !== 'true' && archived !== 'false') throw validationError(`Invalid value for archived: ${archived}`);
  const sensitivity = req.query.get('dataSensitivity') ?? 'non_sensitive';
  if (!['non_sensitive', 'sensitive', 'highly_sensitive'].includes(sensitivity)) {
    throw validationError(`Invalid value for dataSensitivity: ${sensitivity}. Use non_sensitive, sensitive or highly_sensitive.`);
  }
  const results = archived === 'true' ? [] : kind.catalog.results.filter((p) => (p.dataSensitivity ?? 'non_sensitive') === sensitivity);
  return { status: 200, body: { results: structuredClone(results) } };
}

function oneProperty(req: ApiRequest, kind: CrmKind): ApiResponse {
  const name = req.params.propertyName ?? '';
  const p = kind.catalog.get(name);
  if (!p) throw notFoundError(`Unable to find property ${name} on object type ${kind.objectTypeId}`);
  return { status: 200, body: structuredClone(p) };
}

/** POST /crm/properties/<version>/{object}: a custom property, checked as HubSpot checks it. */
function createProperty(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const body = req.body;
  if (!isObject(body)) throw validationError('Invalid input JSON: the body must be an object');
  for (const field of ['name', 'label', 'type', 'fieldType', 'groupName']) {
    if (typeof body[field] !== 'string' || body[field] === '') throw validationError(`Invalid input JSON: "${field}" is required`, { context: { [field]: ['required'] } });
  }
  const [name, label, type, fieldType, groupName] = ['name', 'label', 'type', 'fieldType', 'groupName'].map((field) => body[field] as string) as [string, string, string, string, string];
  if (!/^[a-z][a-z0-9_]*$/.test(name) || name.length > 100) {
    throw validationError(`Property name ${name} is invalid: use lowercase letters, digits and underscores, starting with a letter (at most 100 characters).`);
  }
  if (name.startsWith('hs_')) throw validationError(`Property name ${name} is invalid: names starting with hs_ are reserved for HubSpot.`);
  if (!TYPES.has(type)) throw validationError(`Invalid type ${type}. Allowed: ${[...TYPES].join(', ')}`);
  if (!(FIELD_TYPES[type] ?? []).includes(fieldType)) throw validationError(`Field type ${fieldType} is not valid for a property of type ${type}.`);
  const defaultGroup = kind.type === 'companies' ? 'companyinformation' : 'contactinformation';
  if (groupName !== defaultGroup && !kind.catalog.groups().has(groupName)) throw validationError(`Property group ${groupName} does not exist.`);
  if (kind.catalog.get(name)) {
    throw envelope(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, { context: { name: [name] } });
  }
  const unique = body.hasUniqueValue === true;
  if (body.hasUniqueValue !== undefined && typeof body.hasUniqueValue !== 'boolean') throw validationError('Invalid input JSON: "hasUniqueValue" must be a boolean');
  if (unique && kind.catalog.uniqueNames().length >= MAX_UNIQUE_PROPERTIES) {
    throw validationError(`You can have at most ${MAX_UNIQUE_PROPERTIES} unique value properties on object type ${kind.objectTypeId}; this portal already has ${MAX_UNIQUE_PROPERTIES}.`);
  }
  const options = Array.isArray(body.options) ? (body.options as HubSpotPropertyJson['options']) : [];
  if (type === 'enumeration' && (options ?? []).length === 0) throw validationError('An enumeration property needs "options".');
  const iso = core.iso();
  const property: HubSpotPropertyJson = {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: typeof body.description === 'string' ? body.description : '',
    displayOrder: -1,
    options: options ?? [],
    hasUniqueValue: unique,
    hidden: false,
    hubspotDefined: false,
    calculated: false,
    externalOptions: false,
    formField: body.formField === true,
    dataSensitivity: 'non_sensitive',
    createdAt: iso,
    updatedAt: iso,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
  };
  kind.catalog.add(property);
  core.state.version++;
  return { status: 201, body: structuredClone(property) };
}

export const accountRoutes: RouteDef[] = [
  { method: 'GET', api: 'account-info', path: 'details', rate: 'standard', handler: details },
  { method: 'GET', api: 'account-info', path: 'api-usage/daily/private-apps', rate: 'standard', handler: dailyUsage },
  {
    method: 'GET',
    api: 'crm-properties',
    path: 'contacts',
    scopes: { anyOf: ['crm.objects.contacts.read', 'crm.schemas.contacts.read'] },
    rate: 'standard',
    handler: (req, core) => properties(req, core.contacts),
  },
  {
    method: 'GET',
    api: 'crm-properties',
    path: 'companies',
    scopes: { anyOf: ['crm.objects.companies.read', 'crm.schemas.companies.read'] },
    rate: 'standard',
    handler: (req, core) => properties(req, core.companies),
  },
  {
    method: 'GET',
    api: 'crm-properties',
    path: 'companies/{propertyName}',
    scopes: { anyOf: ['crm.objects.companies.read', 'crm.schemas.companies.read'] },
    rate: 'standard',
    handler: (req, core) => oneProperty(req, core.companies),
  },
  {
    method: 'POST',
    api: 'crm-properties',
    path: 'companies',
    body: BODIES.propertyCreate,
    scopes: { allOf: ['crm.schemas.companies.write'] },
    rate: 'standard',
    handler: (req, core) => createProperty(req, core, core.companies),
  },
];
