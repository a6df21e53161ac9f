// CRM batch endpoints shared by contacts and companies: batch/create, batch/read,
// batch/update, batch/upsert, with HubSpot's whole-batch 400s, the objectWriteTraceId
// exception (per-input errors: a 207 in 2026-03, the usual status from 2026-09),
// duplicate-id checks and unordered results.

import type { ApiRequest, ApiResponse, CrmKind, EmulatorCore } from './core.js';
import { asIdString, batchError, conflictError, envelope, isObject, validationError, type ApiError } from './errors.js';
import { scramble } from './random.js';
import { BEHAVIOUR, type ApiVersion } from './versions.js';
import type { CrmRecord } from './state.js';
import {
  invalidEmailMessage,
  isValidEmail,
  propertyErrorDetails,
  propertyValuesMessage,
  validateProperties,
  validateValue,
  type PropertyProblem,
} from './values.js';

export const MAX_BATCH = 100;

/** The `inputs` of a batch body: an array of objects, at most `max`. */
export function readInputs(body: unknown, max = MAX_BATCH): Array<Record<string, unknown>> {
  if (!isObject(body) || !Array.isArray(body.inputs)) {
    throw validationError('Invalid input JSON: the body must be an object with an "inputs" array', { context: { inputs: ['required'] } });
  }
  const inputs = body.inputs as unknown[];
  if (inputs.length > max) {
    throw validationError(`Too many inputs: ${inputs.length}. A batch accepts at most ${max} inputs.`, {
      context: { inputs: [String(inputs.length)], maxInputs: [String(max)] },
    });
  }
  return inputs.map((input, i) => {
    if (!isObject(input)) throw validationError(`Invalid input JSON: inputs[${i}] must be an object`);
    return input;
  });
}

/** True when every input carries its own objectWriteTraceId: failures are then reported per input (207). */
export function everyInputTraced(inputs: Array<Record<string, unknown>>): boolean {
  const ids = inputs.map((i) => i.objectWriteTraceId);
  return ids.length > 0 && ids.every((id) => typeof id === 'string' && id !== '') && new Set(ids).size === ids.length;
}

/** 400 "Duplicate IDs found in batch input: [...]" when a key repeats. `shown` is the id as given. */
export function assertNoDuplicates(keys: Array<{ key: string; shown: string }>): void {
  const seen = new Set<string>();
  const dups = new Map<string, string>();
  for (const { key, shown } of keys) {
    if (seen.has(key) && !dups.has(key)) dups.set(key, shown);
    seen.add(key);
  }
  if (dups.size === 0) return;
  const ids = [...dups.values()];
  throw validationError(`Duplicate IDs found in batch input: [${ids.join(', ')}]. IDs must be unique`, { context: { ids } });
}

function readProperties(input: Record<string, unknown>, index: number): Record<string, unknown> {
  if (input.properties === undefined) throw validationError(`Invalid input JSON: inputs[${index}].properties is required`);
  if (!isObject(input.properties)) throw validationError(`Invalid input JSON: inputs[${index}].properties must be an object of property values`);
  return input.properties;
}

function readId(input: Record<string, unknown>, index: number): string {
  const id = asIdString(input.id);
  if (id === undefined || id === '') throw validationError(`Invalid input JSON: inputs[${index}].id is required`);
  return id;
}

/** The error for an idProperty that is not a unique property. */
export function nonUniqueIdProperty(core: EmulatorCore, kind: CrmKind, name: string): ApiError {
  if (kind.type === 'companies' && (name === 'domain' || name === 'name')) {
    return validationError(`Unable to perform update/upsert by non-unique ${kind.objectTypeId} property ${name}`);
  }
  return validationError(`Unable to perform update/upsert by non-unique ${kind.objectTypeId} property ${name} in portal ID ${core.portalId}`);
}

/** Check an idProperty: `email` (contacts), a unique custom property, or (allowIdField) hs_object_id. */
function checkIdProperty(core: EmulatorCore, kind: CrmKind, name: string, allowIdField: boolean): void {
  if (name === 'hs_object_id' && allowIdField) return;
  if (kind.type === 'contacts' && name === 'email') return;
  if (kind.catalog.isUnique(name)) return;
  throw nonUniqueIdProperty(core, kind, name);
}

function readIdProperty(input: Record<string, unknown>, fallback: string | undefined, index: number): string {
  const v = input.idProperty ?? fallback;
  if (v === undefined) return 'hs_object_id';
  if (typeof v !== 'string') throw validationError(`Invalid input JSON: inputs[${index}].idProperty must be a string`);
  return v;
}

