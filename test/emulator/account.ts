// Account info and the properties catalog.

import type { ApiRequest, ApiResponse, CrmKind, EmulatorCore, RouteDef } from './core.js';
import { validationError } from './errors.js';

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
];
