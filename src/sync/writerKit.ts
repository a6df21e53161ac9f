// What the four writers share: each collects its operations in a keyed batcher (one
// linger, one way to report a failure that stops the run), and reads the same answers:
// per-input failures named by trace id, and 400s naming the properties at fault.
import type { ErrorDetail, HubSpotApiError } from '../hubspot/errors.js';
import type { BatchResponse } from '../hubspot/types.js';
import { KeyedBatcher, type Verdicts } from './keyedBatcher.js';

/**
 * How long a partial batch waits for more operations before it is sent anyway: long
 * enough to fill batches while records stream in, short next to a request.
 */
export const LINGER_MS = 200;

export type BatchEntry<V> = { key: string; value: V };

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
export function failuresByTrace<E>(part: readonly E[], body: BatchResponse): Map<E, string> {
  const byTrace = new Map<string, string>();
  for (const error of body.errors ?? []) {
    for (const trace of error.context?.objectWriteTraceId ?? []) byTrace.set(trace, detailMessage(error));
  }
  const failed = new Map<E, string>();
  part.forEach((entry, i) => {
    const message = byTrace.get(String(i));
    if (message) failed.set(entry, message);
  });
  return failed;
}

/** The inputs holding a property that a 400's details name; none when they name no property. */
export function withNamedProperties<E>(error: HubSpotApiError, part: E[], propertiesOf: (entry: E) => object): E[] {
  const properties = new Set((error.envelope.errors ?? []).flatMap((e) => e.context?.propertyName ?? []));
  return properties.size > 0 ? part.filter((entry) => Object.keys(propertiesOf(entry)).some((name) => properties.has(name))) : [];
}
