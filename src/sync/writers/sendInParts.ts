// HubSpot fails a whole batch with a 400 when one input is bad. This finds the bad
// inputs, from the error when it names them, else by sending each half on its own, so
// that only they are rejected and every other input still arrives.
import { HubSpotApiError } from '../../hubspot/errors.js';
import { causeOf, type Rejection, type RejectionCause } from './rejections.js';

export type PartSender<I> = (part: I[]) => Promise<Map<I, Rejection>>;

/**
 * Sends `items`; answers the items that HubSpot rejected, with its words and what they
 * name. `offenders` picks the inputs a 400 names for certain (by property, email, id),
 * with the cause that concerns each; when it cannot, halves are tried.
 */
export async function sendInParts<I>(
  items: I[],
  send: PartSender<I>,
  offenders: (error: HubSpotApiError, part: I[]) => Map<I, RejectionCause> = () => new Map(),
): Promise<Map<I, Rejection>> {
  const rejected = new Map<I, Rejection>();
  const queue: I[][] = [items];
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part.length === 0) continue;
    try {
      for (const [item, rejection] of await send(part)) rejected.set(item, rejection);
    } catch (error) {
      if (!(error instanceof HubSpotApiError) || error.kind !== 'rejected') throw error;
      const named = offenders(error, part);
      if (named.size > 0 && named.size < part.length) {
        for (const [item, cause] of named) rejected.set(item, { message: rejectionMessage(error), cause });
        queue.push(part.filter((item) => !named.has(item)));
      } else if (part.length === 1) {
        rejected.set(part[0]!, { message: rejectionMessage(error), cause: causeOf(error.envelope.errors ?? [error.envelope]) });
      } else {
        const middle = Math.ceil(part.length / 2);
        queue.push(part.slice(0, middle), part.slice(middle));
      }
    }
  }
  return rejected;
}

/** Inputs a 400 names whose key itself is rejected (an association, an event: nothing of theirs is merged). */
export function namedWhole<I>(items: readonly I[]): Map<I, RejectionCause> {
  return new Map(items.map((item) => [item, { kind: 'key' }]));
}

/** HubSpot's own words, the most specific ones available. */
export function rejectionMessage(error: HubSpotApiError): string {
  const details = (error.envelope.errors ?? []).map((e) => `${e.message ?? ''}${e.code ? ` (${e.code})` : ''}`).filter(Boolean);
  const text = details.length > 0 ? details.join('; ') : (error.envelope.message ?? error.message);
  return `HubSpot answered ${error.status}${error.envelope.category ? ` ${error.envelope.category}` : ''}: ${text}`;
}
