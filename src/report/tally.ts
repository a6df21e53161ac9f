// The counts behind the report (docs/architecture.md#outputs). They travel inside the checkpoint, so
// a resumed run reports the same numbers as an uninterrupted one.
import type { PlannedProperty, PropertyPlan } from '../core/propertyPlan.js';
import type { RequestPlan } from '../core/requestPlan.js';
import type { CatalogObject, DeadLetterCode, DeadLetterVerdict, MappingWarning, OperationKind, PropertyObject, SkipReason } from '../core/types.js';

export type RecordOutcome = 'delivered' | 'skipped' | 'deadLettered';

export interface TallyCounts {
  counts: { read: number; delivered: number; skipped: number; deadLettered: number };
  skipped: Record<SkipReason, number>;
  deadLetters: Partial<Record<DeadLetterCode, number>>;
  operations: Record<OperationKind, number>;
  droppedProperties: Record<PropertyObject, Record<string, number>>;
  invalidValues: Record<PropertyObject, Record<string, number>>;
  truncatedValues: Record<string, number>;
  /** Events sent without occurredAt because their call has no time field at all. */
  withoutTime: number;
  /** Of the INVALID_RECORD dead letters, those whose call has no type (a CSV without a type column and no --type). */
  withoutType: number;
  requests: { total: number; byEndpoint: Record<string, number>; retried: number; rateLimited: number };
  /** `retroactive`: records that reached a contact only through the first reading. */
  identities: { retroactive: number };
  /** A compacted run's fold: updates read and the keys they were sent as (docs/architecture.md#phases-of-a-run). */
  compaction?: Compaction;
}

export interface Compaction {
  contactUpdates: number;
  contactsSent: number;
  companyUpdates: number;
  companiesSent: number;
}

export function emptyTally(): TallyCounts {
  return {
    counts: { read: 0, delivered: 0, skipped: 0, deadLettered: 0 },
    skipped: emptySkips(),
    deadLetters: {},
    operations: { 'contact.upsert': 0, 'company.upsert': 0, association: 0, 'event.send': 0 },
    droppedProperties: { contact: {}, company: {}, event: {} },
    invalidValues: { contact: {}, company: {}, event: {} },
    truncatedValues: {},
    withoutTime: 0,
    withoutType: 0,
    requests: { total: 0, byEndpoint: {}, retried: 0, rateLimited: 0 },
    identities: { retroactive: 0 },
  };
}

function emptySkips(): Record<SkipReason, number> {
  return { duplicate: 0, filtered: 0, unsupported_type: 0, integration_disabled: 0, consent_denied: 0, suppressed: 0, delivered: 0 };
}

/**
 * Adds to a count keyed by a name from the input. Only own properties are read and
 * written, so a trait named `constructor`, `toString` or `__proto__` is counted like any
 * other name (the maps also come back from a checkpoint as ordinary JSON objects).
 */
function bump(counter: Record<string, number>, key: string, by = 1): void {
  const count = (Object.hasOwn(counter, key) ? (counter[key] as number) : 0) + by;
  if (key === '__proto__') Object.defineProperty(counter, key, { value: count, enumerable: true, writable: true, configurable: true });
  else counter[key] = count;
}

/**
 * Longest property name the report keeps whole. HubSpot's names are far shorter, so a
 * longer one (a hostile export's megabyte key) is counted under its beginning, and the
 * report and the checkpoint that carries it stay small.
 */
export const REPORT_NAME_LIMIT = 200;

function reportName(name: string): string {
  return name.length > REPORT_NAME_LIMIT ? `${name.slice(0, REPORT_NAME_LIMIT)}…` : name;
}

export class RunTally {
  constructor(readonly data: TallyCounts = emptyTally()) {
    // A checkpoint written before a skip reason existed lacks its count: the report still
    // lists every reason.
    data.skipped = { ...emptySkips(), ...data.skipped };
    data.withoutTime ??= 0;
    data.withoutType ??= 0;
    // A checkpoint from before retroactive identities has no `identities`.
    data.identities ??= { retroactive: 0 };
  }

