// event.send → the custom events' send/batch (≤ 500). Definitions are listed once; missing
// ones, and missing properties of existing ones, are created first (unless the run was
// told not to), one change at a time per event so two batches never race to create it.
// A definition holds 50 custom properties: names past them are left out of the
// occurrences, which are sent all the same (core/eventRoom.ts).
import { definitionStep, isDefaultEventProperty } from '../../core/eventRoom.js';
import type { DeadLetterVerdict, EventPropertyType, EventSend } from '../../core/types.js';
import { HubSpotApiError } from '../../hubspot/errors.js';
import type { EventDefinition, EventDefinitionPage } from '../../hubspot/types.js';
import type { Verdicts } from './keyedBatcher.js';
import type { Requester } from '../requests/requester.js';
import { namedWhole, rejectionMessage, sendInParts } from './sendInParts.js';
import { BatchWriter, keepFirst, type BatchEntry } from './writerKit.js';

const MAX_BATCH = 500;

type Entry = Pick<BatchEntry<EventSend>, 'key' | 'value'>;

/** The type a run's every value gives an event property; undefined when it does not know. */
export type EventPropertyTypeOf = (eventName: string, property: string) => EventPropertyType | undefined;

export interface EventWriterOptions {
  /** False with `--no-create-event-definitions`. */
  createDefinitions: boolean;
  lingerMs?: number;
  /** Types from every value of the run, when known (the property plan's reading). */
  runType?: EventPropertyTypeOf;
  /**
   * An event's property names in the order the run's records first carried them, when the
   * run knows it before sending (a fold): a new definition then takes every name with a
   * place at once. Absent or empty, a stream's batches, which arrive in that order, give it.
   */
  runOrder?: (eventName: string) => readonly string[];
  /** A property left out of one occurrence: its event's definition has no place for it. */
  onNoRoom?: (eventName: string, property: string) => void;
}

