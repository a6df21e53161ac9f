// track → event.send, preceded by a contact.upsert of context.traits (docs/mapping.md#track).

import { isFromCsv } from './cellValues.js';
import { contactProperties } from './contactProperties.js';
import { eventNameFor } from './eventName.js';
import { eventProperties } from './eventProperties.js';
import { eventTime, unreadableTimes } from './eventTime.js';
import { formatDateTime } from './instant.js';
import { isRecord, own, quote } from './json.js';
import { invalidEmailReason, missingEmailHint, resolveEmail, TRACK_EMAIL_SOURCES } from './resolveEmail.js';
import { deadLettered, mapped } from './result.js';
import type { EventSend, MapContext, MapResult, MappingWarning, Operation, SegmentCall } from './types.js';
import { uuidFor } from './uuid.js';

/**
 * Maps a track call. `origin` is the record the occurrence's uuid and time come from:
 * the call itself, or the page a page_viewed event was made from.
 */
export function mapTrack(call: SegmentCall, context: MapContext, origin: SegmentCall = call): MapResult {
  const resolution = resolveEmail(call, TRACK_EMAIL_SOURCES, context.identities, context.firstEmails);
  if (resolution.kind === 'invalid') return deadLettered('INVALID_EMAIL', invalidEmailReason(resolution));
  if (resolution.kind === 'missing') {
    const name = String(own(origin, 'type'));
    return deadLettered('MISSING_EMAIL', `${name} has no email: ${missingEmailHint(call, TRACK_EMAIL_SOURCES)}`);
  }
  const email = resolution.email;
  const warnings: MappingWarning[] = [];
  const operations: Operation[] = [];

  // Setting contact properties on track: only worth a request when one survives the catalog.
  const ctx = own(call, 'context');
  const traits = isRecord(ctx) ? own(ctx, 'traits') : undefined;
  if (isRecord(traits)) {
    const { properties } = contactProperties(traits, context.catalog, warnings, { map: context.options.propertyMap?.contact, cells: isFromCsv(origin) });
    if (hasAny(properties)) operations.push({ op: 'contact.upsert', email, properties });
  }

  const name = eventNameFor(own(call, 'event') as string, context.hubId, context.options.eventMap);
  if (!name.ok) return deadLettered(name.deadLetter.code, name.deadLetter.reason, operations, warnings);
  const eventName = name.eventName;

  // A backfill must not date a past event today: a time that is there but unreadable stops the event.
  const unreadable = unreadableTimes(origin);
  if (unreadable !== undefined) {
    const fields = unreadable.map(({ field, raw }) => `${field} ${quote(raw)}`).join(', ');
    const reason = `no time field parses (${fields}): write it as ISO-8601 (2026-03-05T04:30:00Z) or a warehouse time (2026-03-05 04:30:00 UTC), or leave it empty to let HubSpot date the event on arrival`;
    return deadLettered('INVALID_TIMESTAMP', reason, operations, warnings);
  }

  let defined: ReadonlySet<string> | undefined;
  if (!context.options.createEventDefinitions) {
    defined = context.eventDefinitions?.get(eventName);
    if (defined === undefined) {
      const reason = `event ${eventName} has no definition in HubSpot and creating definitions is off (--no-create-event-definitions): create the event in HubSpot, map it to an existing one with --event-map, or allow creation`;
      return deadLettered('UNKNOWN_EVENT', reason, operations, warnings);
    }
  }

  const { properties, propertyTypes } = eventProperties(own(call, 'properties'), { defined, cells: isFromCsv(origin), map: context.options.propertyMap?.event }, warnings);
  const time = eventTime(origin);
  const uuid = uuidFor(origin, time?.raw);
  // Without any event time occurredAt is left out, and HubSpot uses the time of receipt:
  // counted (withoutTime) so that the summary can say so.
  if (time === undefined) warnings.push({ kind: 'without_time', object: 'event', property: eventName, reason: 'no time field: sent without occurredAt' });
  const send: EventSend =
    time === undefined
      ? { op: 'event.send', eventName, email, properties, uuid, propertyTypes }
      : { op: 'event.send', eventName, email, occurredAt: formatDateTime(time.ms), properties, uuid, propertyTypes };
  operations.push(send);
  return mapped(operations, warnings);
}

function hasAny(properties: object): boolean {
  for (const _ in properties) return true;
  return false;
}
