// HubSpot keeps at most 50 custom properties on one event definition (docs/hubspot.md#custom-events).
// An event whose occurrences carry more names than fit still has every occurrence sent:
// the names that fit get the places, in the order the run met them, and the others are
// left out of each occurrence (dropped and counted, as a property past an occurrence's
// 50th is). A run that read its whole export first knows that order before its first
// event batch, so the places are the same whether it sends in input order or in the
// fold's key order.

/** The custom properties one event definition holds at most. */
export const EVENT_DEFINITION_PROPERTY_LIMIT = 50;

/** HubSpot's own event properties (`hs_…`): every definition accepts them, and they take no place. */
export function isDefaultEventProperty(name: string): boolean {
  return name.startsWith('hs_');
}

export interface EventPlaces {
  /** The names that have a place and are not defined yet, in the run's order. */
  placed: string[];
  /** Names of `wanted` without a place: left out of the occurrences. */
  noRoom: string[];
}

/**
 * The places on an event's definition for the names its occurrences carry (`wanted`), given
 * what it holds already (`defined`; undefined: no definition yet) and the order the run met
 * the event's names in (`runOrder`; names it lacks follow in `wanted`'s order). `placed`
 * lists every name with a place, also those of `runOrder` this batch does not carry.
 */
export function eventPlaces(defined: ReadonlySet<string> | undefined, runOrder: readonly string[], wanted: readonly string[], limit = EVENT_DEFINITION_PROPERTY_LIMIT): EventPlaces {
  let taken = 0;
  for (const name of defined ?? []) if (!isDefaultEventProperty(name)) taken++;
  const placed: string[] = [];
  const seen = new Set<string>();
  for (const name of [...runOrder, ...wanted]) {
    if (placed.length >= limit - taken) break;
    if (seen.has(name) || defined?.has(name) || isDefaultEventProperty(name)) continue;
    seen.add(name);
    placed.push(name);
  }
  const hasPlace = new Set(placed);
  const noRoom = wanted.filter((name) => !hasPlace.has(name) && !defined?.has(name) && !isDefaultEventProperty(name));
  return { placed, noRoom };
}

/** What one batch asks of its event's definition. */
export interface DefinitionStep {
  /** No definition yet: it is created, with `define`. */
  create: boolean;
  /** The names to define: for a new definition every name with a place, for an existing one this batch's. */
  define: string[];
  /** This batch's names without a place, from now on left out of the event's occurrences. */
  noRoom: string[];
}

/**
 * The step a batch of an event's occurrences, carrying `carried`, takes: undefined when
 * the definition has every name already (or has ruled it out: `leftOut`). Both the event
 * writer and a dry run's request plan take it, so the plan counts what the run asks.
 */
export function definitionStep(
  defined: ReadonlySet<string> | undefined,
  leftOut: ReadonlySet<string>,
  runOrder: readonly string[],
  carried: readonly string[],
  limit = EVENT_DEFINITION_PROPERTY_LIMIT,
): DefinitionStep | undefined {
  const missing = carried.filter((name) => !defined?.has(name) && !leftOut.has(name) && !isDefaultEventProperty(name));
  if (defined !== undefined && missing.length === 0) return undefined;
  const { placed, noRoom } = eventPlaces(defined, runOrder, missing, limit);
  const hasPlace = new Set(placed);
  return { create: defined === undefined, define: defined === undefined ? placed : missing.filter((name) => hasPlace.has(name)), noRoom };
}
