// Custom behavioral events: event definitions and occurrences.

import { randomUUID } from 'node:crypto';
import { BODIES } from './bodies.js';
import type { ApiRequest, ApiResponse, EmulatorCore, RouteDef } from './core.js';
import { asIdString, conflictError, envelope, isObject, notFoundError, validationError } from './errors.js';
import type { StoredEventDefinition, StoredEventProperty, StoredOccurrence } from './state.js';
import type { EventDefinitionInput, EventPropertyType, HubSpotPropertyOption } from './types.js';
import { canonicalNumber, invalidEmailMessage, isValidEmail, NUMBER_RE, parseDateTime } from './values.js';

const DEFINITIONS_SCOPE = { allOf: ['behavioral_events.event_definitions.read_write'] };
const SEND_SCOPE = { allOf: ['analytics.behavioral_events.send'] };
const BASE = 'event-definitions';
const api = 'custom-events';

export const EVENT_LIMITS = { maxCustomProperties: 50, maxPropertiesPerOccurrence: 50, maxValue: 256, maxUrlValue: 1024, maxBatch: 500, maxName: 50, maxLabel: 100, maxPropertyLabel: 50 };

/** HubSpot's 32 default event properties (all accepted on send; any other `hs_` name is too). */
export const DEFAULT_EVENT_PROPERTIES = [
  'hs_asset_description', 'hs_asset_type', 'hs_browser', 'hs_campaign_id', 'hs_city', 'hs_country', 'hs_device_name', 'hs_device_type',
  'hs_element_class', 'hs_element_id', 'hs_element_text', 'hs_language', 'hs_link_href', 'hs_operating_system', 'hs_operating_version',
  'hs_page_content_type', 'hs_page_id', 'hs_page_title', 'hs_page_url', 'hs_parent_module_id', 'hs_referrer', 'hs_region',
  'hs_screen_height', 'hs_screen_width', 'hs_touchpoint_source', 'hs_tracking_name', 'hs_user_agent', 'hs_utm_campaign',
  'hs_utm_content', 'hs_utm_medium', 'hs_utm_source', 'hs_utm_term',
];

const PROPERTY_TYPES = new Set<EventPropertyType>(['string', 'number', 'enumeration', 'datetime']);
const OBJECT_TYPE_IDS: Record<string, string> = { CONTACT: '0-1', COMPANY: '0-2', DEAL: '0-3', TICKET: '0-5' };
const FIELD_TYPES: Record<EventPropertyType, string> = { string: 'text', number: 'number', enumeration: 'select', datetime: 'date' };

// ---- definitions ----

function checkName(name: unknown, what: string, pattern: RegExp, rule: string): string {
  if (typeof name !== 'string' || name === '') throw validationError(`${what} is required`);
  if (name.length > EVENT_LIMITS.maxName) throw validationError(`${what} "${name}" is longer than ${EVENT_LIMITS.maxName} characters`);
  if (!pattern.test(name)) throw validationError(`${what} "${name}" is invalid: ${rule}`);
  return name;
}

function checkLabel(label: unknown, what: string, max: number): string {
  if (typeof label !== 'string' || label.trim() === '') throw validationError(`${what} is required`);
  if (label.length > max) throw validationError(`${what} "${label}" is longer than ${max} characters`);
  return label;
}

function parseOptions(raw: unknown, name: string): HubSpotPropertyOption[] {
  if (!Array.isArray(raw) || raw.length === 0) throw validationError(`Property "${name}" of type enumeration needs a non-empty "options" array`);
  const options = raw.map((o: unknown, displayOrder) => {
    if (!isObject(o) || typeof o.label !== 'string' || typeof o.value !== 'string' || o.value === '') {
      throw validationError(`Property "${name}" has an invalid option: each needs a "label" and a "value"`);
    }
    return { label: o.label, value: o.value, displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : displayOrder, hidden: o.hidden === true, description: typeof o.description === 'string' ? o.description : '' };
  });
  if (new Set(options.map((o) => o.value)).size !== options.length) throw validationError(`Property "${name}" has duplicate option values`);
  return options;
}

