// `npm run demo` as the README gives it: the stand-in, a replay of the fixtures into it,
// the summary, what the stand-in holds, the status, and exit 0.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, type CliResult } from '../support/cli.js';

function npmRunDemo(): Promise<CliResult> {
  const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  it('replays the fixtures into the stand-in, prints the summary and what it holds, and exits 0', async () => {
    const run = await npmRunDemo();
    expect(run.code, run.stderr).toBe(0);

    // The replay's summary (standard error, as the CLI writes it).
    expect(run.stderr).toContain('Replay completed in');
    expect(run.stderr).toMatch(/records read\s+34\n/);
    expect(run.stderr).toMatch(/requests\s+\d+ \(retried 0, rate-limited 0\)/);

    // What the stand-in holds, then the state directory's status.
    const out = run.stdout;
    expect(out).toMatch(/\$ hubspot-sync replay fixtures\/events\.ndjson fixtures\/same-events\.ndjson\.gz --base-url http:\/\/127\.0\.0\.1:\d+ /);
    expect(out).toContain('What the HubSpot stand-in now holds');
    expect(out).toContain('Contacts (7)');
    expect(out).toMatch(/peter@initech\.com +Peter +Gibbons +Initech +lead/);
    expect(out).toContain('Companies (1)');
    expect(out).toMatch(/initech\.com +Initech +Austin +250/);
    expect(out).toContain('Associations (2)');
    expect(out).toContain('peter@initech.com → initech.com');
    expect(out).toMatch(/pe123456_order_completed +2\n/);
    expect(out).toContain('Last run: completed');
    expect(out).toMatch(/done +fixtures\/same-events\.ndjson\.gz +line 10, 9 records/);
  });
});
