// The property plan (docs/mapping.md#the-property-plan): the contact and company names a
// run would drop because the catalog lacks them, each typed from every value the mapping
// met for it. Pure: the first reading hands it what it maps, the run decides what to do.

import { convertValue } from './values.js';
import { isIsoDateTime, parseInstant } from './instant.js';
import { NOT_IN_CATALOG_REASON } from './catalog.js';
import type { CatalogObject, EventPropertyType, EventSend, HubSpotProperty, MappingWarning, Operation } from './types.js';

/** The types a planned property may get: those HubSpot's own settings offer for a trait's values. */
export const PLAN_TYPES = ['string', 'number', 'bool', 'date', 'datetime'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

/** The field type HubSpot's settings pair with each planned type. */
export const FIELD_TYPE_OF: Readonly<Record<PlanType, string>> = { bool: 'booleancheckbox', number: 'number', date: 'date', datetime: 'date', string: 'text' };

/** One name of the plan, as the report shows it. */
export interface PlannedProperty {
  object: CatalogObject;
  name: string;
  type: PlanType;
  fieldType: string;
  label: string;
  /** Values seen for the name (one per record). */
  values: number;
  /** A value as it would be sent; only for types whose values cannot be a person's data. */
  sample?: string;
  creatable: boolean;
  /** Why it cannot be created. */
  reason?: string;
  /** --create-properties created it (or found it created meanwhile). */
  created?: true;
}

export interface PropertyPlan {
  properties: PlannedProperty[];
  /** Distinct names past the tracked ones, per object: the plan is incomplete when any. */
  untracked: Record<CatalogObject, number>;
}

// Kinds of value, as bits: a name's type follows from the set of kinds its values had.
const BOOL = 1;
const NUMBER = 2;
const DATE = 4;
const DATETIME = 8;
/** The kind that makes any name text. */
export const TEXT = 16;

const BOOL_TEXT = /^(?:true|false)$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The kind of one value; 0 for none (null, absent, ""), which says nothing about the type. */
export function valueKind(value: unknown): number {
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value === 'boolean') return BOOL;
  if (typeof value === 'number') return Number.isFinite(value) ? NUMBER : TEXT;
  if (typeof value !== 'string') return TEXT;
  if (BOOL_TEXT.test(value)) return BOOL;
  if (DAY.test(value)) return parseInstant(value) === undefined ? TEXT : DATE;
  if (isIsoDateTime(value)) return DATETIME;
  return TEXT;
}

/** The type of a name whose values had these kinds; undefined when none had a value. */
export function typeOfKinds(kinds: number): PlanType | undefined {
  if (kinds === 0) return undefined;
  if (kinds === BOOL) return 'bool';
  if (kinds === NUMBER) return 'number';
  if (kinds === DATE) return 'date';
  if ((kinds & ~(DATE | DATETIME)) === 0) return 'datetime';
  return 'string';
}

/** The type inferred from a list of values (what the planner does value by value). */
export function inferType(values: Iterable<unknown>): PlanType | undefined {
  let kinds = 0;
  for (const value of values) kinds |= valueKind(value);
  return typeOfKinds(kinds);
}

/** HubSpot's internal names: a letter first, then lowercase letters, digits and `_`, at most 100. */
const INTERNAL_NAME = /^[a-z][a-z0-9_]{0,99}$/;

/**
 * Names HubSpot defines itself and keeps read-only, whatever a saved catalog says; `hs_`
 * is HubSpot's own prefix and refused on creation.
 */
const HUBSPOT_OWN = new Set(['createdate', 'lastmodifieddate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_createdate', 'hs_email_domain', 'num_associated_deals', 'notes_last_updated']);

/** Why a name the catalog lacks cannot be created; undefined when it can. */
export function notCreatableReason(name: string): string | undefined {
  if (HUBSPOT_OWN.has(name) || name.startsWith('hs_')) return "HubSpot's own read-only name";
  if (!INTERNAL_NAME.test(name)) return 'not a HubSpot internal name (a letter first, then only a-z, 0-9 and _)';
  return undefined;
}

/** A label from a name: `trial_end` → `Trial end`. */
export function labelOf(name: string): string {
  const words = name.replace(/_+/g, ' ').trim();
  return words === '' ? name : words.charAt(0).toUpperCase() + words.slice(1);
}

const SAMPLED: ReadonlySet<PlanType> = new Set(['bool', 'number', 'date', 'datetime']);
/** Untracked names are remembered up to this many per object, then only counted as "at least". */
const UNTRACKED_LIMIT = 100_000;

interface Seen {
  kinds: number;
  values: number;
  /** The first value, for the sample; not kept when it is text (never shown, and it may be large) unless a type is forced. */
  first?: unknown;
  forced?: PlanType;
  /** Read-only or calculated in the catalog: listed, never created. */
  readOnly?: string;
}

