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

/** The default property group of an object type, which every portal has. */
function defaultGroup(kind: CrmKind): string {
  return kind.type === 'companies' ? 'companyinformation' : 'contactinformation';
}

/** POST /crm/properties/<version>/{object}: a custom property, checked as HubSpot checks it. */
function createProperty(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const property = checkedProperty(req.body, core, kind, '');
  kind.catalog.add(property);
  core.state.version++;
  return { status: 201, body: structuredClone(property) };
}

/**
 * POST /crm/properties/<version>/{object}/batch/create: every input checked first; one
 * invalid input refuses the batch (400), one existing name too (409, naming it).
 */
function createProperties(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const inputs = (req.body as { inputs: unknown[] }).inputs;
  if (inputs.length > 100) throw validationError(`Batch input too large: at most 100 inputs, got ${inputs.length}`);
  const startedAt = core.iso();
  const seen = new Set<string>();
  const properties = inputs.map((input, index) => {
    const property = checkedProperty(input, core, kind, `inputs[${index}]: `);
    if (seen.has(property.name)) throw validationError(`inputs[${index}]: Property named '${property.name}' appears twice in the batch.`);
    seen.add(property.name);
    return property;
  });
  for (const property of properties) kind.catalog.add(property);
  core.state.version++;
  return { status: 201, body: { status: 'COMPLETE', results: structuredClone(properties), startedAt, completedAt: core.iso() } };
}

function listGroups(kind: CrmKind): ApiResponse {
  const results = [...kind.catalog.groups(defaultGroup(kind))].map((name, displayOrder) => ({ name, label: name, displayOrder, archived: false }));
  return { status: 200, body: { results } };
}

function createGroup(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const body = req.body as { name: string; label: string };
  if (!/^[a-z][a-z0-9_]*$/.test(body.name)) throw validationError(`Property group name ${body.name} is invalid: use lowercase letters, digits and underscores, starting with a letter.`);
  if (kind.catalog.groups(defaultGroup(kind)).has(body.name)) throw envelope(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${body.name}' already exists.`);
  kind.catalog.addGroup(body.name, body.label);
  core.state.version++;
  return { status: 201, body: { name: body.name, label: body.label, displayOrder: -1, archived: false } };
}

/** One property to create, checked as HubSpot checks it (`at` prefixes messages: the batch input). */
function checkedProperty(body: unknown, core: EmulatorCore, kind: CrmKind, at: string): HubSpotPropertyJson {
  if (!isObject(body)) throw validationError(`${at}Invalid input JSON: the body must be an object`);
  for (const field of ['name', 'label', 'type', 'fieldType', 'groupName']) {
    if (typeof body[field] !== 'string' || body[field] === '') throw validationError(`${at}Invalid input JSON: "${field}" is required`, { context: { [field]: ['required'] } });
  }
  const [name, label, type, fieldType, groupName] = ['name', 'label', 'type', 'fieldType', 'groupName'].map((field) => body[field] as string) as [string, string, string, string, string];
  if (!/^[a-z][a-z0-9_]*$/.test(name) || name.length > 100) {
    throw validationError(`${at}Property name ${name} is invalid: use lowercase letters, digits and underscores, starting with a letter (at most 100 characters).`);
  }
  if (name.startsWith('hs_')) throw validationError(`${at}Property name ${name} is invalid: names starting with hs_ are reserved for HubSpot.`);
  if (!TYPES.has(type)) throw validationError(`${at}Invalid type ${type}. Allowed: ${[...TYPES].join(', ')}`);
  if (!(FIELD_TYPES[type] ?? []).includes(fieldType)) throw validationError(`${at}Field type ${fieldType} is not valid for a property of type ${type}.`);
  if (!kind.catalog.groups(defaultGroup(kind)).has(groupName)) throw validationError(`${at}Property group ${groupName} does not exist.`);
  if (kind.catalog.get(name)) {
    throw envelope(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, { context: { name: [name] } });
  }
  const unique = body.hasUniqueValue === true;
  if (body.hasUniqueValue !== undefined && typeof body.hasUniqueValue !== 'boolean') throw validationError('Invalid input JSON: "hasUniqueValue" must be a boolean');
  if (unique && kind.catalog.uniqueNames().length >= MAX_UNIQUE_PROPERTIES) {
    throw validationError(`You can have at most ${MAX_UNIQUE_PROPERTIES} unique value properties on object type ${kind.objectTypeId}; this portal already has ${MAX_UNIQUE_PROPERTIES}.`);
  }
  const options = Array.isArray(body.options) ? (body.options as HubSpotPropertyJson['options']) : [];
  if ((type === 'enumeration' || type === 'bool') && (options ?? []).length === 0) throw validationError(`${at}An ${type} property needs "options".`);
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
  return property;
}

export const accountRoutes: RouteDef[] = [
  { method: 'GET', api: 'account-info', path: 'details', rate: 'standard', handler: details },
  { method: 'GET', api: 'account-info', path: 'api-usage/daily/private-apps', rate: 'standard', handler: dailyUsage },
  // Before `{object}/{propertyName}`: the first route that matches a path serves it.
  ...(['contacts', 'companies'] as const).flatMap((object): RouteDef[] => {
    const kindOf = (core: EmulatorCore) => (object === 'contacts' ? core.contacts : core.companies);
    const write = { allOf: [`crm.schemas.${object}.write`] };
    const read = { anyOf: [`crm.objects.${object}.read`, `crm.schemas.${object}.read`] };
    return [
      { method: 'POST', api: 'crm-properties', path: `${object}/batch/create`, body: BODIES.propertyBatchCreate, scopes: write, rate: 'standard', handler: (req, core) => createProperties(req, core, kindOf(core)) },
      { method: 'GET', api: 'crm-properties', path: `${object}/groups`, scopes: read, rate: 'standard', handler: (_req, core) => listGroups(kindOf(core)) },
      { method: 'POST', api: 'crm-properties', path: `${object}/groups`, body: BODIES.propertyGroupCreate, scopes: write, rate: 'standard', handler: (req, core) => createGroup(req, core, kindOf(core)) },
    ];
  }),
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
  {
    method: 'GET',
    api: 'crm-properties',
    path: 'contacts/{propertyName}',
    scopes: { anyOf: ['crm.objects.contacts.read', 'crm.schemas.contacts.read'] },
    rate: 'standard',
    handler: (req, core) => oneProperty(req, core.contacts),
  },
];
