// `npm run emulator -- [flags]`: run the HubSpot emulator until SIGINT/SIGTERM.
// Prints HUBSPOT_BASE_URL=… and HUBSPOT_ACCESS_TOKEN=… on stdout.

import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import type { EmulatorOptions, FaultOptions, Tier } from './types.js';

const USAGE = `Usage: npm run emulator -- [options]

  --port <n>          port on 127.0.0.1 (default: a free port)
  --token <t>         the full-access token (default pat-emulator-0000)
  --portal-id <n>     portal / hub id (default 123456)
  --tier <t>          starter | professional | enterprise (default enterprise)
  --time-zone <tz>    portal time zone (default US/Eastern)
  --rate <n>          requests per rolling 10 s per token (default 100)
  --daily <n>         requests per day per account (default 250000)
  --search-rate <n>   search requests per second (default 5)
  --search-lag <ms>   search sees writes only after this many ms (default 0)
  --error-rate <r>    share of requests answered 502/503/504, not applied (0..1)
  --reset-rate <r>    share of requests applied, then the connection reset (0..1)
  --latency <ms>      added latency: "50" or a range "20-200"
  --rate-limit-rate <r>   share of requests answered 429 whatever the window holds (0..1)
  --retry-after <s>       send Retry-After: <s> on every 429
  --locked-rate <r>       share of requests answered 423 Locked, not applied (0..1)
  --html-error-rate <r>   share answered 502/503 by a proxy with an HTML page, not applied (0..1)
  --bad-json-rate <r>     share applied, then answered 200 with a body that is not JSON (0..1)
  --no-rate-limit-headers answers carry no X-HubSpot-RateLimit-* headers
  --whole-batch-errors    invalid inputs fail the whole batch (400) even with trace ids
  --whole-batch-share F   share of batch upserts/updates answered that way (per request, seeded); the rest per input (207)
  --fault-endpoints <l>   injected faults only on these routes, comma-separated "METHOD /path"
  --seed <n>          PRNG seed for faults and result order (default 1)

Control while it runs (no token): POST /_emulator/faults {…the options above, camelCase…},
POST /_emulator/companies/delete {"id"}, POST /_emulator/companies/merge
{"primaryObjectId","objectIdToMerge"}, GET /_emulator/state, GET /_emulator/stats.
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function num(name: string, value: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) fail(`--${name}: invalid value ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        token: { type: 'string' },
        'portal-id': { type: 'string' },
        tier: { type: 'string' },
        'time-zone': { type: 'string' },
        rate: { type: 'string' },
        daily: { type: 'string' },
        'search-rate': { type: 'string' },
        'search-lag': { type: 'string' },
        'error-rate': { type: 'string' },
        'reset-rate': { type: 'string' },
        latency: { type: 'string' },
        'rate-limit-rate': { type: 'string' },
        'retry-after': { type: 'string' },
        'locked-rate': { type: 'string' },
        'html-error-rate': { type: 'string' },
        'bad-json-rate': { type: 'string' },
        'no-rate-limit-headers': { type: 'boolean' },
        'whole-batch-errors': { type: 'boolean' },
        'whole-batch-share': { type: 'string' },
        'fault-endpoints': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const tier = values.tier;
  if (tier !== undefined && !['starter', 'professional', 'enterprise'].includes(tier)) fail(`--tier: expected starter, professional or enterprise`);

  let latencyMs: FaultOptions['latencyMs'];
  if (values.latency !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(values.latency.trim());
    if (!m) fail(`--latency: expected "50" or "20-200"`);
    latencyMs = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
  }
  const options: EmulatorOptions = {
    port: num('port', values.port, { max: 65535 }),
    token: values.token,
    portalId: num('portal-id', values['portal-id'], { min: 1 }),
    tier: tier as Tier | undefined,
    timeZone: values['time-zone'],
    rateLimit: {
      perTenSeconds: num('rate', values.rate, { min: 1 }),
      daily: num('daily', values.daily, { min: 1 }),
      searchPerSecond: num('search-rate', values['search-rate'], { min: 1 }),
    },
    searchLagMs: num('search-lag', values['search-lag']),
    faults: {
      seed: num('seed', values.seed),
      errorRate: num('error-rate', values['error-rate'], { max: 1 }),
      resetRate: num('reset-rate', values['reset-rate'], { max: 1 }),
      latencyMs,
      rateLimitRate: num('rate-limit-rate', values['rate-limit-rate'], { max: 1 }),
      retryAfterSeconds: num('retry-after', values['retry-after']),
      lockedRate: num('locked-rate', values['locked-rate'], { max: 1 }),
      htmlErrorRate: num('html-error-rate', values['html-error-rate'], { max: 1 }),
      badJsonRate: num('bad-json-rate', values['bad-json-rate'], { max: 1 }),
      omitRateLimitHeaders: values['no-rate-limit-headers'],
      wholeBatchErrors: values['whole-batch-errors'],
      wholeBatchShare: num('whole-batch-share', values['whole-batch-share'], { max: 1 }),
      endpoints: values['fault-endpoints']?.split(',').map((e) => e.trim()).filter((e) => e !== ''),
    },
  };
  const emulator = await startEmulator(options);
  process.stdout.write(
    `HubSpot emulator listening (portal ${emulator.portalId}, ${options.tier ?? 'enterprise'} tier)\n` +
      `HUBSPOT_BASE_URL=${emulator.url}\n` +
      `HUBSPOT_ACCESS_TOKEN=${emulator.token}\n`,
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`hubspot emulator: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
});
