// Shared vocabulary of the mapping core. Everything here is plain data: the core
// turns one Segment call into HubSpot operations and never touches I/O.

import type { Catalog } from './catalog.js';
import type { PlanType } from './propertyPlan.js';
import type { KeyMap, PropertyMap } from './propertyMap.js';

/** A Segment call as parsed from an export: an arbitrary JSON object. */
export type SegmentCall = Record<string, unknown>;

export type CallType = 'identify' | 'track' | 'group' | 'page' | 'screen' | 'alias';

/** Where a record came from; drives checkpoints and every message about the record. */
export interface SourcePosition {
  file: string;
  /** 1-based line number (CSV: the line the data row starts on). */
  line: number;
}

export type PropertyValues = Record<string, string>;

export interface ContactUpsert {
  op: 'contact.upsert';
  email: string;
  properties: PropertyValues;
}

export interface CompanyUpsert {
  op: 'company.upsert';
  domain: string;
  properties: PropertyValues;
}

export interface Association {
  op: 'association';
  email: string;
  domain: string;
}

export type EventPropertyType = 'string' | 'number' | 'datetime';

export interface EventSend {
  op: 'event.send';
  eventName: string;
  email: string;
  occurredAt?: string;
  /** An object without prototype (see eventProperties): serialise or read it, do not call its methods. */
  properties: PropertyValues;
  uuid: string;
  /**
   * How a missing event definition would type each property (docs/mapping.md#events):
   * only those that are not strings are listed (most are strings, and this runs for every
   * track).
   */
  propertyTypes: Record<string, EventPropertyType>;
}

export type Operation = ContactUpsert | CompanyUpsert | Association | EventSend;
export type OperationKind = Operation['op'];

export type DeadLetterCode =
  | 'INVALID_JSON'
  | 'INVALID_RECORD'
  | 'INVALID_CSV'
  | 'TRUNCATED_INPUT'
  | 'MISSING_EMAIL'
  | 'INVALID_EMAIL'
  | 'INVALID_WEBSITE'
  | 'CONTACT_NOT_IDENTIFIED'
  | 'UNKNOWN_EVENT'
  | 'INVALID_TIMESTAMP'
  | 'HUBSPOT_REJECTED';

export type SkipReason =
  | 'duplicate'
  | 'filtered'
  | 'unsupported_type'
  /** `integrations` keeps the call away from HubSpot. */
  | 'integration_disabled'
  /** The user did not consent to a category HubSpot is mapped to. */
  | 'consent_denied'
  /** The call is a suppressed person's. */
  | 'suppressed'
  /** An earlier completed run of the state directory delivered its messageId. */
  | 'delivered';

export interface DeadLetterVerdict {
  code: DeadLetterCode;
  reason: string;
  /** The call has no type: the report counts these apart, as the commonest cause of a run that sends nothing. */
  missingType?: true;
}

export type PropertyObject = 'contact' | 'company' | 'event';

/** Something the mapping gave up on without failing the record; counted in the report. */
export type MappingWarning =
  /** Not in the catalog, read-only, calculated, not starting with a letter, beyond the 50th. */
  | {
      kind: 'dropped_property';
      object: PropertyObject;
      property: string;
      reason: string;
      /** The value given up on (a CSV cell as the value it spells): the property plan types the name from it. */
      value?: unknown;
      /** The property map's type for the name, which wins over the plan's inference. */
      type?: PlanType;
    }
  /** A value that could not be converted to the property's type. */
  | { kind: 'invalid_value'; object: PropertyObject; property: string; reason: string }
  /** An event property value longer than HubSpot accepts, cut to size. */
  | { kind: 'truncated_value'; object: 'event'; property: string; reason: string }
  /** An event sent without occurredAt (the call has no time field at all); `property` is the event name. */
  | { kind: 'without_time'; object: 'event'; property: string; reason: string };

/** A fact the identity map should learn: this Segment id belongs to this email. */
export interface IdentityFact {
  id: string;
  email: string;
}

export interface MapResult {
  operations: Operation[];
  warnings: MappingWarning[];
  deadLetter?: DeadLetterVerdict;
  skip?: SkipReason;
  /** Applied by the caller after the call, so later calls find the email. */
  learn: IdentityFact[];
}

/** The identity map (userId/anonymousId → email), read-only: all that mapping needs. */
export interface ReadonlyIdentityMap {
  get(id: string): string | undefined;
}

/** Where a fact was learnt: the input and the byte offset of the record that taught it. */
export interface LearntAt {
  file: string;
  offset: number;
}

