// The emulator's live state (contacts, companies, associations, event definitions and
// occurrences) and its canonical, id-independent snapshot.

import type { EventPropertyType, HubSpotPropertyOption } from './types.js';

export interface CrmRecord {
  id: string;
  /** Canonical stored values, including system ones (hs_object_id, createdate, last modified). */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

interface Version {
  at: number;
  properties: Record<string, string> | undefined;
}

/** Records of one CRM object type, with the indexes and history the endpoints need. */
export class CrmStore {
  readonly records = new Map<string, CrmRecord>();
  /** Contacts only: lowercased email → record. */
  readonly byEmail = new Map<string, CrmRecord>();
  private readonly history = new Map<string, Version[]>();
  /** Deleted (or merged-away) records search may still show while it lags. */
  private readonly deleted = new Set<string>();
  /** Every lowercased domain a record ever had → ids (candidates for a lagged search). */
  private readonly domainIndex = new Map<string, Set<string>>();
  private nextId: number;

  constructor(
    readonly kind: 'contacts' | 'companies',
    firstId: number,
    private readonly onChange: () => void,
    /** Search sees the state this many ms ago (companies). */
    readonly lagMs = 0,
  ) {
    this.nextId = firstId;
  }

  get lastModifiedProperty(): string {
    return this.kind === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
  }

  get(id: string): CrmRecord | undefined {
    return this.records.get(id);
  }

  /** Find by an id property: hs_object_id, email (contacts) or a unique property. */
  findBy(idProperty: string, value: string): CrmRecord | undefined {
    if (idProperty === 'hs_object_id') return this.records.get(value);
    if (this.kind === 'contacts' && idProperty === 'email') return this.byEmail.get(value.toLowerCase());
    for (const r of this.records.values()) if (r.properties[idProperty] === value) return r;
    return undefined;
  }

  /** Create a record. `visibleAt` (default now) is when search starts to see it. */
  create(changes: Record<string, string>, at: number, visibleAt = at): CrmRecord {
    const id = String(this.nextId++);
    const iso = new Date(at).toISOString();
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(changes)) if (v !== '') properties[k] = v;
    Object.assign(properties, { hs_object_id: id, createdate: iso, [this.lastModifiedProperty]: iso });
    const record: CrmRecord = { id, properties, createdAt: at, updatedAt: at, archived: false };
    this.records.set(id, record);
    this.index(record);
    this.remember(record, visibleAt);
    this.onChange();
    return record;
  }

