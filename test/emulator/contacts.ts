// Contacts: POST …/objects/<version>/contacts/batch/{upsert,read,create,update}.

import { BODIES } from './bodies.js';
import type { RouteDef } from './core.js';
import { batchCreate, batchRead, batchUpdate, batchUpsert, inlineAssociations } from './crm.js';

const READ = { allOf: ['crm.objects.contacts.read'] };
const WRITE = { allOf: ['crm.objects.contacts.write'] };
const BASE = 'contacts/batch';
const api = 'crm-objects';

export const contactRoutes: RouteDef[] = [
  { method: 'POST', api, path: `${BASE}/upsert`, body: BODIES.batchUpsert, scopes: WRITE, rate: 'standard', handler: (req, core) => batchUpsert(req, core, core.contacts) },
  { method: 'POST', api, path: `${BASE}/read`, body: BODIES.batchRead, scopes: READ, rate: 'standard', handler: (req, core) => batchRead(req, core, core.contacts) },
  {
    method: 'POST',
    api,
    path: `${BASE}/create`,
    body: BODIES.batchCreate,
    scopes: WRITE,
    rate: 'standard',
    handler: (req, core) =>
      batchCreate(req, core, core.contacts, inlineAssociations(core.companies, [279, 1], (contactId, companyId) => core.state.associate(contactId, companyId))),
  },
  { method: 'POST', api, path: `${BASE}/update`, body: BODIES.batchUpdate, scopes: WRITE, rate: 'standard', handler: (req, core) => batchUpdate(req, core, core.contacts) },
];