/**
 * The identity map as a run keeps it: read, and learn (a later email for an id wins).
 * `at` lets a live run take back, after kill -9, what records past its watermark taught.
 */
export interface IdentityMap extends ReadonlyIdentityMap {
  set(id: string, email: string, at?: LearntAt): void;
}

// ---- property catalog (the properties API's shape, reduced to what mapping needs) ----

export type PropertyType =
  | 'bool'
  | 'date'
  | 'datetime'
  | 'enumeration'
  | 'number'
  | 'phone_number'
  | 'string'
  | 'object_coordinates'
  | 'json';

export interface PropertyOption {
  label: string;
  value: string;
}

/** One item of HubSpot's property list of an object, the fields mapping reads. */
export interface HubSpotProperty {
  name: string;
  label?: string;
  type: PropertyType | string;
  fieldType?: string;
  options?: PropertyOption[];
  /** Options resolved by HubSpot itself (e.g. owners): values cannot be checked locally. */
  externalOptions?: boolean;
  calculated?: boolean;
  modificationMetadata?: { readOnlyValue?: boolean; [k: string]: unknown };
  [k: string]: unknown;
}

/** The saved catalog file: `{"contacts":{"results":[…]},"companies":{"results":[…]}}`. */
export interface CatalogDocument {
  contacts: { results: HubSpotProperty[] };
  companies: { results: HubSpotProperty[] };
}

/** Known event definitions: fully qualified name → its property names. */
export type EventDefinitions = ReadonlyMap<string, ReadonlySet<string>>;

export interface MapOptions {
  /** Create missing event definitions and properties while sending (default true). */
  createEventDefinitions: boolean;
  /** Map `page` calls to the event `page_viewed` instead of skipping them. */
  pagesAsEvents: boolean;
  /** Segment event name → HubSpot fully qualified event name. */
  eventMap: Readonly<Record<string, string>>;
  /** `--property-map`: Segment keys renamed, dropped or typed, per object. */
  propertyMap?: PropertyMap;
}

export interface MapContext {
  catalog: Catalog;
  hubId: number | string;
  options: MapOptions;
  identities: ReadonlyIdentityMap;
  /**
   * Retroactive identities: the first email a first reading of the whole run learnt for
   * each id, asked only when the call and the identity map give none. Absent: the
   * stream rules alone.
   */
  firstEmails?: ReadonlyIdentityMap;
  /** Required when options.createEventDefinitions is false. */
  eventDefinitions?: EventDefinitions;
}

// ---- results of the building blocks ----

/** A value converted to HubSpot's wire format, or why it could not be. */
export type Conversion = { ok: true; value: string } | { ok: false; reason: string };

/** A normalised email, or why the given one is not an email. */
export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

/** A company's domain taken from its website, or why the website is unusable. */
export type DomainCheck = { ok: true; domain: string } | { ok: false; reason: string };

/** The fully qualified HubSpot event name of a track call, or why it has none. */
export type EventNameResult = { ok: true; eventName: string } | { ok: false; deadLetter: DeadLetterVerdict };

/** How a call's traits are read: the property map's section, and whether they are CSV cells. */
export interface TraitOptions {
  map?: KeyMap;
  cells?: boolean;
}

/** Contact or company properties mapped from traits, with what was given up on. */
export interface PropertyMapping {
  properties: PropertyValues;
  warnings: MappingWarning[];
}

/** Event properties mapped from a track's properties, typed for event definitions. */
export interface EventPropertyMapping extends PropertyMapping {
  /** The properties that are not typed `string`. */
  propertyTypes: Record<string, EventPropertyType>;
}

export type EventTimeField = 'timestamp' | 'originalTimestamp' | 'receivedAt' | 'sentAt';

/** When a call happened: epoch ms, the raw value it came from, and that value's field. */
export interface EventTime {
  ms: number;
  raw: unknown;
  field: EventTimeField;
}

/** `--since`/`--until` (epoch ms), `--types`, `--events`. */
export interface RecordFilters {
  /** Inclusive. */
  since?: number;
  /** Exclusive. */
  until?: number;
  types?: ReadonlySet<string>;
  /** Applies to track calls only. */
  events?: ReadonlySet<string>;
  /** Told each track event name `events` let through or turned away, to name near matches at the end. */
  onEventMatched?: (event: string) => void;
  onEventFiltered?: (event: string) => void;
}

/** The two CRM objects whose properties the catalog describes. */
export type CatalogObject = 'contact' | 'company';
