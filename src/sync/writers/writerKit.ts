// What the four writers share: each collects its operations in a keyed batcher (one
// linger, one way to report a failure that stops the run), and reads the same answers:
// per-input failures named by trace id, and 400s naming the properties at fault; and the
// writers of merged properties settle rejections the same way (sendMerged).
import { forwardStages } from '../../core/lifecycleStage.js';
import type { DeadLetterVerdict, PropertyValues } from '../../core/types.js';
import type { ErrorDetail, HubSpotApiError } from '../../hubspot/errors.js';
import type { BatchResponse } from '../../hubspot/types.js';
import { KeyedBatcher, type KeyedOperation, type Verdicts } from './keyedBatcher.js';
import { causeOf, findRejected, mergeContributions, narrowRejection, type Rejection, type RejectionCause } from './rejections.js';

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

/** A lifecycle stage's place in the portal's order (core/lifecycleStage.ts); undefined: not a stage it knows. */
export type StageRank = (stage: string) => number | undefined;

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
export function failuresByTrace<E>(part: readonly E[], body: BatchResponse): Map<E, Rejection> {
  const byTrace = new Map<string, Rejection>();
  for (const error of body.errors ?? []) {
    for (const trace of error.context?.objectWriteTraceId ?? []) byTrace.set(trace, { message: detailMessage(error), cause: causeOf([error]) });
  }
  const failed = new Map<E, Rejection>();
  part.forEach((entry, i) => {
    const rejection = byTrace.get(String(i));
    if (rejection) failed.set(entry, rejection);
  });
  return failed;
}

/**
 * The inputs a 400 names for certain by the properties it lists: every holder of a
 * property rejected as such, the one holder of a property whose value was rejected. When
 * several inputs hold such a property the 400 does not say whose value it was: none is
 * named, and halving finds it.
 */
export function namedByProperties<E>(error: HubSpotApiError, part: readonly E[], propertiesOf: (entry: E) => object): Map<E, RejectionCause> {
  const named = new Map<E, RejectionCause>();
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
 * record merged into them: on a rejection only the records at fault are rejected (found
 * as rejections.ts says, halving with `send` itself when HubSpot does not say), and the key
 * is sent once more merged from the others, until it arrives or none is left. `send`
 * answers the keys HubSpot rejected.
 */
export async function sendMerged(
  batch: ReadonlyArray<BatchEntry<PropertyValues>>,
  send: (entries: Array<BatchEntry<PropertyValues>>) => Promise<Map<string, Rejection>>,
  verdictFor: (key: string, rejection: Rejection) => DeadLetterVerdict,
  stageRank?: StageRank,
): Promise<Verdicts> {
  const verdicts = new Map<string, Array<DeadLetterVerdict | undefined>>();
  const partsOf = (parts: readonly PropertyValues[]) => (stageRank === undefined ? parts : forwardStages(parts, stageRank));
  let todo: Contributed[] = batch.map(({ key, parts }) => ({ key, parts: partsOf(parts).map((value, index) => ({ index, value })) }));
  // The first round sends the batcher's merges as they are (unless a stage behind an
  // earlier one is left out); later ones merge what is left.
  let entries: Array<BatchEntry<PropertyValues>> = stageRank === undefined ? [...batch] : todo.map(asEntry);
  while (todo.length > 0) {
    const rejections = await send(entries);
    const again: Contributed[] = [];
    for (const entry of todo) {
      const rejection = rejections.get(entry.key);
      if (!rejection) continue;
      const rejected = await rejectedBy(entry, rejection, send);
      const outcome = verdicts.get(entry.key) ?? [];
      for (const [i, cause] of rejected) outcome[entry.parts[i]!.index] = verdictFor(entry.key, cause);
      verdicts.set(entry.key, outcome);
      const rest = entry.parts.filter((_, i) => !rejected.has(i));
      if (rest.length > 0) again.push({ key: entry.key, parts: rest });
    }
    todo = again;
    entries = todo.map(asEntry);
  }
  return verdicts;
}

/** A key still to send: what each remaining record contributed, with its place among all of them. */
type Contributed = { key: string; parts: Array<{ index: number; value: PropertyValues }> };

function asEntry({ key, parts }: Contributed): BatchEntry<PropertyValues> {
  const values = parts.map((part) => part.value);
  return { key, value: mergeContributions(values), parts: values };
}

/** The contributions (by position in `entry.parts`) a rejection rejects, halving with probes of the key alone when it must. */
async function rejectedBy(entry: Contributed, rejection: Rejection, send: (entries: Array<BatchEntry<PropertyValues>>) => Promise<Map<string, Rejection>>): Promise<Map<number, Rejection>> {
  const narrowed = narrowRejection(entry.parts.map((part) => part.value), rejection.cause);
  const all = entry.parts.map((_, i) => i);
  switch (narrowed.kind) {
    case 'all':
      return new Map(all.map((i) => [i, rejection]));
    case 'these':
      return new Map(narrowed.indices.map((i) => [i, rejection]));
    case 'halve':
      return findRejected(all, rejection, async (some) => {
        const probe = asEntry({ key: entry.key, parts: some.map((i) => entry.parts[i]!) });
        return (await send([probe])).get(entry.key);
      });
  }
}
