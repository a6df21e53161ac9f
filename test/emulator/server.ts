// The HTTP server: routing, and the pipeline every API request goes through —
// fault draw → latency → a proxy's HTML error page → auth (401) → rate limits (429, also
// injected) → injected 5xx and 423 → scopes/tier (403) → JSON body and its shape (400) →
// handler → response (or a destroyed connection, or a body cut short).
// Every route is served in each API version (versions.ts); a path of no version, of the
// wrong family for its version, or a legacy one is a 404.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { accountRoutes } from './account.js';
import { associationRoutes } from './associations.js';
import { missingScopes, unauthenticated } from './auth.js';
import { companyRoutes } from './companies.js';
import { contactRoutes } from './contacts.js';
import { assertBody } from './bodies.js';
import type { EmulatorCore, RouteDef, ServedRoute } from './core.js';
import { ApiError, envelope, isObject, notFoundError, parseJsonBody } from './errors.js';
import { eventRoutes } from './events.js';
import { lockedError, proxyErrorPage, serverError, truncatedJson } from './faults.js';
import { policyLimitError, searchLimitError } from './ratelimit.js';
import type { FaultOptions, RateLimitOptions, RequestLogEntry } from './types.js';
import { API_VERSIONS, familyRoot } from './versions.js';

const DEFINITIONS: RouteDef[] = [...accountRoutes, ...contactRoutes, ...companyRoutes, ...associationRoutes, ...eventRoutes];

/** Every route in every version, with its full path pattern. */
export const ROUTES: ServedRoute[] = API_VERSIONS.flatMap((version) =>
  DEFINITIONS.map((route) => ({ ...route, version, path: `${familyRoot(route.api, version)}/${route.path}` })),
);

export function matchRoute(method: string, pathname: string): { route: ServedRoute; params: Record<string, string> } | undefined {
  const segments = pathname.split('/');
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i] as string;
      const s = segments[i] as string;
      if (p.startsWith('{') && p.endsWith('}')) {
        if (s === '') ok = false;
        else {
          try {
            params[p.slice(1, -1)] = decodeURIComponent(s);
          } catch {
            ok = false;
          }
        }
      } else if (p !== s) ok = false;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

/** Out-of-process inspection and control (`/_emulator/*`): no auth, not counted, no faults. */
export interface ControlHooks {
  snapshot(): unknown;
  stats(): unknown;
  requests(): RequestLogEntry[];
  setFaults(f: FaultOptions): void;
  setRateLimit(r: RateLimitOptions): void;
  /** `{"revoke": token, "afterRequests"?: n}` or `{"grant": token, "scopes"?: [...]}`. */
  setTokens(t: TokenControl): void;
  /** Deletes a company (HubSpot's archive): its id answers OBJECT_NOT_FOUND from then on. */
  deleteCompany(id: string): void;
  /** Merges `objectIdToMerge` into `primaryObjectId`, as HubSpot's merge does. */
  mergeCompanies(primaryObjectId: string, objectIdToMerge: string): void;
}

export interface TokenControl {
  revoke?: string;
  afterRequests?: number;
  grant?: string;
  scopes?: string[];
}

function tokenControl(body: Record<string, unknown>): TokenControl {
  const { revoke, afterRequests, grant, scopes } = body;
  const ok =
    (revoke === undefined || typeof revoke === 'string') &&
    (afterRequests === undefined || (Number.isInteger(afterRequests) && (afterRequests as number) >= 0)) &&
    (grant === undefined || typeof grant === 'string') &&
    (scopes === undefined || (Array.isArray(scopes) && scopes.every((x) => typeof x === 'string'))) &&
    (revoke !== undefined || grant !== undefined);
  if (!ok) throw envelope(400, 'VALIDATION_ERROR', 'Expected {"revoke": token, "afterRequests"?: n} or {"grant": token, "scopes"?: [...]}');
  return body as TokenControl;
}

