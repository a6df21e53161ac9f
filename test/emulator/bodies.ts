// The request bodies HubSpot accepts, one shape per endpoint, and the check every POST
// body goes through before its handler sees it. The shapes are those of HubSpot's
// published API description for 2026-03 and 2026-09 (the same for the endpoints served
// here), told in our own small vocabulary:
//
// - an object names every field it accepts; any other field is refused;
// - a required field must be present (and not null);
// - `string` means a JSON string: HubSpot's wire format for ids and every property value;
// - `map` is an object of free names to values (`properties: { name: string }`).
//
// Where HubSpot's description marks more as required than the live API enforces (search's
// `after` and `sorts`, a create input's `associations`), the shape follows the live API:
// a client that sends them satisfies both. Search accepts `{}` as HubSpot's docs show.
// What a value means (does the property exist, is the date at midnight) is the handlers'
// business; this only checks the form.
import { isObject, validationError } from './errors.js';

export type Shape =
  | { kind: 'string' }
  | { kind: 'integer' }
  | { kind: 'boolean' }
  | { kind: 'array'; items: Shape }
  | { kind: 'object'; fields: Record<string, Field> }
  | { kind: 'map'; values: Shape }
  | { kind: 'either'; options: Shape[] }
  /** An object whose inside is not checked here. */
  | { kind: 'opaque' };

export interface Field {
  shape: Shape;
  required: boolean;
}

const string: Shape = { kind: 'string' };
const integer: Shape = { kind: 'integer' };
const boolean: Shape = { kind: 'boolean' };
const array = (items: Shape): Shape => ({ kind: 'array', items });
const object = (fields: Record<string, Field>): Shape => ({ kind: 'object', fields });
const map = (values: Shape): Shape => ({ kind: 'map', values });
const either = (...options: Shape[]): Shape => ({ kind: 'either', options });
const opaque: Shape = { kind: 'opaque' };
const required = (shape: Shape): Field => ({ shape, required: true });
const optional = (shape: Shape): Field => ({ shape, required: false });

/** Property values: every one a string. */
const propertyValues = map(string);
const objectRef = object({ id: required(string) });

const upsertInput = object({
  id: required(string),
  idProperty: optional(string),
  objectWriteTraceId: optional(string),
  properties: required(propertyValues),
});

const createInput = object({
  associations: optional(array(object({
    to: required(objectRef),
    types: required(array(object({ associationCategory: required(string), associationTypeId: required(integer) }))),
  }))),
  objectWriteTraceId: optional(string),
  properties: required(propertyValues),
});

const filter = object({
  propertyName: required(string),
  operator: required(string),
  value: optional(string),
  values: optional(array(string)),
  highValue: optional(string),
});

const occurrence = object({
  eventName: required(string),
  email: optional(string),
  objectId: optional(string),
  utk: optional(string),
  // ISO 8601, or epoch milliseconds.
  occurredAt: optional(either(string, integer)),
  uuid: optional(string),
  properties: required(propertyValues),
});

const option = object({
  label: required(string),
  value: required(string),
  displayOrder: optional(integer),
  hidden: optional(boolean),
  description: optional(string),
});

/** A property to create, alone or in a batch create. */
const propertyInput = object({
  name: required(string),
  label: required(string),
  type: required(string),
  fieldType: required(string),
  groupName: required(string),
  description: optional(string),
  displayOrder: optional(integer),
  hasUniqueValue: optional(boolean),
  hidden: optional(boolean),
  formField: optional(boolean),
  options: optional(array(option)),
});

const eventProperty = object({
  label: required(string),
  name: optional(string),
  type: required(string),
  description: optional(string),
  options: optional(array(option)),
});

