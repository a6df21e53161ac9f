// What HubSpot's rejection of one merged operation means for the records merged into it
// (docs/hubspot.md#rejections-of-a-merged-operation). Operations on one key are merged, later record wins per
// property; a rejection must reject only the records at fault, and the key is then sent
// again merged from the others, so that a rejected record has had no effect on HubSpot.
// Pure: no request is made here (halving is handed a function that sends).
import type { ErrorDetail } from '../../hubspot/errors.js';
import type { DeadLetterVerdict, PropertyValues } from '../../core/types.js';

/** A property a rejection names; `anyValue`: HubSpot refuses the property itself (it does not exist, it is read-only), so every value of it. */
export interface NamedProperty {
  name: string;
  anyValue: boolean;
}

/** What a rejection of one input says about it. */
export type RejectionCause =
  /** The key itself (the email, the domain): nothing sent for it can arrive. */
  | { kind: 'key' }
  /** Values of these properties (as sent) were refused. */
  | { kind: 'properties'; properties: readonly NamedProperty[] }
  /** HubSpot says no more than that it refused the input. */
  | { kind: 'unexplained' };

export interface Rejection {
  /** HubSpot's words, for the dead letter. */
  message: string;
  cause: RejectionCause;
  /** The dead letter's code when it is not `HUBSPOT_REJECTED` (its message is then the whole reason). */
  code?: DeadLetterVerdict['code'];
}

/** The contributions a rejection rejects: all of them, the ones listed (by index), or those that halving will find. */
export type Narrowed = { kind: 'all' } | { kind: 'these'; indices: number[] } | { kind: 'halve' };

const PROPERTY_ITSELF = new Set(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE']);

/** Later contributions win per property, as the batcher merges them. */
export function mergeContributions(parts: readonly PropertyValues[]): PropertyValues {
  // A loop, not a spread into Object.assign: an active user's key may hold thousands.
  const merged: PropertyValues = {};
  for (const part of parts) Object.assign(merged, part);
  return merged;
}

/**
 * Which contributions (in input order) a rejection of their merge rejects. A named property
 * no contribution supplied was the writer's own (the key as a property): the key is
 * refused. Otherwise a record is at fault when it supplied the refused value (the one
 * sent, so the last in input order: an earlier record with the same value would bring it
 * back), or any value of a property refused as such.
 */
export function narrowRejection(parts: readonly PropertyValues[], cause: RejectionCause): Narrowed {
  if (cause.kind === 'key') return { kind: 'all' };
  if (cause.kind === 'unexplained') return parts.length === 1 ? { kind: 'all' } : { kind: 'halve' };
  const sent = mergeContributions(parts);
  const indices = new Set<number>();
  for (const { name, anyValue } of cause.properties) {
    if (!(name in sent)) return { kind: 'all' };
    parts.forEach((part, i) => {
      if (name in part && (anyValue || part[name] === sent[name])) indices.add(i);
    });
  }
  if (indices.size === parts.length) return { kind: 'all' };
  return indices.size > 0 ? { kind: 'these', indices: [...indices].sort((a, b) => a - b) } : { kind: 'halve' };
}

/**
 * Finds, by halving in input order, the contributions whose merge HubSpot refuses when the
 * rejection does not say which: `probe` sends the merge of some and answers its rejection
 * (undefined: accepted). About 2·r·log₂ n probes for r refused records among n. When the
 * whole is refused but neither half is, the records only fail together: all are answered.
 */
export async function findRejected(indices: readonly number[], rejection: Rejection, probe: (indices: readonly number[]) => Promise<Rejection | undefined>): Promise<Map<number, Rejection>> {
  const found = new Map<number, Rejection>();
  if (indices.length === 1) {
    found.set(indices[0]!, rejection);
    return found;
  }
  const middle = Math.ceil(indices.length / 2);
  for (const half of [indices.slice(0, middle), indices.slice(middle)]) {
    const answer = await probe(half);
    if (answer) for (const [index, cause] of await findRejected(half, answer, probe)) found.set(index, cause);
  }
  if (found.size === 0) for (const index of indices) found.set(index, rejection);
  return found;
}

/**
 * The cause HubSpot's error details give: the properties they name, each with its code
 * (an error of a 207 lists one detail per property under `errors`). `held`, when given,
 * keeps only the properties an input holds (a whole-batch 400 names those of every input).
 */
export function causeOf(details: readonly (ErrorDetail & { errors?: ErrorDetail[] })[], held?: ReadonlySet<string>): RejectionCause {
  const properties = new Map<string, boolean>();
  for (const detail of details) {
    const parts = detail.errors && detail.errors.length > 0 ? detail.errors : [detail];
    for (const part of parts) {
      for (const name of part.context?.propertyName ?? detail.context?.propertyName ?? []) {
        if (held && !held.has(name)) continue;
        properties.set(name, (properties.get(name) ?? false) || PROPERTY_ITSELF.has(part.code ?? ''));
      }
    }
  }
  return properties.size > 0 ? { kind: 'properties', properties: [...properties].map(([name, anyValue]) => ({ name, anyValue })) } : { kind: 'unexplained' };
}