/** Canonical form of an id value for its idProperty, or a problem (an invalid email). */
function canonicalIdValue(kind: CrmKind, idProperty: string, id: string): { value: string } | { problem: PropertyProblem } {
  if (idProperty === 'hs_object_id') return { value: id };
  if (kind.type === 'contacts' && idProperty === 'email') {
    const email = id.toLowerCase();
    return isValidEmail(email) ? { value: email } : { problem: { name: 'email', code: 'INVALID_EMAIL', message: invalidEmailMessage(id) } };
  }
  const p = kind.catalog.get(idProperty);
  if (!p) return { value: id };
  const r = validateValue(p, id);
  return r.ok ? { value: r.value } : { problem: { name: idProperty, code: r.code, message: r.message } };
}

interface Plan {
  index: number;
  traceId?: string;
  problems: PropertyProblem[];
  changes: Record<string, string>;
  /** Input property names, for the result. */
  names: string[];
  target?: CrmRecord;
  notFoundId?: string;
}

/**
 * Whole-batch 400 on any invalid value, unless every input is traced: then the failing
 * inputs become 207 errors and the rest go on. Returns those errors.
 */
function settleProblems(core: EmulatorCore, plans: Plan[], traced: boolean): Array<Record<string, unknown>> {
  const failing = plans.filter((p) => p.problems.length > 0);
  if (failing.length === 0) return [];
  if (!traced) {
    const all = failing.flatMap((p) => p.problems);
    throw validationError(propertyValuesMessage(all, core.portalId), { errors: propertyErrorDetails(all) });
  }
  return failing.map((p) =>
    batchError(
      'VALIDATION_ERROR',
      propertyValuesMessage(p.problems, core.portalId),
      { objectWriteTraceId: [p.traceId as string], propertyName: p.problems.map((x) => x.name) },
      { errors: propertyErrorDetails(p.problems) },
    ),
  );
}

/** Unique values (email, hasUniqueValue properties) may not end up on two records: 409. */
function assertNoUniqueConflicts(kind: CrmKind, plans: Plan[]): void {
  const uniques = kind.catalog.uniqueNames();
  if (kind.type === 'contacts') uniques.push('email');
  const claimed = new Map<string, Plan>();
  for (const plan of plans) {
    for (const name of uniques) {
      const value = plan.changes[name];
      if (value === undefined || value === '') continue;
      const holder = kind.store.findBy(name, value);
      if (holder && holder !== plan.target) {
        throw conflictError(`${kind.title} already exists. Existing ID: ${holder.id}`, { context: { ids: [holder.id] } });
      }
      const key = `${name}\u0000${value}`;
      if (claimed.has(key)) {
        throw validationError(`Duplicate IDs found in batch input: [${value}]. IDs must be unique`, { context: { ids: [value] } });
      }
      claimed.set(key, plan);
    }
  }
}

/** lifecyclestage only moves forward: an earlier stage over a later one is ignored (clear it with "" first). */
function forwardOnly(kind: CrmKind, record: CrmRecord | undefined, changes: Record<string, string>): Record<string, string> {
  const next = changes.lifecyclestage;
  const current = record?.properties.lifecyclestage;
  if (next === undefined || next === '' || current === undefined) return changes;
  const options = kind.catalog.get('lifecyclestage')?.options ?? [];
  const rank = (v: string): number => options.find((o) => o.value === v)?.displayOrder ?? -1;
  if (rank(next) >= 0 && rank(current) >= 0 && rank(next) < rank(current)) {
    const kept = { ...changes };
    delete kept.lifecyclestage;
    return kept;
  }
  return changes;
}

/** Apply validated changes: update the target, or create a record. */
function applyPlan(core: EmulatorCore, kind: CrmKind, plan: Plan, t: number): { record: CrmRecord; created: boolean } {
  if (plan.target) {
    kind.store.update(plan.target, forwardOnly(kind, plan.target, plan.changes), t);
    return { record: plan.target, created: false };
  }
  return { record: kind.store.create(plan.changes, t), created: true };
}

/** A record as HubSpot returns it. Write results: known values (and "" for cleared inputs); reads: null for unset. */
export function recordJson(record: CrmRecord, names: Iterable<string>, mode: 'write' | 'read'): Record<string, unknown> {
  const properties: Record<string, string | null> = {};
  for (const name of [...new Set(names)].sort()) {
    const v = record.properties[name];
    if (v !== undefined) properties[name] = v;
    else properties[name] = mode === 'read' ? null : '';
  }
  return {
    id: record.id,
    properties,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
  };
}