interface Outcome {
  status: number;
  body?: unknown;
  headers: Record<string, string>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, correlationId: string, outcome: Outcome): void {
  if (res.destroyed) return;
  res.setHeader('X-HubSpot-Correlation-Id', correlationId);
  for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
  if (outcome.body === undefined) {
    res.writeHead(outcome.status);
    res.end();
    return;
  }
  const text = JSON.stringify(outcome.body);
  res.writeHead(outcome.status, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A proxy's error page: HTML, no HubSpot headers, no correlation id. */
function sendHtml(res: http.ServerResponse, status: number): void {
  if (res.destroyed) return;
  const text = proxyErrorPage(status);
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A JSON answer whose body was cut short on the way (the status and headers arrived). */
function sendTruncated(res: http.ServerResponse, correlationId: string, outcome: Outcome): void {
  if (res.destroyed) return;
  const text = truncatedJson(JSON.stringify(outcome.body));
  res.setHeader('X-HubSpot-Correlation-Id', correlationId);
  for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
  res.writeHead(outcome.status, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function fromError(e: unknown, correlationId: string, headers: Record<string, string>): Outcome {
  if (e instanceof ApiError) return { status: e.status, body: e.build(correlationId), headers: { ...headers, ...e.headers } };
  console.error('[hubspot-emulator] internal error:', e);
  return { status: 500, body: envelope(500, 'INTERNAL_ERROR', 'internal error').build(correlationId), headers };
}

function control(pathname: string, method: string, rawBody: string, hooks: ControlHooks, correlationId: string): Outcome {
  try {
    if (method === 'GET' && pathname === '/_emulator/state') return { status: 200, body: hooks.snapshot(), headers: {} };
    if (method === 'GET' && pathname === '/_emulator/stats') return { status: 200, body: hooks.stats(), headers: {} };
    if (method === 'GET' && pathname === '/_emulator/requests') return { status: 200, body: hooks.requests(), headers: {} };
    if (method === 'POST' && (pathname === '/_emulator/faults' || pathname === '/_emulator/rate-limit' || pathname === '/_emulator/tokens')) {
      const body = parseJsonBody(rawBody);
      if (!isObject(body)) throw envelope(400, 'VALIDATION_ERROR', 'Expected a JSON object');
      if (pathname === '/_emulator/faults') hooks.setFaults(body as FaultOptions);
      else if (pathname === '/_emulator/tokens') hooks.setTokens(tokenControl(body));
      else hooks.setRateLimit(body as RateLimitOptions);
      return { status: 200, body: { ok: true }, headers: {} };
    }
    if (method === 'POST' && pathname === '/_emulator/companies/delete') {
      const body = parseJsonBody(rawBody);
      if (!isObject(body) || typeof body.id !== 'string') throw envelope(400, 'VALIDATION_ERROR', 'Expected {"id": "<company id>"}');
      hooks.deleteCompany(body.id);
      return { status: 200, body: { ok: true }, headers: {} };
    }
    if (method === 'POST' && pathname === '/_emulator/companies/merge') {
      const body = parseJsonBody(rawBody);
      if (!isObject(body) || typeof body.primaryObjectId !== 'string' || typeof body.objectIdToMerge !== 'string') {
        throw envelope(400, 'VALIDATION_ERROR', 'Expected {"primaryObjectId": "<id>", "objectIdToMerge": "<id>"}');
      }
      hooks.mergeCompanies(body.primaryObjectId, body.objectIdToMerge);
      return { status: 200, body: { ok: true }, headers: {} };
    }
    throw notFoundError(`Unknown emulator control endpoint: ${method} ${pathname}`);
  } catch (e) {
    return fromError(e, correlationId, {});
  }
}

function tierError(core: EmulatorCore, headers: Record<string, string>): ApiError {
  return missingScopes(
    ['behavioral_events.event_definitions.read_write', 'analytics.behavioral_events.send'],
    `Custom behavioral events require a Marketing Hub Enterprise subscription; portal ${core.portalId} is on the ${core.tier} tier.`,
    headers,
  );
}

async function handle(core: EmulatorCore, hooks: ControlHooks, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const correlationId = randomUUID();
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const rawBody = await readBody(req);
  if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
    send(res, correlationId, control(url.pathname, method, rawBody, hooks, correlationId));
    return;
  }

  const match = matchRoute(method, url.pathname);
  const counters = core.counters;
  const key = `${method} ${match ? match.route.path : url.pathname}`;
  counters.requests.total++;
  counters.requests.byEndpoint[key] = (counters.requests.byEndpoint[key] ?? 0) + 1;

  const fault = core.faults.next(key);
  if (fault.latencyMs > 0) await core.sleep(fault.latencyMs);
  const injected = core.faults.current;
  if (fault.kind === 'html') {
    // The proxy answers before HubSpot sees the request: nothing applied or counted.
    counters.faults.html++;
    sendHtml(res, fault.status);
    return;
  }

  let outcome: Outcome;
  let headers: Record<string, string> = {};
  const versionBefore = core.state.version;
  try {
    if (!match) throw notFoundError(`No route for ${method} ${url.pathname}`);
    const { route, params } = match;
    core.tokens.countRequest();
    const token = core.tokens.authenticate(req.headers.authorization);
    if (token === undefined) throw unauthenticated();
    let limited = core.limiter.admit(token, route.rate);
    if (route.rate !== 'search' && injected.omitRateLimitHeaders !== true) headers = core.limiter.headers(token);
    if (limited === undefined && fault.kind === 'rateLimited') {
      counters.faults.rateLimited++;
      limited = route.rate === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING';
    }
    if (limited !== undefined) {
      counters.rateLimited++;
      counters.rateLimitedByPolicy[limited] = (counters.rateLimitedByPolicy[limited] ?? 0) + 1;
      throw limited === 'SECONDLY' ? searchLimitError() : policyLimitError(limited, randomUUID(), headers);
    }
    if (fault.kind === 'error') {
      counters.faults.errors++;
      headers = {};
      throw serverError(fault.status);
    }
    if (fault.kind === 'locked') {
      counters.faults.locked++;
      throw lockedError();
    }
    const missing = core.tokens.missingScopes(token, route.scopes);
    if (missing) throw missingScopes(missing, undefined, headers);
    if (route.enterpriseOnly === true && core.tier !== 'enterprise') throw tierError(core, headers);
    const body = method === 'POST' ? parseJsonBody(rawBody) : undefined;
    if (route.body) assertBody(route.body, body);
    const result = route.handler({ method, path: url.pathname, query: url.searchParams, params, body, rawBody, token, version: route.version }, core);
    outcome = { status: result.status, body: result.body, headers };
  } catch (e) {
    outcome = fromError(e, correlationId, headers);
  }
  if (core.state.version !== versionBefore) counters.writes++;
  if (outcome.status === 429 && injected.retryAfterSeconds !== undefined) {
    outcome.headers = { ...outcome.headers, 'Retry-After': String(injected.retryAfterSeconds) };
  }
  core.log({ method, path: url.pathname, status: outcome.status, ...(fault.kind === 'reset' ? { reset: true } : {}) });

  if (fault.kind === 'reset') {
    counters.faults.resets++;
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'badJson' && outcome.status < 300 && outcome.body !== undefined) {
    counters.faults.badJson++;
    sendTruncated(res, correlationId, outcome);
    return;
  }
  send(res, correlationId, outcome);
}

export function createEmulatorServer(core: EmulatorCore, hooks: ControlHooks): http.Server {
  return http.createServer((req, res) => {
    handle(core, hooks, req, res).catch((e: unknown) => {
      console.error('[hubspot-emulator] request failed:', e);
      if (!res.headersSent) send(res, randomUUID(), { status: 500, body: { status: 'error', message: 'internal error' }, headers: {} });
    });
  });
}
