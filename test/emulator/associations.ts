// POST …/associations/<version>/contact/company/batch/associate/default.
// Associations are a set: repeating one is idempotent. Only contact→company 279 is listed in
// results (the inverse 280 exists implicitly). Unknown ids are errors in a 200 in every
// version: this endpoint never answers 207.

import { BODIES } from './bodies.js';
import type { ApiRequest, ApiResponse, EmulatorCore, RouteDef } from './core.js';
import { batchResponse, readInputs } from './crm.js';
import { asIdString, batchError, isObject, validationError } from './errors.js';

const SCOPES = { allOf: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write'] };

function endpointId(input: Record<string, unknown>, side: 'from' | 'to', index: number): string {
  const ref = input[side];
  const id = isObject(ref) ? asIdString(ref.id) : undefined;
  if (id === undefined || id === '') throw validationError(`Invalid input JSON: inputs[${index}].${side}.id is required`);
  return id;
}

export function associateDefault(req: ApiRequest, core: EmulatorCore): ApiResponse {
  const t = core.now();
  const inputs = readInputs(req.body);
  const pairs = inputs.map((input, index) => ({ from: endpointId(input, 'from', index), to: endpointId(input, 'to', index) }));
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const { from, to } of pairs) {
    const contact = core.state.contactStore.get(from);
    const company = core.state.companyStore.get(to);
    if (!contact) {
      errors.push(
        batchError('OBJECT_NOT_FOUND', `No contact with ID ${from} exists`, { fromObjectId: [from], ids: [from] }, { subCategory: 'crm.associations.FROM_OBJECT_NOT_FOUND' }),
      );
    }
    if (!company) {
      errors.push(
        batchError('OBJECT_NOT_FOUND', `No company with ID ${to} exists`, { toObjectId: [to], ids: [to] }, { subCategory: 'crm.associations.TO_OBJECT_NOT_FOUND' }),
      );
    }
    if (!contact || !company) continue;
    core.state.associate(from, to);
    results.push({ from: { id: from }, to: { id: to }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 } });
  }
  return batchResponse(core, req.version, t, 200, results, errors, { multiStatus: false });
}

export const associationRoutes: RouteDef[] = [
  {
    method: 'POST',
    api: 'crm-associations',
    path: 'contact/company/batch/associate/default',
    body: BODIES.associateDefault,
    scopes: SCOPES,
    rate: 'no-ten-secondly',
    handler: associateDefault,
  },
];