  /**
   * Merge canonical changes into a record (`""` removes a value). Returns whether anything
   * changed; an unchanged record keeps its modification date.
   */
  update(record: CrmRecord, changes: Record<string, string>, at: number, visibleAt = at): boolean {
    const previousEmail = record.properties.email;
    let changed = false;
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') {
        if (k in record.properties) {
          delete record.properties[k];
          changed = true;
        }
      } else if (record.properties[k] !== v) {
        record.properties[k] = v;
        changed = true;
      }
    }
    if (!changed) return false;
    record.updatedAt = at;
    record.properties[this.lastModifiedProperty] = new Date(at).toISOString();
    if (this.kind === 'contacts' && previousEmail !== record.properties.email && previousEmail !== undefined) {
      this.byEmail.delete(previousEmail);
    }
    this.index(record);
    this.remember(record, visibleAt);
    this.onChange();
    return true;
  }

  /**
   * Deletes a record (HubSpot archives it: gone from reads, updates and associations at
   * once; search still shows it until its index catches up).
   */
  delete(id: string, at: number): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    this.records.delete(id);
    if (this.kind === 'contacts' && record.properties.email !== undefined) this.byEmail.delete(record.properties.email);
    if (this.lagMs > 0) {
      this.deleted.add(id);
      this.remember(record, at, true);
    }
    this.onChange();
    return true;
  }

  private index(record: CrmRecord): void {
    const email = record.properties.email;
    if (this.kind === 'contacts' && email !== undefined) this.byEmail.set(email, record);
    const domain = record.properties.domain;
    if (this.kind === 'companies' && domain !== undefined) {
      const ids = this.domainIndex.get(domain) ?? new Set<string>();
      ids.add(record.id);
      this.domainIndex.set(domain, ids);
    }
  }

  private remember(record: CrmRecord, at: number, gone = false): void {
    if (this.lagMs <= 0) return;
    const versions = this.history.get(record.id) ?? [];
    versions.push({ at, properties: gone ? undefined : { ...record.properties } });
    // keep the newest version search can already see, and everything newer
    const horizon = at - this.lagMs;
    while (versions.length >= 2 && (versions[1] as Version).at <= horizon) versions.shift();
    this.history.set(record.id, versions);
  }

  /** Ids of records that ever had one of these (stored, lowercase) domains. */
  idsWithDomain(domains: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const d of domains) for (const id of this.domainIndex.get(d) ?? []) out.add(id);
    return out;
  }

  /** Ids search may show: the live records, and deleted ones its index has not caught up with. */
  searchCandidates(): Iterable<string> {
    return this.deleted.size === 0 ? this.records.keys() : [...this.records.keys(), ...this.deleted];
  }

  /** The properties search can see for a record at time `t`, or undefined if it is not visible (yet, or any more). */
  searchView(id: string, t: number): Record<string, string> | undefined {
    const record = this.records.get(id);
    if (this.lagMs <= 0) return record?.properties;
    const versions = this.history.get(id);
    if (!versions) return record?.properties;
    const horizon = t - this.lagMs;
    let seen: Record<string, string> | undefined;
    for (const v of versions) {
      if (v.at <= horizon) seen = v.properties;
      else break;
    }
    return seen;
  }
}

export interface StoredEventProperty {
  name: string;
  label: string;
  type: EventPropertyType;
  description: string;
  options: HubSpotPropertyOption[];
  createdAt: number;
}

export interface StoredEventDefinition {
  id: string;
  name: string;
  fullyQualifiedName: string;
  label: string;
  pluralLabel?: string;
  description: string;
  primaryObject: string;
  objectTypeId: string;
  includeDefaultProperties: boolean;
  /** Custom properties, in creation order. */
  properties: StoredEventProperty[];
  createdAt: number;
  archived: boolean;
}

export interface StoredOccurrence {
  eventName: string;
  uuid: string;
  email?: string;
  objectId?: string;
  utk?: string;
  /** Canonical ISO-8601 UTC with milliseconds. */
  occurredAt: string;
  properties: Record<string, string>;
  receivedAt: number;
}

export interface AssociationPair {
  contactId: string;
  companyId: string;
}

/** Live state: read freely from tests; write through the API or the emulator's seed methods. */
export class EmulatorState {
  /** Bumped on every change; the server compares it to count writes. */
  version = 0;
  readonly contactStore: CrmStore;
  readonly companyStore: CrmStore;
  /** `${contactId}:${companyId}` → pair; a set, so a repeated association is idempotent. */
  readonly associations = new Map<string, AssociationPair>();
  /** Internal name → definition. */
  readonly eventDefinitions = new Map<string, StoredEventDefinition>();
  readonly eventOccurrences: StoredOccurrence[] = [];
  /** fullyQualifiedName → uuids already stored (first one wins). */
  readonly eventUuids = new Map<string, Set<string>>();

  constructor(searchLagMs: number, idOffset = 0) {
    const bump = (): void => {
      this.version++;
    };
    this.contactStore = new CrmStore('contacts', 1001 + idOffset, bump);
    this.companyStore = new CrmStore('companies', 5_000_000_001 + idOffset, bump, searchLagMs);
  }

  /** Contacts by lowercased email. */
  get contacts(): Map<string, CrmRecord> {
    return this.contactStore.byEmail;
  }

  /** All contacts by id (including any without an email). */
  get contactsById(): Map<string, CrmRecord> {
    return this.contactStore.records;
  }

  /** Companies by id. */
  get companies(): Map<string, CrmRecord> {
    return this.companyStore.records;
  }

