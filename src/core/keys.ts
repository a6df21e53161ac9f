// HubSpot internal names use lowercase letters, digits and `_` only (docs/mapping.md#keys).

const OUTSIDE_NAME = /[^a-z0-9_]+/g;
const ALREADY_NAME = /^[a-z0-9_]*$/;
const EDGE_UNDERSCORES = /^_+|_+$/g;

// An export repeats the same few dozen keys millions of times; remembering their
// normalised form avoids a lowercase + replace per key. Bounded, so a file of random
// keys cannot grow it without limit, and long keys (a hostile export's megabyte keys)
// are not kept at all.
const MEMO_LIMIT = 10_000;
const MEMO_KEY_LENGTH = 256;
const memo = new Map<string, string>();

/**
 * A trait or property key as a HubSpot name: trimmed, lowercased, every run of
 * characters outside `[a-z0-9_]` replaced by one `_`. Not trimmed of `_`
 * (`Plan!` → `plan_`), so distinct keys stay distinct.
 */
export function normalizeKey(key: string): string {
  if (ALREADY_NAME.test(key)) return key;
  let name = memo.get(key);
  if (name === undefined) {
    name = key.trim().toLowerCase().replace(OUTSIDE_NAME, '_');
    if (key.length > MEMO_KEY_LENGTH) return name;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, name);
  }
  return name;
}

/** A Segment event name as a HubSpot event name: normalised like a key, then trimmed of `_`. */
export function normalizeEventName(name: string): string {
  return normalizeKey(name).replace(EDGE_UNDERSCORES, '');
}