function label(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Lists every event definition of the portal: fully qualified name → property names.
 * `authFatal: false`: a 401/403 is thrown to a caller that can do without.
 */
export async function listEventDefinitions(requester: Requester, { authFatal = true } = {}): Promise<Map<string, Set<string>>> {
  const definitions = new Map<string, Set<string>>();
  let after: string | undefined;
  do {
    const { body } = await requester.send<EventDefinitionPage>('eventDefinitions', {
      query: { includeProperties: true, limit: 100, ...(after ? { after } : {}) },
    }, { authFatal });
    for (const definition of body.results) definitions.set(definition.fullyQualifiedName, propertyNames(definition));
    after = body.paging?.next?.after;
  } while (after);
  return definitions;
}

function propertyNames(definition: EventDefinition): Set<string> {
  return new Set((definition.properties ?? []).map((p) => p.name));
}

export class EventWriter extends BatchWriter<EventSend> {
  private definitions?: Promise<Map<string, Set<string>>>;
  private readonly changes = new Map<string, Promise<DeadLetterVerdict | undefined>>();
  /** Per event, the names its definition has no place for: left out of its occurrences. */
  private readonly noRoom = new Map<string, Set<string>>();

  constructor(
    private readonly requester: Requester,
    private readonly hubId: number,
    onFatal: (error: unknown) => void,
    private readonly options: EventWriterOptions,
  ) {
    super({ onFatal, lingerMs: options.lingerMs }, MAX_BATCH, keepFirst);
  }

  enqueue(op: EventSend, seq: number): Promise<DeadLetterVerdict | undefined> {
    return this.batches.add(`${op.eventName}\n${op.uuid}`, op, seq);
  }

  protected async send(batch: readonly Entry[], seq: number): Promise<Verdicts> {
    const verdicts: Verdicts = new Map();
    const sendable: Entry[] = [];
    const problems = await this.ensureDefinitions(batch.map((entry) => entry.value));
    for (const entry of batch) {
      const problem = problems.get(entry.value.eventName);
      if (problem) verdicts.set(entry.key, problem);
      else sendable.push(this.withRoom(entry));
    }
    const rejected = await sendInParts(sendable, async (part) => {
      const inputs = part.map(({ value: { eventName, email, occurredAt, properties, uuid } }) => ({ eventName, email, occurredAt, properties, uuid }));
      await this.requester.send('eventsSend', { body: { inputs } }, { seq });
      return new Map();
    }, (error, part) => namedWhole(offendingEvents(error, part)));
    for (const [entry, { message }] of rejected) verdicts.set(entry.key, { code: 'HUBSPOT_REJECTED', reason: `event ${entry.value.eventName}: ${message}` });
    return verdicts;
  }

  /** The entry as it is sent: without the properties its event's definition has no place for (each counted). */
  private withRoom(entry: Entry): Entry {
    const left = this.noRoom.get(entry.value.eventName);
    if (left === undefined || !Object.keys(entry.value.properties).some((name) => left.has(name))) return entry;
    const properties = Object.create(null) as EventSend['properties'];
    for (const [name, value] of Object.entries(entry.value.properties)) {
      if (!left.has(name)) properties[name] = value;
      else this.options.onNoRoom?.(entry.value.eventName, name);
    }
    return { key: entry.key, value: { ...entry.value, properties } };
  }

  /** Makes sure every event and property of the batch is defined; answers the events that cannot be. */
  private async ensureDefinitions(ops: readonly EventSend[]): Promise<Map<string, DeadLetterVerdict>> {
    const needed = new Map<string, Map<string, EventPropertyType>>();
    for (const op of ops) {
      const types = needed.get(op.eventName) ?? new Map<string, EventPropertyType>();
      for (const name of Object.keys(op.properties)) if (!types.has(name) && !isDefaultEventProperty(name)) types.set(name, this.typeOf(op.eventName, name) ?? op.propertyTypes[name] ?? 'string');
      needed.set(op.eventName, types);
    }
    const problems = new Map<string, DeadLetterVerdict>();
    if (!this.options.createDefinitions) return problems;
    this.definitions ??= listEventDefinitions(this.requester);
    const definitions = await this.definitions;
    await Promise.all([...needed].map(async ([eventName, types]) => {
      // One change per event at a time: a second batch waits for the first's creation.
      for (;;) {
        const running = this.changes.get(eventName);
        if (!running) break;
        const problem = await running;
        if (problem) {
          problems.set(eventName, problem);
          return;
        }
      }
      const left = this.noRoom.get(eventName) ?? new Set<string>();
      const step = definitionStep(definitions.get(eventName), left, this.options.runOrder?.(eventName) ?? [], [...types.keys()]);
      if (step === undefined) return;
      for (const name of step.noRoom) left.add(name);
      if (left.size > 0) this.noRoom.set(eventName, left);
      if (!step.create && step.define.length === 0) return;
      const typed = step.define.map((name): [string, EventPropertyType] => [name, types.get(name) ?? this.typeOf(eventName, name) ?? 'string']);
      const change = this.define(definitions, eventName, typed, step.create);
      this.changes.set(eventName, change);
      const problem = await change.finally(() => this.changes.delete(eventName));
      if (problem) problems.set(eventName, problem);
    }));
    return problems;
  }

  /** The whole run's values decide a type when they are known, not the first batch's. */
  private typeOf(eventName: string, name: string): EventPropertyType | undefined {
    return this.options.runType?.(eventName, name);
  }

  private async define(
    definitions: Map<string, Set<string>>,
    eventName: string,
    properties: Array<[string, EventPropertyType]>,
    createEvent: boolean,
  ): Promise<DeadLetterVerdict | undefined> {
    const prefix = `pe${this.hubId}_`;
    const name = eventName.startsWith(prefix) ? eventName.slice(prefix.length) : eventName;
    try {
      if (createEvent) {
        await this.requester.send('eventDefinitionCreate', {
          body: {
            name,
            label: label(name),
            primaryObject: 'CONTACT',
            includeDefaultProperties: true,
            propertyDefinitions: properties.map(([property, type]) => ({ name: property, label: label(property), type })),
          },
        });
        definitions.set(eventName, new Set(properties.map(([property]) => property)));
        return undefined;
      }
      for (const [property, type] of properties) {
        await this.requester.send('eventPropertyCreate', {
          pathParams: { eventName: name },
          body: { name: property, label: label(property), type },
        });
        definitions.get(eventName)?.add(property);
      }
      return undefined;
    } catch (error) {
      if (!(error instanceof HubSpotApiError) || error.kind !== 'rejected') throw error;
      if (error.status === 409) {
        // Someone else defined it meanwhile: read the definitions again and go on.
        this.definitions = listEventDefinitions(this.requester);
        const fresh = await this.definitions;
        for (const [key, value] of fresh) definitions.set(key, value);
        return undefined;
      }
      return { code: 'HUBSPOT_REJECTED', reason: `event definition ${eventName}: ${rejectionMessage(error)}` };
    }
  }
}

/**
 * The events a 400 names. An invalid email names its event only by the event's name,
 * which every occurrence in the batch shares: those are matched by the email the message
 * quotes, so one contact's bad email never refuses another's events.
 */
export function offendingEvents(error: HubSpotApiError, part: readonly Entry[]): Entry[] {
  const details = [error.envelope, ...(error.envelope.errors ?? [])];
  const emails = new Set(details.flatMap((d) => [...(d.message ?? '').matchAll(/Email address (\S+) is invalid/g)].map((m) => m[1]!.toLowerCase())));
  if (emails.size > 0) return part.filter((entry) => emails.has(entry.value.email.toLowerCase()));
  const events = new Set(details.flatMap((d) => d.context?.eventName ?? []));
  const properties = new Set(details.flatMap((d) => d.context?.propertyName ?? []));
  const indexes = new Set(details.flatMap((d) => d.context?.index ?? []).map(Number));
  return part.filter((entry, i) =>
    indexes.has(i) ||
    (events.size > 0 && events.has(entry.value.eventName) && properties.size === 0) ||
    (properties.size > 0 && Object.keys(entry.value.properties).some((p) => properties.has(p)) && (events.size === 0 || events.has(entry.value.eventName))),
  );
}