/**
 * Collects what the mapping gives up on for lack of a property, record by record, and
 * answers the plan. `limit` names are tracked per object (10 × --max-new-properties);
 * further names are only counted.
 */
export class PropertyPlanner {
  readonly #seen: Record<CatalogObject, Map<string, Seen>> = { contact: new Map(), company: new Map() };
  readonly #untracked: Record<CatalogObject, Set<string>> = { contact: new Set(), company: new Set() };
  readonly #eventKinds = new Map<string, Map<string, number>>();

  constructor(private readonly limit: number) {}

  /** What one mapped record gave up on, and the event properties it sends. */
  see(warnings: readonly MappingWarning[], operations: readonly Operation[]): void {
    for (const warning of warnings) {
      if (warning.kind !== 'dropped_property' || warning.object === 'event') continue;
      this.seeDropped(warning.object, warning.property, warning.value, warning.type, warning.reason === NOT_IN_CATALOG_REASON ? undefined : `${warning.reason} in HubSpot`);
    }
    for (const op of operations) if (op.op === 'event.send') this.seeEvent(op);
  }

  private seeDropped(object: CatalogObject, name: string, value: unknown, forced: PlanType | undefined, readOnly: string | undefined): void {
    const kind = valueKind(value);
    if (kind === 0) return;
    const names = this.#seen[object];
    let seen = names.get(name);
    if (seen === undefined) {
      if (names.size >= this.limit) {
        const untracked = this.#untracked[object];
        if (untracked.size < UNTRACKED_LIMIT) untracked.add(name);
        return;
      }
      seen = { kinds: 0, values: 0, forced, readOnly };
      names.set(name, seen);
    }
    if (seen.values === 0 && (kind !== TEXT || seen.forced !== undefined)) seen.first = value;
    seen.kinds |= kind;
    seen.values++;
    seen.forced ??= forced;
  }

  private seeEvent(op: EventSend): void {
    let kinds = this.#eventKinds.get(op.eventName);
    if (kinds === undefined) this.#eventKinds.set(op.eventName, (kinds = new Map()));
    for (const name of Object.keys(op.properties)) {
      const type = op.propertyTypes[name] ?? 'string';
      kinds.set(name, (kinds.get(name) ?? 0) | EVENT_KIND[type]);
    }
  }

  /**
   * The type an event property gets from every value seen for it (HubSpot events know
   * `number`, `datetime` and `string`): undefined when it was never seen.
   */
  eventPropertyType(eventName: string, name: string): EventPropertyType | undefined {
    const kinds = this.#eventKinds.get(eventName)?.get(name);
    if (kinds === undefined) return undefined;
    if (kinds === EVENT_KIND.number) return 'number';
    if (kinds === EVENT_KIND.datetime) return 'datetime';
    return 'string';
  }

  plan(): PropertyPlan {
    const properties: PlannedProperty[] = [];
    for (const object of ['contact', 'company'] as const) {
      for (const [name, seen] of this.#seen[object]) {
        const type = seen.forced ?? typeOfKinds(seen.kinds) ?? 'string';
        const reason = seen.readOnly ?? notCreatableReason(name);
        const entry: PlannedProperty = { object, name, type, fieldType: FIELD_TYPE_OF[type], label: labelOf(name), values: seen.values, creatable: reason === undefined };
        if (SAMPLED.has(type) && seen.first !== undefined) {
          const sample = convertValue(propertyOf(entry), seen.first);
          if (sample.ok) entry.sample = sample.value;
        }
        if (reason !== undefined) entry.reason = reason;
        properties.push(entry);
      }
    }
    return { properties, untracked: { contact: this.#untracked.contact.size, company: this.#untracked.company.size } };
  }
}

const EVENT_KIND: Readonly<Record<EventPropertyType, number>> = { string: TEXT, number: NUMBER, datetime: DATETIME };

/** The names the plan may create, per object. */
export function creatableNames(plan: PropertyPlan, object: CatalogObject): PlannedProperty[] {
  return plan.properties.filter((p) => p.object === object && p.creatable);
}

/** A planned property as the catalog would hold it once created. */
export function propertyOf(planned: Pick<PlannedProperty, 'name' | 'type' | 'fieldType' | 'label'>): HubSpotProperty {
  const property: HubSpotProperty = { name: planned.name, label: planned.label, type: planned.type, fieldType: planned.fieldType };
  if (planned.type === 'bool') property.options = BOOL_OPTIONS;
  return property;
}

/** The options HubSpot's settings give a yes/no property. */
export const BOOL_OPTIONS = [
  { label: 'True', value: 'true' },
  { label: 'False', value: 'false' },
];