function writeResult(kind: CrmKind, record: CrmRecord, plan: Plan): Record<string, unknown> {
  const shown = kind.writeResultProperties.filter((n) => record.properties[n] !== undefined);
  return recordJson(record, [...shown, ...plan.names], 'write');
}

/**
 * A batch answer. With errors, 2026-03 answers 207 Multi-Status where its description
 * lists one (`multiStatus`); 2026-09 never does: the usual status, errors in the body.
 */
export function batchResponse(
  core: EmulatorCore,
  version: ApiVersion,
  t: number,
  okStatus: number,
  results: unknown[],
  errors: unknown[],
  { multiStatus = true } = {},
): ApiResponse {
  const body: Record<string, unknown> = { status: 'COMPLETE', results: scramble(results, core.order) };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  body.startedAt = core.iso(t);
  body.completedAt = core.iso(core.now());
  return { status: errors.length > 0 && multiStatus && BEHAVIOUR[version].multiStatus ? 207 : okStatus, body };
}

function traceOf(input: Record<string, unknown>): string | undefined {
  return typeof input.objectWriteTraceId === 'string' ? input.objectWriteTraceId : undefined;
}

/** Inputs addressed by an id property (upsert, update): read, checked, and no id twice. */
function parseIdInputs(core: EmulatorCore, kind: CrmKind, inputs: Record<string, unknown>[], update: boolean) {
  const parsed = inputs.map((input, index) => {
    const idProperty = readIdProperty(input, undefined, index);
    checkIdProperty(core, kind, idProperty, update);
    return { input, index, idProperty, id: readId(input, index), properties: readProperties(input, index) };
  });
  assertNoDuplicates(parsed.map((p) => ({ key: `${p.idProperty}\u0000${p.idProperty === 'email' ? p.id.toLowerCase() : p.id}`, shown: p.id })));
  return parsed;
}

// ---- endpoints ----

export function batchUpsert(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const t = core.now();
  const inputs = readInputs(req.body);
  const traced = everyInputTraced(inputs) && !core.faults.wholeBatch();
  const parsed = parseIdInputs(core, kind, inputs, false);
  const plans = parsed.map(({ input, index, idProperty, id, properties }): Plan => {
    const canonical = canonicalIdValue(kind, idProperty, id);
    const target = 'value' in canonical ? kind.store.findBy(idProperty, canonical.value) : undefined;
    const { changes, problems } = validateProperties(kind.type, kind.catalog, properties, target?.properties);
    if ('problem' in canonical) problems.unshift(canonical.problem);
    else if (!target) changes[idProperty] = canonical.value;
    return { index, traceId: traceOf(input), problems, changes, names: Object.keys(properties), target };
  });
  const errors = settleProblems(core, plans, traced);
  const valid = plans.filter((p) => p.problems.length === 0);
  assertNoUniqueConflicts(kind, valid);
  const results = valid.map((plan) => {
    const { record, created } = applyPlan(core, kind, plan, t);
    return { ...writeResult(kind, record, plan), new: created };
  });
  return batchResponse(core, req.version, t, 200, results, errors);
}

export function batchCreate(req: ApiRequest, core: EmulatorCore, kind: CrmKind, associate: AssociationHook): ApiResponse {
  const t = core.now();
  const inputs = readInputs(req.body);
  const traced = everyInputTraced(inputs) && core.faults.current.wholeBatchErrors !== true;
  const plans = inputs.map((input, index): Plan => {
    const properties = readProperties(input, index);
    const { changes, problems } = validateProperties(kind.type, kind.catalog, properties, undefined);
    return { index, traceId: traceOf(input), problems, changes, names: Object.keys(properties) };
  });
  if (kind.type === 'contacts') {
    assertNoDuplicates(plans.flatMap((p) => (p.changes.email ? [{ key: p.changes.email, shown: p.changes.email }] : [])));
  }
  const links = inputs.map((input, index) => associate.check(input.associations, index));
  const errors = settleProblems(core, plans, traced);
  const valid = plans.filter((p) => p.problems.length === 0);
  assertNoUniqueConflicts(kind, valid);
  const results = valid.map((plan) => {
    const { record } = applyPlan(core, kind, plan, t);
    for (const otherId of links[plan.index] ?? []) associate.apply(record.id, otherId);
    return writeResult(kind, record, plan);
  });
  return batchResponse(core, req.version, t, 201, results, errors);
}

