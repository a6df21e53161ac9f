// The property map (docs/mapping.md#the-property-map): Segment keys renamed onto HubSpot
// properties, dropped, or given a type for creation, per object. Pure: the file is read
// by the CLI, checked and compiled here.

import { COMPANY_SPECIAL_TRAITS } from './companyProperties.js';
import { CONTACT_SPECIAL_TRAITS } from './contactProperties.js';
import { isRecord } from './json.js';
import { normalizeKey } from './keys.js';
import { PLAN_TYPES, type PlanType } from './propertyPlan.js';

/** What a map entry does with its key: send it under another name (maybe typed), or leave it out. */
export type MapTarget = { kind: 'rename'; name: string; type?: PlanType } | { kind: 'drop' };

export const MAP_SECTIONS = ['contact', 'company', 'event'] as const;
export type MapSection = (typeof MAP_SECTIONS)[number];

/** The entries of one section, looked up by a key as written, else after the key rules. */
export class KeyMap {
  readonly #exact = new Map<string, MapTarget>();
  readonly #normalized = new Map<string, MapTarget>();

  add(key: string, target: MapTarget): void {
    this.#exact.set(key, target);
    const name = normalizeKey(key);
    // Two entries that normalise alike: the first in the file wins the normalised match.
    if (!this.#normalized.has(name)) this.#normalized.set(name, target);
  }

  /**
   * The entry for a trait: `key` is the key as written (a top-level trait), `name` its
   * name after the key rules and flattening. An entry written exactly as the key wins.
   */
  lookup(key: string | undefined, name: string): MapTarget | undefined {
    return (key === undefined ? undefined : this.#exact.get(key)) ?? this.#exact.get(name) ?? this.#normalized.get(name);
  }

  get size(): number {
    return this.#exact.size;
  }
}

export type PropertyMap = Readonly<Record<MapSection, KeyMap>>;

/** A compiled map, or the entry that makes the file unusable and why. */
export type PropertyMapReading = { ok: true; map: PropertyMap } | { ok: false; entry: string; reason: string };

const EVENT_TYPES: ReadonlySet<PlanType> = new Set(['string', 'number', 'datetime']);

const SPECIAL: Readonly<Record<MapSection, ReadonlySet<string>>> = {
  contact: new Set(CONTACT_SPECIAL_TRAITS.map(normalizeKey)),
  company: new Set([...COMPANY_SPECIAL_TRAITS, 'email'].map(normalizeKey)),
  event: new Set(['email']),
};

/** Checks and compiles a parsed `--property-map` document. */
export function readPropertyMap(document: unknown): PropertyMapReading {
  if (!isRecord(document)) return { ok: false, entry: '(the file)', reason: 'it must be a JSON object {"contact":{…},"company":{…},"event":{…}}' };
  const map: Record<MapSection, KeyMap> = { contact: new KeyMap(), company: new KeyMap(), event: new KeyMap() };
  for (const section of Object.keys(document)) {
    if (!(MAP_SECTIONS as readonly string[]).includes(section)) return { ok: false, entry: section, reason: 'the sections are contact, company and event' };
    const entries = document[section];
    if (!isRecord(entries)) return { ok: false, entry: section, reason: 'a section must be an object of Segment keys to HubSpot names' };
    for (const key of Object.keys(entries)) {
      const target = readEntry(section as MapSection, key, entries[key]);
      if (typeof target === 'string') return { ok: false, entry: `${section}.${key}`, reason: target };
      map[section as MapSection].add(key, target);
    }
  }
  return { ok: true, map };
}

/** An entry's target, or why it is refused. */
function readEntry(section: MapSection, key: string, value: unknown): MapTarget | string {
  if (SPECIAL[section].has(normalizeKey(key))) {
    return key.trim().toLowerCase() === 'email' ? '`email` identifies the record and cannot be mapped' : `${key} is a special field's source (docs/mapping.md) and cannot be mapped`;
  }
  if (value === null) return { kind: 'drop' };
  if (typeof value === 'string') return checkName(value) ?? { kind: 'rename', name: value };
  if (!isRecord(value)) return 'an entry is a HubSpot property name, null (leave the key out), or {"name":…,"type":…}';
  const { name, type } = value;
  const extra = Object.keys(value).filter((field) => field !== 'name' && field !== 'type');
  if (extra.length > 0) return `unknown field ${extra[0]}: an entry object has only "name" and "type"`;
  if (typeof name !== 'string') return '"name" must be the HubSpot property name';
  const badName = checkName(name);
  if (badName !== undefined) return badName;
  if (type === undefined) return { kind: 'rename', name };
  const allowed = section === 'event' ? [...EVENT_TYPES] : [...PLAN_TYPES];
  if (typeof type !== 'string' || !allowed.includes(type as PlanType)) {
    return `"type" must be one of ${allowed.join(', ')}${section === 'event' ? ' (HubSpot events have no boolean or date type)' : ''}`;
  }
  return { kind: 'rename', name, type: type as PlanType };
}

function checkName(name: string): string | undefined {
  if (name.trim() === '') return 'the HubSpot name is empty';
  if (name.trim().toLowerCase() === 'email') return 'no entry may target `email`: it identifies the contact';
  return undefined;
}
