// `npx tsx bench/companies.ts [--events 20000] [--companies 300] [--lag 5000] [--reset-rate 0.05] [--error-rate 0.05]`
//
// The duplicate-company scenario: a group-heavy export replayed live into the HubSpot
// stand-in while its search trails writes by seconds, some requests are answered 5xx
// (not applied) and some are applied and then cut off (no answer). Prints what HubSpot
// holds afterwards: companies per domain (the point: exactly one), the exit code and the
// requests. `--cli` runs another build (an older one, to compare).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index.js';
import { DEFAULT_CLI, formatInt, runNode } from './lib/run.js';
import { writeCorpus } from './lib/writeCorpus.js';

const USAGE = `Usage: npx tsx bench/companies.ts [options]

  --events N        records in the export (default 20000)
  --companies N     companies the users belong to (default 300)
  --group-share X   share of group calls (default 0.3)
  --lag MS          the stand-in's search lag (default 5000)
  --reset-rate X    share of requests applied, then cut off (default 0.05)
  --error-rate X    share of requests answered 502/503/504, not applied (default 0.05)
  --seed N          corpus and fault seed (default 1)
  --company-key K   passed to the CLI (default: the CLI's own)
  --cli PATH        the CLI to run (default bin/hubspot-sync.js)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '20000' },
      companies: { type: 'string', default: '300' },
      'group-share': { type: 'string', default: '0.3' },
      lag: { type: 'string', default: '5000' },
      'reset-rate': { type: 'string', default: '0.05' },
      'error-rate': { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
      'company-key': { type: 'string' },
      cli: { type: 'string', default: DEFAULT_CLI },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const events = Number(values.events);
  const group = Number(values['group-share']);
  const seed = Number(values.seed);
  const lag = Number(values.lag);
  const resetRate = Number(values['reset-rate']);
  const errorRate = Number(values['error-rate']);
  const scratch = mkdtempSync(join(tmpdir(), 'hubspot-sync-bench-companies-'));
  try {
    const rest = 1 - group;
    const corpus = await writeCorpus(join(scratch, 'export.ndjson'), 'ndjson', events, seed, {
      companies: Number(values.companies),
      mix: { identify: 0.4 * rest, track: 0.45 * rest, group, page: 0.1 * rest, other: 0.05 * rest },
    });
    const emulator = await startEmulator({ searchLagMs: lag, faults: { seed, resetRate, errorRate }, rateLimit: { daily: 100_000_000 } });
    const reportPath = join(scratch, 'report.json');
    const args = ['replay', corpus.path, '--base-url', emulator.url, '--state-dir', join(scratch, 'state'), '--report', reportPath, '--quiet'];
    if (values['company-key'] !== undefined) args.push('--company-key', values['company-key']);
    process.stderr.write(`replaying ${formatInt(corpus.stats.events)} records (${formatInt(corpus.stats.byType.group ?? 0)} group calls) with search lag ${lag} ms, ${resetRate * 100} % resets, ${errorRate * 100} % 5xx…\n`);
    const run = await runNode(values.cli, args, { stdout: '/dev/null', env: { HUBSPOT_ACCESS_TOKEN: emulator.token } });
    const perDomain = new Map<string, number>();
    for (const company of emulator.state.companies.values()) {
      const domain = company.properties.domain ?? '(none)';
      perDomain.set(domain, (perDomain.get(domain) ?? 0) + 1);
    }
    const stats = emulator.stats();
    await emulator.close();
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { status: string; counts: Record<string, number>; deadLetters: Record<string, number>; requests: { total: number; retried: number; rateLimited: number; byEndpoint: Record<string, number> } };
    const duplicated = [...perDomain].filter(([, n]) => n > 1);
    const lines = [
      `cli ${values.cli}`,
      `exit code ${run.exitCode}, status ${report.status}, ${(run.wallMs / 1000).toFixed(0)} s`,
      `records ${formatInt(corpus.stats.events)} (group calls ${formatInt(corpus.stats.byType.group ?? 0)}); counts ${JSON.stringify(report.counts)}; dead letters ${JSON.stringify(report.deadLetters)}`,
      `search lag ${lag} ms; faults drawn: ${stats.faults.resets} resets (${resetRate * 100} %), ${stats.faults.errors} 5xx (${errorRate * 100} %) of ${formatInt(stats.requests.total)} requests`,
      `domains ${perDomain.size}; companies ${formatInt([...perDomain.values()].reduce((a, b) => a + b, 0))}; most companies for one domain ${Math.max(0, ...perDomain.values())}; domains with more than one: ${duplicated.length}${duplicated.length > 0 ? ` (${duplicated.slice(0, 5).map(([d, n]) => `${d} ×${n}`).join(', ')}${duplicated.length > 5 ? ', …' : ''})` : ''}`,
      `requests (CLI report) ${formatInt(report.requests.total)}, retried ${report.requests.retried}, rate-limited ${report.requests.rateLimited}`,
      ...Object.entries(report.requests.byEndpoint).sort(([a], [b]) => a.localeCompare(b)).map(([endpoint, n]) => `  ${endpoint}: ${n}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`companies: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