  associate(contactId: string, companyId: string): void {
    const key = `${contactId}:${companyId}`;
    if (this.associations.has(key)) return;
    this.associations.set(key, { contactId, companyId });
    this.version++;
  }

  /** Associations as contact email / company domain pairs (null where absent). */
  associationPairs(): Array<{ contactId: string; companyId: string; email: string | null; domain: string | null }> {
    return [...this.associations.values()].map(({ contactId, companyId }) => ({
      contactId,
      companyId,
      email: this.contactStore.get(contactId)?.properties.email ?? null,
      domain: this.companyStore.get(companyId)?.properties.domain ?? null,
    }));
  }

  storeOccurrence(o: StoredOccurrence): boolean {
    const seen = this.eventUuids.get(o.eventName) ?? new Set<string>();
    this.eventUuids.set(o.eventName, seen);
    if (seen.has(o.uuid)) return false;
    seen.add(o.uuid);
    this.eventOccurrences.push(o);
    this.version++;
    return true;
  }
}

// ---- snapshot ----

const VOLATILE = new Set(['createdate', 'lastmodifieddate', 'hs_lastmodifieddate', 'hs_object_id']);

function sortedKeys(properties: Record<string, string>, skip?: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(properties).sort()) if (!skip?.has(k)) out[k] = properties[k] as string;
  return out;
}

const stable = (properties: Record<string, string>): Record<string, string> => sortedKeys(properties, VOLATILE);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface EmulatorSnapshot {
  contacts: Record<string, Record<string, string>>;
  contactsWithoutEmail: Array<Record<string, string>>;
  companies: Array<Record<string, string>>;
  associations: Array<[string | null, string | null]>;
  eventDefinitions: Array<{ name: string; fullyQualifiedName: string; label: string; primaryObject: string; properties: string[] }>;
  events: Array<{ eventName: string; uuid: string; email: string | null; occurredAt: string; properties: Record<string, string> }>;
}

/** Canonical view of the state: no ids or volatile dates, everything sorted. Compare two runs with toEqual. */
export function snapshotOf(state: EmulatorState): EmulatorSnapshot {
  const contacts: Record<string, Record<string, string>> = {};
  const contactsWithoutEmail: Array<Record<string, string>> = [];
  const contactRecords = [...state.contactsById.values()].sort((a, b) => cmp(a.properties.email ?? '', b.properties.email ?? ''));
  for (const r of contactRecords) {
    const email = r.properties.email;
    if (email === undefined) contactsWithoutEmail.push(stable(r.properties));
    else contacts[email] = stable(r.properties);
  }
  contactsWithoutEmail.sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b)));
  const companies = [...state.companies.values()]
    .map((r) => stable(r.properties))
    .sort((a, b) => cmp(a.domain ?? '', b.domain ?? '') || cmp(JSON.stringify(a), JSON.stringify(b)));
  const associations = state
    .associationPairs()
    .map((p): [string | null, string | null] => [p.email, p.domain])
    .sort((a, b) => cmp(a[0] ?? '', b[0] ?? '') || cmp(a[1] ?? '', b[1] ?? ''));
  const eventDefinitions = [...state.eventDefinitions.values()]
    .map((d) => ({
      name: d.name,
      fullyQualifiedName: d.fullyQualifiedName,
      label: d.label,
      primaryObject: d.primaryObject,
      properties: d.properties.map((p) => p.name).sort(),
    }))
    .sort((a, b) => cmp(a.name, b.name));
  const events = state.eventOccurrences
    .map((o) => ({
      eventName: o.eventName,
      uuid: o.uuid,
      email: o.email ?? (o.objectId !== undefined ? state.contactsById.get(o.objectId)?.properties.email : undefined) ?? null,
      occurredAt: o.occurredAt,
      properties: sortedKeys(o.properties),
    }))
    .sort((a, b) => cmp(a.eventName, b.eventName) || cmp(a.uuid, b.uuid));
  return { contacts, contactsWithoutEmail, companies, associations, eventDefinitions, events };
}
