// The HubSpot event a track call records (docs/mapping.md#events).

import { createHash } from 'node:crypto';
import { normalizeEventName } from './keys.js';
import type { EventNameResult } from './types.js';

const QUALIFIED = /^pe(\d+)_/;

/** HubSpot's limit on an event definition's internal name (the part after `pe<hubId>_`). */
export const EVENT_NAME_LIMIT = 50;
const HASH_LENGTH = 8;
const TRAILING_UNDERSCORES = /_+$/;

/**
 * The fully qualified name of a track's event: a `pe<digits>_…` name as is (it must be
 * this portal's), else the event map's entry, else the name normalised and prefixed
 * `pe<hubId>_`. A map entry that is not fully qualified is normalised the same way.
 */
export function eventNameFor(
  segmentName: string,
  hubId: number | string,
  eventMap: Readonly<Record<string, string>>,
): EventNameResult {
  // An export repeats a few dozen event names millions of times: each is named once per
  // portal and event map (bounded, so a file of random names cannot grow it for ever).
  if (memo.hubId !== hubId || memo.eventMap !== eventMap || memo.names.size >= MEMO_LIMIT) {
    memo = { hubId, eventMap, names: new Map() };
  }
  let result = memo.names.get(segmentName);
  if (result === undefined) {
    result = nameEvent(segmentName, String(hubId), eventMap);
    memo.names.set(segmentName, result);
  }
  return result;
}

const MEMO_LIMIT = 10_000;
let memo: { hubId: number | string; eventMap: object; names: Map<string, EventNameResult> } = { hubId: '', eventMap: {}, names: new Map() };

function nameEvent(segmentName: string, hub: string, eventMap: Readonly<Record<string, string>>): EventNameResult {
  if (QUALIFIED.test(segmentName)) return ofThisPortal(segmentName, hub, `event ${JSON.stringify(segmentName)}`);
  if (Object.hasOwn(eventMap, segmentName)) {
    const mapped = eventMap[segmentName] ?? '';
    const where = `event ${JSON.stringify(segmentName)}, mapped to ${JSON.stringify(mapped)} by the event map,`;
    return QUALIFIED.test(mapped) ? ofThisPortal(mapped, hub, where) : qualify(mapped, hub, where);
  }
  return qualify(segmentName, hub, `event ${JSON.stringify(segmentName)}`);
}

/** The internal name of an event: normalised, and kept within HubSpot's 50 characters. */
export function internalEventName(name: string): string {
  const normalised = normalizeEventName(name);
  if (normalised.length <= EVENT_NAME_LIMIT) return normalised;
  // Cutting alone would merge long names sharing a prefix into one event; a hash of the
  // full name keeps them apart and stays the same from run to run.
  const hash = createHash('sha1').update(normalised).digest('hex').slice(0, HASH_LENGTH);
  const head = normalised.slice(0, EVENT_NAME_LIMIT - HASH_LENGTH - 1).replace(TRAILING_UNDERSCORES, '');
  return `${head}_${hash}`;
}

function qualify(name: string, hub: string, where: string): EventNameResult {
  const internal = internalEventName(name);
  if (internal === '') {
    return {
      ok: false,
      deadLetter: { code: 'INVALID_RECORD', reason: `${where} has no letter or digit to name a HubSpot event: give the track a real event name` },
    };
  }
  return { ok: true, eventName: `pe${hub}_${internal}` };
}

function ofThisPortal(name: string, hub: string, where: string): EventNameResult {
  const portal = QUALIFIED.exec(name)?.[1];
  if (portal === hub) return { ok: true, eventName: name };
  return {
    ok: false,
    deadLetter: {
      code: 'UNKNOWN_EVENT',
      reason: `${where} names an event of HubSpot portal ${portal ?? '?'}, not of this portal (${hub}): rename the event or map it with --event-map`,
    },
  };
}