  /** A delivered record that reached its contact only through the first reading. */
  retroactive(): void {
    this.data.identities.retroactive++;
  }

  read(): void {
    this.data.counts.read++;
  }

  /** Counts a committed record's outcome: delivered, skipped (with its reason) or dead-lettered. */
  outcome(outcome: RecordOutcome, skipReason?: SkipReason): void {
    this.data.counts[outcome]++;
    if (outcome === 'skipped' && skipReason) this.data.skipped[skipReason]++;
  }

  deadLetter({ code, missingType }: DeadLetterVerdict): void {
    bump(this.data.deadLetters, code);
    if (missingType === true) this.data.withoutType++;
  }

  operation(kind: OperationKind): void {
    this.data.operations[kind]++;
  }

  warnings(warnings: readonly MappingWarning[]): void {
    for (const w of warnings) {
      const name = reportName(w.property);
      if (w.kind === 'dropped_property') bump(this.data.droppedProperties[w.object], name);
      else if (w.kind === 'invalid_value') bump(this.data.invalidValues[w.object], name);
      else if (w.kind === 'without_time') this.data.withoutTime++;
      else bump(this.data.truncatedValues, name);
    }
  }

  /** `count` occurrences of events sent without `property`: its definition has no place for it (a dry run's plan). */
  eventPropertyLeftOut(property: string, count: number): void {
    bump(this.data.droppedProperties.event, reportName(property), count);
  }

  /** The fold's counts, added to those of the run's earlier folds (a nightly run may fold twice). */
  compaction(fold: Compaction): void {
    const before = this.data.compaction;
    this.data.compaction = before === undefined ? { ...fold } : {
      contactUpdates: before.contactUpdates + fold.contactUpdates,
      contactsSent: before.contactsSent + fold.contactsSent,
      companyUpdates: before.companyUpdates + fold.companyUpdates,
      companiesSent: before.companiesSent + fold.companiesSent,
    };
  }

  request(endpoint: string, outcome: { retried?: boolean; rateLimited?: boolean } = {}): void {
    this.data.requests.total++;
    bump(this.data.requests.byEndpoint, endpoint);
    if (outcome.retried) this.data.requests.retried++;
    if (outcome.rateLimited) this.data.requests.rateLimited++;
  }
}

export type RunStatus = 'completed' | 'paused' | 'interrupted' | 'failed';

export interface RunReport extends TallyCounts {
  status: RunStatus;
  dryRun: boolean;
  durationMs: number;
  /** The property plan (docs/mapping.md#the-property-plan), when the run got as far as one. */
  propertyPlan?: PlannedProperty[];
  /** Names past the plan's tracked ones, per object, when there were any. */
  propertyPlanUntracked?: Record<CatalogObject, number>;
  /** A dry run's: what a live run of the same inputs would send. */
  requestPlan?: RequestPlan;
  /**
   * A compacted run stopped in its sending phase: the fold's keys sent so far of all. Its
   * records' outcomes are counted once every key is answered, by the run that finishes it.
   */
  sending?: UnfinishedSend;
}

/** How far the sending phase of a compacted run got before it stopped. */
export interface UnfinishedSend {
  keysSent: number;
  keys: number;
}

/** The report with the run's property plan. */
export function withPropertyPlan(report: RunReport, plan: PropertyPlan | undefined): RunReport {
  if (plan === undefined) return report;
  const untracked = plan.untracked.contact + plan.untracked.company > 0 ? { propertyPlanUntracked: plan.untracked } : {};
  return { ...report, propertyPlan: plan.properties, ...untracked };
}

export function buildReport(tally: RunTally, status: RunStatus, dryRun: boolean, durationMs: number): RunReport {
  const { counts, skipped, deadLetters, operations, droppedProperties, invalidValues, truncatedValues, withoutTime, withoutType, requests, identities, compaction } = tally.data;
  return { status, dryRun, counts, skipped, deadLetters, operations, droppedProperties, invalidValues, truncatedValues, withoutTime, withoutType, requests, identities, ...(compaction && { compaction }), durationMs };
}