/** Validate one custom event property definition. */
export function parseEventProperty(raw: unknown, at: number): StoredEventProperty {
  if (!isObject(raw)) throw validationError('Invalid property definition: expected an object');
  const name = checkName(raw.name, 'Property name', /^[a-z][a-z0-9_]*$/, 'it must start with a letter and use only lowercase letters, digits and underscores');
  if (name.startsWith('hs_')) throw validationError(`Property name "${name}" is invalid: the hs_ prefix is reserved for HubSpot's default properties`);
  const label = checkLabel(raw.label, `Label of property "${name}"`, EVENT_LIMITS.maxPropertyLabel);
  const type = raw.type;
  if (typeof type !== 'string' || !PROPERTY_TYPES.has(type as EventPropertyType)) {
    throw validationError(`Property "${name}" has an invalid type ${JSON.stringify(type)}: use one of string, number, enumeration, datetime`);
  }
  const options = type === 'enumeration' ? parseOptions(raw.options, name) : [];
  return { name, label, type: type as EventPropertyType, description: typeof raw.description === 'string' ? raw.description : '', options, createdAt: at };
}

/** Validate a definition body (POST …/event-definitions) into a stored definition. */
export function parseDefinition(core: EmulatorCore, raw: unknown): StoredEventDefinition {
  if (!isObject(raw)) throw validationError('Invalid input JSON: the body must be an event definition object');
  const t = core.now();
  const name = checkName(raw.name, 'Event name', /^[a-z][a-z0-9_-]*$/, 'it must start with a letter and use only lowercase letters, digits, "_" and "-"');
  const label = checkLabel(raw.label, 'label', EVENT_LIMITS.maxLabel);
  const primaryObject = raw.primaryObject ?? 'CONTACT';
  if (typeof primaryObject !== 'string' || !(primaryObject in OBJECT_TYPE_IDS || /^2-\d+$/.test(primaryObject))) {
    throw validationError(`Invalid primaryObject ${JSON.stringify(primaryObject)}: use CONTACT, COMPANY, DEAL, TICKET or a custom object type id`);
  }
  const rawProps = raw.propertyDefinitions ?? [];
  if (!Array.isArray(rawProps)) throw validationError('Invalid input JSON: "propertyDefinitions" must be an array');
  if (rawProps.length > EVENT_LIMITS.maxCustomProperties) {
    throw validationError(`Too many properties: ${rawProps.length}. An event may have at most ${EVENT_LIMITS.maxCustomProperties} custom properties.`);
  }
  const properties = rawProps.map((p) => parseEventProperty(p, t));
  const seen = new Set<string>();
  for (const p of properties) {
    if (seen.has(p.name.toLowerCase())) throw validationError(`Duplicate property name "${p.name}"`);
    seen.add(p.name.toLowerCase());
  }
  return {
    id: core.nextDefinitionId(),
    name,
    fullyQualifiedName: `pe${core.portalId}_${name}`,
    label,
    pluralLabel: typeof raw.pluralLabel === 'string' ? raw.pluralLabel : undefined,
    description: typeof raw.description === 'string' ? raw.description : '',
    primaryObject,
    objectTypeId: OBJECT_TYPE_IDS[primaryObject] ?? primaryObject,
    includeDefaultProperties: raw.includeDefaultProperties !== false,
    properties,
    createdAt: t,
    archived: false,
  };
}

export function addDefinition(core: EmulatorCore, input: EventDefinitionInput | Record<string, unknown> | undefined): StoredEventDefinition {
  const def = parseDefinition(core, input);
  if (core.state.eventDefinitions.has(def.name)) {
    throw conflictError(`An event definition with name ${def.name} already exists.`, { context: { name: [def.name] } });
  }
  core.state.eventDefinitions.set(def.name, def);
  core.state.version++;
  return def;
}

function propertyJson(p: StoredEventProperty | string, displayOrder: number): Record<string, unknown> {
  const isDefault = typeof p === 'string';
  const name = isDefault ? p : p.name;
  const type = isDefault ? (name === 'hs_screen_height' || name === 'hs_screen_width' ? 'number' : 'string') : p.type;
  return {
    name,
    label: isDefault ? name.replace(/^hs_/, '').replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()) : p.label,
    type,
    fieldType: FIELD_TYPES[type as EventPropertyType],
    groupName: 'events',
    description: isDefault ? '' : p.description,
    options: isDefault ? [] : p.options,
    displayOrder,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: isDefault,
    calculated: false,
    externalOptions: false,
    formField: false,
    modificationMetadata: { archivable: !isDefault, readOnlyDefinition: isDefault, readOnlyValue: false },
    ...(isDefault ? {} : { createdAt: new Date(p.createdAt).toISOString() }),
  };
}