/** The body of each POST endpoint the stand-in serves. */
export const BODIES = {
  batchUpsert: object({ inputs: required(array(upsertInput)) }),
  batchUpdate: object({ inputs: required(array(upsertInput)) }),
  batchCreate: object({ inputs: required(array(createInput)) }),
  batchRead: object({
    idProperty: optional(string),
    inputs: required(array(object({ id: required(string) }))),
    properties: required(array(string)),
    propertiesWithHistory: required(array(string)),
  }),
  search: object({
    after: optional(string),
    filterGroups: optional(array(object({ filters: required(array(filter)) }))),
    limit: optional(integer),
    properties: optional(array(string)),
    query: optional(string),
    sorts: optional(array(either(string, object({ propertyName: required(string), direction: optional(string) })))),
  }),
  associateDefault: object({ inputs: required(array(object({ from: required(objectRef), to: required(objectRef) }))) }),
  eventSend: occurrence,
  eventSendBatch: object({ inputs: required(array(occurrence)) }),
  eventDefinition: object({
    label: required(string),
    name: optional(string),
    description: optional(string),
    primaryObject: optional(string),
    includeDefaultProperties: required(boolean),
    customMatchingId: optional(opaque),
    propertyDefinitions: required(array(eventProperty)),
  }),
  eventProperty,
  propertyBatchCreate: object({ inputs: required(array(propertyInput)) }),
  propertyGroupCreate: object({ name: required(string), label: required(string), displayOrder: optional(integer) }),
  propertyCreate: propertyInput,
} satisfies Record<string, Shape>;

export interface BodyProblem {
  /** Where: `inputs[3].properties.plan`, or `(body)`. */
  at: string;
  code: 'REQUIRED' | 'UNKNOWN_FIELD' | 'WRONG_TYPE';
  message: string;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a decimal number';
  return `a ${typeof value}`;
}

function expected(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'an array';
    case 'object':
    case 'map':
    case 'opaque':
      return 'an object';
    case 'either':
      return shape.options.map(expected).join(' or ');
  }
}

function fits(shape: Shape, value: unknown): boolean {
  return check(shape, value, '', []);
}

/** Checks `value` against `shape`, adding problems; answers whether it fitted. */
function check(shape: Shape, value: unknown, at: string, problems: BodyProblem[]): boolean {
  const here = at === '' ? '(body)' : at;
  const wrong = (): false => {
    problems.push({ at: here, code: 'WRONG_TYPE', message: `${here} must be ${expected(shape)}, not ${typeName(value)}` });
    return false;
  };
  switch (shape.kind) {
    case 'string':
      return typeof value === 'string' || wrong();
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || wrong();
    case 'boolean':
      return typeof value === 'boolean' || wrong();
    case 'opaque':
      return isObject(value) || wrong();
    case 'either':
      return shape.options.some((option) => fits(option, value)) || wrong();
    case 'array': {
      if (!Array.isArray(value)) return wrong();
      const before = problems.length;
      value.forEach((item, i) => check(shape.items, item, `${at}[${i}]`, problems));
      return problems.length === before;
    }
    case 'map': {
      if (!isObject(value)) return wrong();
      const before = problems.length;
      for (const [name, item] of Object.entries(value)) check(shape.values, item, `${at}.${name}`, problems);
      return problems.length === before;
    }
    case 'object': {
      if (!isObject(value)) return wrong();
      const before = problems.length;
      const prefix = at === '' ? '' : `${at}.`;
      for (const name of Object.keys(value)) {
        if (!(name in shape.fields)) {
          problems.push({ at: `${prefix}${name}`, code: 'UNKNOWN_FIELD', message: `Unrecognized field "${name}"${at === '' ? '' : ` in ${at}`}: it is not one of ${Object.keys(shape.fields).join(', ')}` });
        }
      }
      for (const [name, field] of Object.entries(shape.fields)) {
        const item = value[name];
        if (item === undefined || item === null) {
          if (field.required) problems.push({ at: `${prefix}${name}`, code: 'REQUIRED', message: `${prefix}${name} is required` });
          continue;
        }
        check(field.shape, item, `${prefix}${name}`, problems);
      }
      return problems.length === before;
    }
  }
}

/** The problems of a body, in document order of the shape; none when it fits. */
export function bodyProblems(shape: Shape, body: unknown): BodyProblem[] {
  const problems: BodyProblem[] = [];
  check(shape, body, '', problems);
  return problems;
}

const MAX_LISTED = 20;

/** Throws HubSpot's 400 VALIDATION_ERROR for a body that does not fit its endpoint's shape. */
export function assertBody(shape: Shape, body: unknown): void {
  const problems = bodyProblems(shape, body);
  if (problems.length === 0) return;
  const [first] = problems as [BodyProblem, ...BodyProblem[]];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw validationError(`Invalid input JSON: ${first.message}${more}`, {
    errors: problems.slice(0, MAX_LISTED).map((p) => ({ message: p.message, code: p.code, in: p.at })),
  });
}
