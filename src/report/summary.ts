// The closing summary every run prints on standard error, terminal or not.
import type { RunReport } from './tally.js';

function top(counter: Record<string, number>, n = 5): string {
  return Object.entries(counter)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, count]) => `${name} (${count})`)
    .join(', ');
}

function nonZero(counter: Record<string, number | undefined>): string {
  return Object.entries(counter)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

export function formatSummary(report: RunReport, deadLetterFile?: string): string {
  const { counts } = report;
  const seconds = (report.durationMs / 1000).toFixed(1);
  const title = `${report.dryRun ? 'Dry run' : 'Replay'} ${report.status} in ${seconds}s`;
  const rows: [string, string][] = [
    ['records read', String(counts.read)],
    [report.dryRun ? 'mapped' : 'delivered', String(counts.delivered)],
    ['skipped', `${counts.skipped}${counts.skipped ? ` (${nonZero(report.skipped)})` : ''}`],
    ['dead letters', `${counts.deadLettered}${counts.deadLettered ? ` (${nonZero(report.deadLetters)})` : ''}`],
    ['operations', nonZero(report.operations) || 'none'],
  ];
  if (report.identities.retroactive > 0) {
    rows.splice(2, 0, ['retroactive', `${report.identities.retroactive} (anonymous calls attributed through an identify later in the export)`]);
  }
  if (!report.dryRun) {
    const { requests } = report;
    rows.push(['requests', `${requests.total} (retried ${requests.retried}, rate-limited ${requests.rateLimited})`]);
  }
  const dropped = { ...report.droppedProperties.contact, ...report.droppedProperties.company };
  if (Object.keys(dropped).length > 0) rows.push(['unknown properties', `${top(dropped)} — create them in HubSpot to keep them`]);
  const invalid = { ...report.invalidValues.contact, ...report.invalidValues.company, ...report.invalidValues.event };
  if (Object.keys(invalid).length > 0) rows.push(['invalid values', top(invalid)]);
  if (counts.deadLettered > 0 && deadLetterFile) rows.push(['dead-letter file', deadLetterFile]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n') + '\n';
}