export function batchUpdate(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const t = core.now();
  const inputs = readInputs(req.body);
  const traced = everyInputTraced(inputs) && !core.faults.wholeBatch();
  const parsed = parseIdInputs(core, kind, inputs, true);
  const plans = parsed.map(({ input, index, idProperty, id, properties }): Plan => {
    const canonical = canonicalIdValue(kind, idProperty, id);
    const target = 'value' in canonical ? kind.store.findBy(idProperty, canonical.value) : undefined;
    const { changes, problems } = validateProperties(kind.type, kind.catalog, properties, target?.properties);
    return { index, traceId: traceOf(input), problems, changes, names: Object.keys(properties), target, notFoundId: target ? undefined : id };
  });
  const errors = settleProblems(core, plans, traced);
  const valid = plans.filter((p) => p.problems.length === 0);
  const missing = valid.filter((p) => p.target === undefined);
  const found = valid.filter((p) => p.target !== undefined);
  assertNoUniqueConflicts(kind, found);
  if (missing.length > 0) {
    const context: Record<string, unknown[]> = { ids: missing.map((p) => p.notFoundId as string) };
    const traces = missing.map((p) => p.traceId).filter((x): x is string => x !== undefined);
    if (traces.length > 0) context.objectWriteTraceId = traces;
    errors.push(batchError('OBJECT_NOT_FOUND', `Could not update some ${kind.upper} objects, they may be deleted or not exist. Check that ids are valid.`, context));
  }
  const results = found.map((plan) => writeResult(kind, applyPlan(core, kind, plan, t).record, plan));
  return batchResponse(core, req.version, t, 200, results, errors);
}

export function batchRead(req: ApiRequest, core: EmulatorCore, kind: CrmKind): ApiResponse {
  const t = core.now();
  const body = req.body;
  const inputs = readInputs(body);
  const top = body as Record<string, unknown>;
  const idProperty = readIdProperty(top, undefined, 0);
  checkIdProperty(core, kind, idProperty, true);
  // The body's shape is checked already (bodies.ts); an empty list asks for the defaults.
  const requested = top.properties as string[];
  const names =
    requested.length === 0
      ? kind.defaultReadProperties
      : [...requested.filter((n) => kind.catalog.get(n)), 'createdate', 'hs_object_id', kind.store.lastModifiedProperty];
  const ids = inputs.map((input, index) => readId(input, index));
  assertNoDuplicates(ids.map((id) => ({ key: idProperty === 'email' ? id.toLowerCase() : id, shown: id })));
  const archived = req.query.get('archived') === 'true';
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const canonical = canonicalIdValue(kind, idProperty, id);
    const record = !archived && 'value' in canonical ? kind.store.findBy(idProperty, canonical.value) : undefined;
    if (record) results.push(recordJson(record, names, 'read'));
    else missing.push(id);
  }
  const errors =
    missing.length > 0
      ? [batchError('OBJECT_NOT_FOUND', `Could not get some ${kind.upper} objects, they may be deleted or not exist. Check that ids are valid.`, { ids: missing })]
      : [];
  return batchResponse(core, req.version, t, 200, results, errors);
}

/** Associations given inline on batch/create (`inputs[].associations`). */
export interface AssociationHook {
  /** Validate an input's associations; returns the ids of the records to associate with. */
  check(associations: unknown, index: number): string[];
  apply(recordId: string, otherId: string): void;
}

/** Inline associations on create: to a record of `other`, with one of the allowed HUBSPOT_DEFINED type ids. */
export function inlineAssociations(other: CrmKind, typeIds: number[], link: (recordId: string, otherId: string) => void): AssociationHook {
  return {
    check(associations, index) {
      if (associations === undefined) return [];
      if (!Array.isArray(associations)) throw validationError(`Invalid input JSON: inputs[${index}].associations must be an array`);
      return associations.map((a: unknown) => {
        const to = isObject(a) && isObject(a.to) ? asIdString(a.to.id) : undefined;
        const types = isObject(a) && Array.isArray(a.types) ? (a.types as unknown[]) : [];
        if (to === undefined) throw validationError(`Invalid input JSON: inputs[${index}].associations[].to.id is required`);
        const typesOk =
          types.length > 0 &&
          types.every((ty) => isObject(ty) && ty.associationCategory === 'HUBSPOT_DEFINED' && typeIds.includes(Number(ty.associationTypeId)));
        if (!typesOk) {
          throw validationError(`Invalid association type for ${other.type}: expected associationCategory HUBSPOT_DEFINED with associationTypeId one of ${typeIds.join(', ')}`);
        }
        if (!other.store.get(to)) {
          throw envelope(400, 'VALIDATION_ERROR', `Could not find ${other.upper} with id ${to} to associate with`, {
            subCategory: 'crm.associations.TO_OBJECT_NOT_FOUND',
            context: { ids: [to] },
          });
        }
        return to;
      });
    },
    apply: link,
  };
}
