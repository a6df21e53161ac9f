// The HTTP client: one got instance with the Bearer token, the endpoint table in the
// run's API version, HubSpot error bodies parsed into typed errors, and the rate-limit
// headers read on every answer. It sends each request once; pacing and retrying belong to src/sync, which
// must account for every attempt against the rate limits.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type * as GotModule from 'got';
import type { Got } from 'got';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';
import { UsageError } from '../errors.js';
import { DEFAULT_API_VERSION, endpointLabel, endpointPath, ENDPOINTS, type ApiVersion, type EndpointName } from './endpoints.js';
import { HubSpotApiError, parseEnvelope, TransportError, UnreadableAnswerError } from './errors.js';

export interface RateLimitInfo {
  /** X-HubSpot-RateLimit-Max: requests allowed per interval. */
  max?: number;
  remaining?: number;
  intervalMs?: number;
  daily?: number;
  dailyRemaining?: number;
}

export interface HubSpotResponse<T> {
  status: number;
  body: T;
  rateLimit: RateLimitInfo;
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  /** Every request of the client goes to this version's paths (default 2026-03). */
  apiVersion?: ApiVersion;
  timeoutMs?: number;
}

export interface RequestParams {
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  pathParams?: Record<string, string>;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** A token is never sent in clear text, except to this machine (the emulator, a tunnel). */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url "${baseUrl}" is not a URL; use e.g. https://api.hubapi.com.`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  throw new UsageError(
    `--base-url ${url.origin} would send the token in clear text: use https://, or http:// only to a loopback address (127.0.0.1, localhost).`,
  );
}

function numberHeader(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const seconds = numberHeader(value);
  if (seconds !== undefined) return seconds * 1000;
  const text = Array.isArray(value) ? value[0] : value;
  const date = text ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

// got (and its dependencies: ~25 MB of RSS, ~0.1 s) is loaded on the first request, so a
// dry run without a token never pays for it.
let gotModule: Promise<typeof GotModule> | undefined;
const loadGot = () => (gotModule ??= import('got'));

export class HubSpotClient {
  private httpClient?: Promise<Got>;
  readonly apiVersion: ApiVersion;

  constructor(private readonly options: ClientOptions) {
    checkBaseUrl(options.baseUrl);
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  }

  /** The report's key for an endpoint in this client's version. */
  label(name: EndpointName): string {
    return endpointLabel(name, this.apiVersion);
  }

  /** The API host (and port) requests go to, for messages. */
  get host(): string {
    return new URL(this.options.baseUrl).host;
  }

  private http(): Promise<Got> {
    return (this.httpClient ??= loadGot().then(({ default: got }) => this.create(got)));
  }

  private create(got: Got): Got {
    const options = this.options;
    const url = checkBaseUrl(options.baseUrl);
    const keepAlive = { keepAlive: true, maxSockets: 32 };
    // Company hosts often reach the internet only through a proxy: HTTPS_PROXY,
    // HTTP_PROXY and NO_PROXY (either case) are honoured. Requests go through a CONNECT
    // tunnel, so the token travels inside TLS to HubSpot, never readable by the proxy.
    const proxy = getProxyForUrl(url);
    const agent = proxy
      ? { http: new HttpProxyAgent({ ...keepAlive, proxy }), https: new HttpsProxyAgent({ ...keepAlive, proxy }) }
      : { http: new HttpAgent(keepAlive), https: new HttpsAgent(keepAlive) };
    return got.extend({
      prefixUrl: url.href.replace(/\/$/, ''),
      headers: { authorization: `Bearer ${options.token}`, 'user-agent': 'hubspot-sync' },
      responseType: 'text',
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: options.timeoutMs ?? 60_000 },
      agent,
    });
  }

  async send<T>(name: EndpointName, params: RequestParams = {}): Promise<HubSpotResponse<T>> {
    const endpoint = ENDPOINTS[name];
    const label = this.label(name);
    let path = endpointPath(name, this.apiVersion);
    for (const [key, value] of Object.entries(params.pathParams ?? {})) path = path.replace(`{${key}}`, encodeURIComponent(value));

    const http = await this.http();
    const { RequestError } = await loadGot();
    let response;
    try {
      response = await http(path.slice(1), {
        method: endpoint.method,
        json: params.body,
        searchParams: params.query,
      });
    } catch (error) {
      if (error instanceof RequestError) throw new TransportError(label, error.code, error.message);
      throw error;
    }

    const headers = response.headers;
    const rateLimit: RateLimitInfo = {
      max: numberHeader(headers['x-hubspot-ratelimit-max']),
      remaining: numberHeader(headers['x-hubspot-ratelimit-remaining']),
      intervalMs: numberHeader(headers['x-hubspot-ratelimit-interval-milliseconds']),
      daily: numberHeader(headers['x-hubspot-ratelimit-daily']),
      dailyRemaining: numberHeader(headers['x-hubspot-ratelimit-daily-remaining']),
    };
    if (response.statusCode >= 300) {
      throw new HubSpotApiError(label, response.statusCode, parseEnvelope(response.body), retryAfterMs(headers['retry-after']), rateLimit.dailyRemaining);
    }
    return { status: response.statusCode, body: readBody(label, response.statusCode, response.body) as T, rateLimit };
  }
}

/**
 * A success body: nothing for a 204, else a JSON object. Anything else (cut short, a
 * proxy's page) is an unreadable answer, retried like a lost one, never taken as success.
 */
function readBody(label: string, status: number, text: string): unknown {
  if (status === 204 && text === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UnreadableAnswerError(label, status, text);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UnreadableAnswerError(label, status, text);
  return body;
}
