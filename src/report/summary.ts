// The closing summary every run prints on standard error, terminal or not.
import type { RequestPlan } from '../core/requestPlan.js';
import type { RunReport } from './tally.js';
import { droppedRows, planLines } from './propertyPlan.js';

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

/** Why nothing reached HubSpot, by the commonest cause; and events sent without their time. */
export function closingWarnings(report: RunReport): string[] {
  const warnings: string[] = [];
  if (report.withoutTime > 0) warnings.push(`${report.withoutTime} event(s) had no time field and were sent without occurredAt: HubSpot dates them on arrival`);
  const nothing = nothingDone(report);
  if (nothing !== undefined) warnings.push(nothing);
  return warnings;
}

function nothingDone(report: RunReport): string | undefined {
  const { counts } = report;
  if (report.status !== 'completed') return undefined;
  if (counts.read === 0) return 'no record was read: the inputs are empty (empty files, or a directory without files)';
  if (counts.delivered > 0) return undefined;
  const causes: [number, string][] = [];
  const noType = report.deadLetters.INVALID_RECORD !== undefined ? report.withoutType : 0;
  causes.push([noType, `${noType} record(s) have no call type: give a CSV without a type column --type identify, track, group or page`]);
  for (const [code, n] of Object.entries(report.deadLetters)) {
    const count = (n ?? 0) - (code === 'INVALID_RECORD' ? noType : 0);
    const unreadable = code === 'INVALID_JSON' || code === 'INVALID_CSV' || code === 'TRUNCATED_INPUT';
    causes.push([count, `${count} dead letter(s) ${code}${unreadable ? ' (the input does not read as its format: check the file)' : ''}: see the dead-letter file`]);
  }
  for (const [reason, n] of Object.entries(report.skipped)) {
    causes.push([n, reason === 'filtered' ? `${n} record(s) filtered out by --since, --until, --types or --events` : `${n} record(s) skipped as ${reason}`]);
  }
  const [, commonest] = causes.filter(([n]) => n > 0).sort((a, b) => b[0] - a[0])[0] ?? [0, 'no cause recorded'];
  return `nothing was ${report.dryRun ? 'mapped' : 'delivered'}: every record read was filtered, skipped or dead-lettered; the commonest cause: ${commonest}`;
}

export function formatSummary(report: RunReport, deadLetterFile?: string, extraWarnings: readonly string[] = []): string {
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
  if (report.requestPlan) rows.push(['request plan', describePlan(report.requestPlan)]);
  if (report.sending) {
    const { keysSent, keys } = report.sending;
    rows.push(['sent so far', `${keysSent.toLocaleString('en-US')} of ${keys.toLocaleString('en-US')} keys (contacts, companies, pairs, events); the records are counted delivered once every key is answered`]);
  }
  if (!report.dryRun) {
    const { requests } = report;
    rows.push(['requests', `${requests.total} (retried ${requests.retried}, rate-limited ${requests.rateLimited})`]);
  }
  rows.push(...droppedRows(report));
  const invalid = { ...report.invalidValues.contact, ...report.invalidValues.company, ...report.invalidValues.event };
  if (Object.keys(invalid).length > 0) rows.push(['invalid values', top(invalid)]);
  for (const warning of [...extraWarnings, ...closingWarnings(report)]) rows.push(['warning', warning]);
  if (counts.deadLettered > 0 && deadLetterFile) rows.push(['dead-letter file', deadLetterFile]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const plan = report.propertyPlan === undefined ? [] : planLines(report.propertyPlan, report.propertyPlanUntracked, report.dryRun);
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ...plan].join('\n') + '\n';
}

/** "14,322 requests (9,870 in the ten-second window), about 24 minutes, 6 % of the daily limit". */
export function describePlan(plan: RequestPlan): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const parts = [`${count(plan.total)} request${plan.total === 1 ? '' : 's'} (${count(plan.windowed)} in the ten-second window)`, `about ${duration(plan.seconds)}`];
  if (plan.dailyShare !== undefined) parts.push(`${percent(plan.dailyShare)} of the daily limit`);
  return parts.join(', ');
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  return `${(seconds / 3600).toFixed(1)} hours`;
}

function percent(share: number): string {
  if (share > 0 && share < 0.01) return 'under 1 %';
  return `${Math.round(share * 100)} %`;
}