function definitionJson(def: StoredEventDefinition, includeProperties: boolean): Record<string, unknown> {
  const properties = includeProperties
    ? [...(def.includeDefaultProperties ? DEFAULT_EVENT_PROPERTIES : []), ...def.properties].map((p, i) => propertyJson(p, i))
    : [];
  return {
    id: def.id,
    name: def.name,
    fullyQualifiedName: def.fullyQualifiedName,
    labels: { singular: def.label, plural: def.pluralLabel ?? null },
    description: def.description,
    primaryObject: def.primaryObject,
    objectTypeId: def.objectTypeId,
    trackingType: 'MANUAL',
    properties,
    associations: [],
    archived: def.archived,
    createdAt: new Date(def.createdAt).toISOString(),
  };
}

function definitionByName(core: EmulatorCore, name: string): StoredEventDefinition {
  const def = core.state.eventDefinitions.get(name);
  if (!def) throw notFoundError(`Event with name ${name} does not exist.`, { context: { name: [name] } });
  return def;
}

function listDefinitions(req: ApiRequest, core: EmulatorCore): ApiResponse {
  const q = req.query;
  const limit = Number(q.get('limit') ?? '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validationError(`Invalid limit ${q.get('limit')}: it must be an integer between 1 and 100.`);
  const afterRaw = q.get('after') ?? '0';
  if (!/^\d+$/.test(afterRaw)) throw validationError(`Invalid "after" ${afterRaw}: use the value of paging.next.after`);
  const after = Number(afterRaw);
  const search = (q.get('searchString') ?? '').toLowerCase();
  const sortOrder = (q.get('sortOrder') ?? 'ASC').toUpperCase();
  if (sortOrder !== 'ASC' && sortOrder !== 'DESC') throw validationError(`Invalid sortOrder ${sortOrder}: use ASC or DESC`);
  const include = q.get('includeProperties') === 'true';
  const all = [...core.state.eventDefinitions.values()]
    .filter((d) => search === '' || [d.name, d.label, d.fullyQualifiedName].some((s) => s.toLowerCase().includes(search)))
    .sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
  if (sortOrder === 'DESC') all.reverse();
  const body: Record<string, unknown> = { total: all.length, results: all.slice(after, after + limit).map((d) => definitionJson(d, include)) };
  if (all.length > after + limit) body.paging = { next: { after: String(after + limit), link: `${req.path}?after=${after + limit}` } };
  return { status: 200, body };
}

function addProperty(req: ApiRequest, core: EmulatorCore): ApiResponse {
  const def = definitionByName(core, req.params.eventName ?? '');
  const prop = parseEventProperty(req.body, core.now());
  if (def.properties.some((p) => p.name.toLowerCase() === prop.name.toLowerCase())) {
    throw conflictError(`Property ${prop.name} already exists on event ${def.name}.`, { context: { propertyName: [prop.name] } });
  }
  if (def.properties.length >= EVENT_LIMITS.maxCustomProperties) {
    throw validationError(`Too many properties: event ${def.name} already has ${EVENT_LIMITS.maxCustomProperties} custom properties.`);
  }
  def.properties.push(prop);
  core.state.version++;
  return { status: 201, body: propertyJson(prop, def.properties.length - 1) };
}

// ---- occurrences ----

interface EventProblem {
  message: string;
  code: string;
  context: Record<string, string[]>;
}

const isUrlProperty = (name: string): boolean => ['url', 'referrer', 'link', 'hs_link_href'].includes(name) || /_(url|referrer|link)$/.test(name);

function validateOccurrence(core: EmulatorCore, raw: unknown, index: number | undefined): { problems: EventProblem[]; occurrence?: StoredOccurrence } {
  const problems: EventProblem[] = [];
  const base: Record<string, string[]> = index === undefined ? {} : { index: [String(index)] };
  const problem = (code: string, message: string, context: Record<string, string[]> = {}): void => {
    problems.push({ message, code, context: { ...context, ...base } });
  };
  if (!isObject(raw)) {
    problem('INVALID_INPUT', 'Each event occurrence must be an object');
    return { problems };
  }
  const eventName = raw.eventName;
  if (typeof eventName !== 'string' || eventName === '') {
    problem('MISSING_EVENT_NAME', 'eventName is required');
    return { problems };
  }
  const ctx = { eventName: [eventName] };
  const prefix = `pe${core.portalId}_`;
  const def = eventName.startsWith(prefix) ? core.state.eventDefinitions.get(eventName.slice(prefix.length)) : undefined;
  if (!def) {
    problem('EVENT_NOT_FOUND', `Event with fully qualified name ${eventName} does not exist.`, ctx);
    return { problems };
  }
  const email = raw.email;
  const objectId = raw.objectId === undefined ? undefined : asIdString(raw.objectId);
  const utk = raw.utk;
  if (email !== undefined && (typeof email !== 'string' || !isValidEmail(email.toLowerCase()))) {
    problem('INVALID_EMAIL', invalidEmailMessage(String(email)), ctx);
  }
  if (raw.objectId !== undefined && (objectId === undefined || !/^\d+$/.test(objectId))) problem('INVALID_OBJECT_ID', `objectId ${String(raw.objectId)} is invalid`, ctx);
  if (utk !== undefined && typeof utk !== 'string') problem('INVALID_UTK', 'utk must be a string', ctx);
  if ((email === undefined || email === '') && objectId === undefined && (utk === undefined || utk === '')) {
    problem('MISSING_IDENTIFIER', `Event ${eventName} needs an email, objectId or utk to identify the ${def.primaryObject.toLowerCase()}`, ctx);
  }
  let occurredAt = core.iso();
  if (raw.occurredAt !== undefined) {
    const ms = typeof raw.occurredAt === 'string' || typeof raw.occurredAt === 'number' ? parseDateTime(raw.occurredAt) : undefined;
    if (ms === undefined) problem('INVALID_OCCURRED_AT', `occurredAt ${JSON.stringify(raw.occurredAt)} is invalid: use ISO-8601 or epoch milliseconds`, ctx);
    else occurredAt = new Date(ms).toISOString();
  }
  if (raw.uuid !== undefined && (typeof raw.uuid !== 'string' || raw.uuid === '')) problem('INVALID_UUID', 'uuid must be a non-empty string', ctx);
  const properties: Record<string, string> = {};
  if (!isObject(raw.properties)) {
    problem('INVALID_PROPERTIES', '"properties" is required and must be an object (it may be empty)', ctx);
  } else {
    const entries = Object.entries(raw.properties);
    if (entries.length > EVENT_LIMITS.maxPropertiesPerOccurrence) {
      problem('TOO_MANY_PROPERTIES', `Too many properties: ${entries.length}. An event occurrence may have at most ${EVENT_LIMITS.maxPropertiesPerOccurrence}.`, ctx);
    }
    for (const [name, value] of entries) {
      const pctx = { ...ctx, propertyName: [name] };
      const custom = def.properties.find((p) => p.name === name);
      if (!custom && !name.startsWith('hs_')) {
        problem('PROPERTY_DOESNT_EXIST', `Property ${name} does not exist on event ${eventName}.`, pctx);
        continue;
      }
      const str = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
      if (str === undefined) {
        problem('INVALID_PROPERTY_VALUE', `Property ${name} must be a string, number or boolean`, pctx);
        continue;
      }
      const max = isUrlProperty(name) ? EVENT_LIMITS.maxUrlValue : EVENT_LIMITS.maxValue;
      if (str.length > max) {
        problem('VALUE_TOO_LONG', `Property ${name} value is ${str.length} characters long; the maximum is ${max}.`, pctx);
        continue;
      }
      if (custom?.type === 'number') {
        if (!NUMBER_RE.test(str)) problem('INVALID_NUMBER', `${str} is not a valid number for property ${name}`, pctx);
        else properties[name] = canonicalNumber(str);
      } else if (custom?.type === 'datetime') {
        const ms = parseDateTime(str);
        if (ms === undefined) problem('INVALID_DATETIME', `${str} is not a valid datetime for property ${name}: use ISO-8601 or epoch milliseconds`, pctx);
        else properties[name] = new Date(ms).toISOString();
      } else if (custom?.type === 'enumeration') {
        if (!custom.options.some((o) => o.value === str)) {
          problem('INVALID_OPTION', `${str} was not one of the allowed options: [${custom.options.map((o) => o.value).join(', ')}]`, pctx);
        } else properties[name] = str;
      } else {
        properties[name] = str;
      }
    }
  }
  if (problems.length > 0) return { problems };
  const occurrence: StoredOccurrence = {
    eventName,
    uuid: typeof raw.uuid === 'string' ? raw.uuid : randomUUID(),
    occurredAt,
    properties,
    receivedAt: core.now(),
  };
  if (typeof email === 'string' && email !== '') occurrence.email = email.toLowerCase();
  if (objectId !== undefined) occurrence.objectId = objectId;
  if (typeof utk === 'string' && utk !== '') occurrence.utk = utk;
  return { problems, occurrence };
}

function rejectOccurrences(problems: EventProblem[], batch: boolean): never {
  const first = problems[0]?.message ?? 'invalid event';
  const message = batch ? `${problems.length} problem(s) in the batch; nothing was sent. First: ${first}` : first;
  throw envelope(400, 'VALIDATION_ERROR', message, { errors: problems });
}

function sendOne(req: ApiRequest, core: EmulatorCore): ApiResponse {
  const { problems, occurrence } = validateOccurrence(core, req.body, undefined);
  if (!occurrence) rejectOccurrences(problems, false);
  core.state.storeOccurrence(occurrence);
  return { status: 204 };
}

function sendBatch(req: ApiRequest, core: EmulatorCore): ApiResponse {
  const body = req.body;
  if (!isObject(body) || !Array.isArray(body.inputs)) throw validationError('Invalid input JSON: the body must be an object with an "inputs" array');
  const inputs = body.inputs as unknown[];
  if (inputs.length > EVENT_LIMITS.maxBatch) {
    throw validationError(`Too many inputs: ${inputs.length}. A batch accepts at most ${EVENT_LIMITS.maxBatch} events.`, {
      context: { inputs: [String(inputs.length)], maxInputs: [String(EVENT_LIMITS.maxBatch)] },
    });
  }
  const checked = inputs.map((input, i) => validateOccurrence(core, input, i));
  const problems = checked.flatMap((c) => c.problems);
  if (problems.length > 0) rejectOccurrences(problems, true);
  for (const c of checked) if (c.occurrence) core.state.storeOccurrence(c.occurrence);
  return { status: 204 };
}

export const eventRoutes: RouteDef[] = [
  { method: 'GET', api, path: BASE, scopes: DEFINITIONS_SCOPE, rate: 'standard', enterpriseOnly: true, handler: listDefinitions },
  {
    method: 'GET',
    api,
    path: `${BASE}/{eventName}`,
    scopes: DEFINITIONS_SCOPE,
    rate: 'standard',
    enterpriseOnly: true,
    handler: (req, core) => ({ status: 200, body: definitionJson(definitionByName(core, req.params.eventName ?? ''), true) }),
  },
  {
    method: 'POST',
    api,
    path: BASE,
    body: BODIES.eventDefinition,
    scopes: DEFINITIONS_SCOPE,
    rate: 'standard',
    enterpriseOnly: true,
    handler: (req, core) => ({ status: 201, body: definitionJson(addDefinition(core, req.body as Record<string, unknown>), true) }),
  },
  { method: 'POST', api, path: `${BASE}/{eventName}/property`, body: BODIES.eventProperty, scopes: DEFINITIONS_SCOPE, rate: 'standard', enterpriseOnly: true, handler: addProperty },
  { method: 'POST', api, path: 'send', body: BODIES.eventSend, scopes: SEND_SCOPE, rate: 'exempt', enterpriseOnly: true, handler: sendOne },
  { method: 'POST', api, path: 'send/batch', body: BODIES.eventSendBatch, scopes: SEND_SCOPE, rate: 'exempt', enterpriseOnly: true, handler: sendBatch },
];
