// How the summary tells what was dropped for lack of a property, and the property plan:
// each object apart, and HubSpot's read-only names never offered for creation.
import { notCreatableReason, type PlannedProperty } from '../core/propertyPlan.js';
import type { CatalogObject } from '../core/types.js';
import type { RunReport } from './tally.js';

/** Plan lines the summary shows at most; the report has them all. */
const SHOWN = 60;

function top(counter: ReadonlyArray<[string, number]>, n = 5): string {
  const sorted = [...counter].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const more = sorted.length > n ? `, and ${sorted.length - n} more` : '';
  return sorted.slice(0, n).map(([name, count]) => `${name} (${count})`).join(', ') + more;
}

/** Why a dropped name will never be sent, if HubSpot keeps it read-only. */
function readOnly(plan: RunReport['propertyPlan'], object: CatalogObject, name: string): boolean {
  const planned = plan?.find((p) => p.object === object && p.name === name);
  const reason = planned ? planned.reason : notCreatableReason(name);
  return reason !== undefined && /read-only|calculated/.test(reason);
}

/** The summary's rows for dropped contact, company and event properties. */
export function droppedRows(report: RunReport): [string, string][] {
  const rows: [string, string][] = [];
  const readOnlyNames: [string, number][] = [];
  for (const object of ['contact', 'company'] as const) {
    const unknown: [string, number][] = [];
    for (const [name, count] of Object.entries(report.droppedProperties[object])) {
      if (readOnly(report.propertyPlan, object, name)) readOnlyNames.push([`${object} ${name}`, count]);
      else unknown.push([name, count]);
    }
    if (unknown.length > 0) rows.push([`unknown ${object} properties`, `${top(unknown)}: create them to keep them (--create-properties, or in HubSpot)`]);
  }
  if (readOnlyNames.length > 0) rows.push(['read-only, not sent', `${top(readOnlyNames)} (HubSpot sets these itself)`]);
  const events = Object.entries(report.droppedProperties.event);
  if (events.length > 0) {
    // The reasons vary (core/eventProperties.ts, core/eventRoom.ts): the report has each name's count.
    rows.push(['event properties left out', `${top(events)}: HubSpot cannot keep them (a name starts with a letter and has at most 50 characters; an event, and each occurrence, holds at most 50 custom properties, the first met keeping their place); --property-map renames or leaves out names`]);
  }
  return rows;
}

function planLine(p: PlannedProperty): string {
  const sample = p.sample === undefined ? '' : `, e.g. ${p.sample}`;
  const verdict = p.created ? 'created' : p.creatable ? 'creatable' : `not creatable: ${p.reason ?? ''}`;
  return `    ${p.object.padEnd(7)} ${p.name}: ${p.type}/${p.fieldType} "${p.label}", ${p.values} value(s)${sample}; ${verdict}`;
}

/** The property plan as the summary (and a dry run's standard error) shows it. */
export function planLines(plan: readonly PlannedProperty[], untracked: RunReport['propertyPlanUntracked'], dryRun: boolean): string[] {
  if (plan.length === 0 && untracked === undefined) return [];
  const creatable = plan.filter((p) => p.creatable).length;
  const lines = [`  property plan (names the catalog lacks, typed from every value${dryRun ? '' : ' of the first reading'}): ${creatable} creatable of ${plan.length}`];
  for (const p of plan.slice(0, SHOWN)) lines.push(planLine(p));
  if (plan.length > SHOWN) lines.push(`    … and ${plan.length - SHOWN} more in the report (--report)`);
  for (const object of ['contact', 'company'] as const) {
    const more = untracked?.[object] ?? 0;
    if (more > 0) lines.push(`    and ${more} more ${object} names, not tracked: too many for --create-properties (raise --max-new-properties, or map them with --property-map)`);
  }
  return lines;
}
