// What the four writers share: each collects its operations in a keyed batcher (one
// linger, one way to report a failure that stops the run), and reads the same answers:
// per-input failures named by trace id, and 400s naming the properties at fault; and the
// writers of merged properties settle refusals the same way (sendMerged).
import type { DeadLetterVerdict, PropertyValues } from '../core/types.js';
import type { ErrorDetail, HubSpotApiError } from '../hubspot/errors.js';
import type { BatchResponse } from '../hubspot/types.js';
import { KeyedBatcher, type KeyedOperation, type Verdicts } from './keyedBatcher.js';
import { causeOf, findRefused, mergeContributions, narrowRefusal, type Refusal, type RefusalCause } from './refusals.js';

/**
 * How long a partial batch waits for more operations before it is sent anyway: long
 * enough to fill batches while records stream in, short next to a request.
 */
export const LINGER_MS = 200;

export type BatchEntry<V> = KeyedOperation<V>;

export interface WriterSetup {
  /** A batch failed in a way that stops the run (pause, auth). */
  onFatal: (error: unknown) => void;
  lingerMs?: number;
}

/** Later properties of one record win over earlier ones. */
export function mergeProperties<V extends object>(earlier: V, later: V): V {
  return { ...earlier, ...later };
}

/** A repeat adds nothing (the same association, the same event uuid). */
export function keepFirst<V>(earlier: V): V {
  return earlier;
}

/** A writer: operations go into `batches`, and each full (or lingering) batch to `send`. */
export abstract class BatchWriter<V> {
  readonly batches: KeyedBatcher<V>;

  protected constructor(setup: WriterSetup, maxBatch: number, merge: (earlier: V, later: V) => V) {
    this.batches = new KeyedBatcher<V>({
      maxBatch,
      lingerMs: setup.lingerMs ?? LINGER_MS,
      merge,
      send: (batch, seq) => this.send(batch, seq),
      onFatal: setup.onFatal,
    });
  }

  /** Sends one batch; `seq` is its oldest record's, which ranks its requests. */
  protected abstract send(batch: ReadonlyArray<BatchEntry<V>>, seq: number): Promise<Verdicts>;
}

/** HubSpot's words for one rejected input. */
export function detailMessage(error: ErrorDetail): string {
  return `HubSpot rejected it: ${error.message ?? 'no message'}${error.category ? ` (${error.category})` : ''}`;
}

/** The inputs of `part` (sent with `objectWriteTraceId` = their index) that the answer's `errors` name. */
export function failuresByTrace<E>(part: readonly E[], body: BatchResponse): Map<E, Refusal> {
  const byTrace = new Map<string, Refusal>();
  for (const error of body.errors ?? []) {
    for (const trace of error.context?.objectWriteTraceId ?? []) byTrace.set(trace, { message: detailMessage(error), cause: causeOf([error]) });
  }
  const failed = new Map<E, Refusal>();
  part.forEach((entry, i) => {
    const refusal = byTrace.get(String(i));
    if (refusal) failed.set(entry, refusal);
  });
  return failed;
}

/**
 * The inputs a 400 names for certain by the properties it lists: every holder of a
 * property refused as such, the one holder of a property whose value was refused. When
 * several inputs hold such a property the 400 does not say whose value it was: none is
 * named, and halving finds it.
 */
export function namedByProperties<E>(error: HubSpotApiError, part: readonly E[], propertiesOf: (entry: E) => object): Map<E, RefusalCause> {
  const named = new Map<E, RefusalCause>();
  const details = error.envelope.errors ?? [];
  const cause = causeOf(details);
  if (cause.kind !== 'properties') return named;
  const culprits = new Set<E>();
  for (const { name, anyValue } of cause.properties) {
    const holders = part.filter((entry) => name in propertiesOf(entry));
    if (!anyValue && holders.length > 1) return named;
    for (const holder of holders) culprits.add(holder);
  }
  for (const entry of culprits) named.set(entry, causeOf(details, new Set(Object.keys(propertiesOf(entry)))));
  return named;
}

/**
 * Sends a batch of merged property operations (contacts, companies) and settles each
 * record merged into them: on a refusal only the records at fault are rejected (found
 * as refusals.ts says, halving with `send` itself when HubSpot does not say), and the key
 * is sent once more merged from the others, until it arrives or none is left. `send`
 * answers the keys HubSpot refused.
 */
export async function sendMerged(
  batch: ReadonlyArray<BatchEntry<PropertyValues>>,
  send: (entries: Array<BatchEntry<PropertyValues>>) => Promise<Map<string, Refusal>>,
  verdictFor: (key: string, refusal: Refusal) => DeadLetterVerdict,
): Promise<Verdicts> {
  const verdicts = new Map<string, Array<DeadLetterVerdict | undefined>>();
  let todo: Contributed[] = batch.map(({ key, parts }) => ({ key, parts: parts.map((value, index) => ({ index, value })) }));
  while (todo.length > 0) {
    const refusals = await send(todo.map(asEntry));
    const again: Contributed[] = [];
    for (const entry of todo) {
      const refusal = refusals.get(entry.key);
      if (!refusal) continue;
      const rejected = await rejectedBy(entry, refusal, send);
      const outcome = verdicts.get(entry.key) ?? [];
      for (const [i, cause] of rejected) outcome[entry.parts[i]!.index] = verdictFor(entry.key, cause);
      verdicts.set(entry.key, outcome);
      const rest = entry.parts.filter((_, i) => !rejected.has(i));
      if (rest.length > 0) again.push({ key: entry.key, parts: rest });
    }
    todo = again;
  }
  return verdicts;
}

/** A key still to send: what each remaining record contributed, with its place among all of them. */
type Contributed = { key: string; parts: Array<{ index: number; value: PropertyValues }> };

function asEntry({ key, parts }: Contributed): BatchEntry<PropertyValues> {
  const values = parts.map((part) => part.value);
  return { key, value: mergeContributions(values), parts: values };
}

/** The contributions (by position in `entry.parts`) a refusal rejects, halving with probes of the key alone when it must. */
async function rejectedBy(entry: Contributed, refusal: Refusal, send: (entries: Array<BatchEntry<PropertyValues>>) => Promise<Map<string, Refusal>>): Promise<Map<number, Refusal>> {
  const narrowed = narrowRefusal(entry.parts.map((part) => part.value), refusal.cause);
  const all = entry.parts.map((_, i) => i);
  switch (narrowed.kind) {
    case 'all':
      return new Map(all.map((i) => [i, refusal]));
    case 'these':
      return new Map(narrowed.indices.map((i) => [i, refusal]));
    case 'halve':
      return findRefused(all, refusal, async (some) => {
        const probe = asEntry({ key: entry.key, parts: some.map((i) => entry.parts[i]!) });
        return (await send([probe])).get(entry.key);
      });
  }
}
