// HubSpot fails a whole batch with a 400 when one input is bad. This finds the bad
// inputs, from the error when it names them, else by sending each half on its own, so
// that only they become dead letters and every other input still arrives.
import { HubSpotApiError } from '../hubspot/errors.js';

export type PartSender<I> = (part: I[]) => Promise<Map<I, string>>;

/**
 * Sends `items`; answers the items that HubSpot rejected, with its message. `offenders`
 * picks the inputs a 400 names (by property, email, id); when it cannot, halves are tried.
 */
export async function sendInParts<I>(
  items: I[],
  send: PartSender<I>,
  offenders: (error: HubSpotApiError, part: I[]) => I[] = () => [],
): Promise<Map<I, string>> {
  const rejected = new Map<I, string>();
  const queue: I[][] = [items];
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part.length === 0) continue;
    try {
      for (const [item, message] of await send(part)) rejected.set(item, message);
    } catch (error) {
      if (!(error instanceof HubSpotApiError) || error.kind !== 'rejected') throw error;
      const named = offenders(error, part);
      if (named.length > 0 && named.length < part.length) {
        for (const item of named) rejected.set(item, rejectionMessage(error));
        queue.push(part.filter((item) => !named.includes(item)));
      } else if (part.length === 1) {
        rejected.set(part[0]!, rejectionMessage(error));
      } else {
        const middle = Math.ceil(part.length / 2);
        queue.push(part.slice(0, middle), part.slice(middle));
      }
    }
  }
  return rejected;
}

/** HubSpot's own words, the most specific ones available. */
export function rejectionMessage(error: HubSpotApiError): string {
  const details = (error.envelope.errors ?? []).map((e) => `${e.message ?? ''}${e.code ? ` (${e.code})` : ''}`).filter(Boolean);
  const text = details.length > 0 ? details.join('; ') : (error.envelope.message ?? error.message);
  return `HubSpot answered ${error.status}${error.envelope.category ? ` ${error.envelope.category}` : ''}: ${text}`;
}
