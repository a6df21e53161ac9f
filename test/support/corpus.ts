// Small deterministic Segment exports for end-to-end tests.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Call = Record<string, unknown>;

/** `users` identified users, each with a track, and every `groupEvery`th one in a group. */
export function mixedCalls(users: number, { groupEvery = 10, prefix = 'u' } = {}): Call[] {
  const calls: Call[] = [];
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  for (let i = 0; i < users; i++) {
    const email = `${prefix}${i}@example${i % 7}.com`;
    calls.push({ type: 'identify', messageId: `${prefix}-id-${i}`, userId: `${prefix}-${i}`, timestamp: at(i), traits: { email, firstName: `First${i}`, lastName: `Last${i}`, seats: i % 50, plan: { tier: i % 2 ? 'pro' : 'basic' } } });
    calls.push({ type: 'track', messageId: `${prefix}-tr-${i}`, userId: `${prefix}-${i}`, event: i % 3 ? 'Report Viewed' : 'Order Completed', timestamp: at(i), properties: { amount: i * 1.5, report: `R${i % 4}` } });
    if (i % groupEvery === 0) {
      calls.push({ type: 'group', messageId: `${prefix}-gr-${i}`, userId: `${prefix}-${i}`, groupId: `g${i % 7}`, timestamp: at(i), traits: { name: `Example ${i % 7}`, website: `https://www.example${i % 7}.com`, mrr: i } });
    }
  }
  return calls;
}

export async function writeNdjson(dir: string, name: string, calls: readonly Call[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, calls.map((call) => JSON.stringify(call)).join('\n') + '\n');
  return path;
}

/**
 * An export heavy in groups: `domains` companies, each named by several group calls of
 * users identified first, spread through the file so company batches keep coming, the
 * website spelled several ways. Every tenth domain is long (80 characters), as real ones
 * can be, so searches must split by size.
 */
export function companyCalls(domains: number, { groupsPerDomain = 4, prefix = 'c' } = {}): { calls: Call[]; domains: string[] } {
  const names = Array.from({ length: domains }, (_, d) => (d % 10 === 9 ? `${prefix}${d}-${'long'.repeat(20)}`.slice(0, 76) + '.com' : `${prefix}${d}.example.com`));
  const calls: Call[] = [];
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  let n = 0;
  for (let round = 0; round < groupsPerDomain; round++) {
    for (let d = 0; d < domains; d++) {
      const user = `${prefix}-u${d}-${round}`;
      const domain = names[d]!;
      const website = [`https://www.${domain}/`, domain, `http://${domain}/about`, `https://${domain.toUpperCase()}`][round % 4];
      calls.push({ type: 'identify', messageId: `${prefix}-id-${d}-${round}`, userId: user, timestamp: at(n++), traits: { email: `user${round}@${domain}`, firstName: `U${round}` } });
      calls.push({ type: 'group', messageId: `${prefix}-gr-${d}-${round}`, userId: user, groupId: `g${d}`, timestamp: at(n++), traits: { name: `Company ${d}`, website, employees: 10 + round } });
    }
  }
  return { calls, domains: names };
}
