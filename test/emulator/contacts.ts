// Contacts: POST /crm/v3/objects/contacts/batch/{upsert,read,create,update} (hubspot-api.md section 3).

import type { RouteDef } from './core.js';
import { batchCreate, batchRead, batchUpdate, batchUpsert, inlineAssociations } from './crm.js';

const READ = { allOf: ['crm.objects.contacts.read'] };
const WRITE = { allOf: ['crm.objects.contacts.write'] };
const BASE = '/crm/v3/objects/contacts/batch';

export const contactRoutes: RouteDef[] = [
  { method: 'POST', path: `${BASE}/upsert`, scopes: WRITE, rate: 'standard', handler: (req, core) => batchUpsert(req, core, core.contacts) },
  { method: 'POST', path: `${BASE}/read`, scopes: READ, rate: 'standard', handler: (req, core) => batchRead(req, core, core.contacts) },
  {
    method: 'POST',
    path: `${BASE}/create`,
    scopes: WRITE,
    rate: 'standard',
    handler: (req, core) =>
      batchCreate(req, core, core.contacts, inlineAssociations(core.companies, [279, 1], (contactId, companyId) => core.state.associate(contactId, companyId))),
  },
  { method: 'POST', path: `${BASE}/update`, scopes: WRITE, rate: 'standard', handler: (req, core) => batchUpdate(req, core, core.contacts) },
];
