// How deeply a record nests. A record nested deeper than MAX_DEPTH is a dead letter of
// its own: mapping (flattening traits, serialising a value, writing the record to a
// dead-letter file) works by recursion, and JSON.stringify itself overflows the stack
// a few thousand levels down. JSON.parse does not recurse, so the line still parses and
// each call of a `{"batch":[…]}` line is judged on its own.

/** Deepest nesting read: the call object is level 1, an object or array in it level 2… */
export const MAX_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether the JSON text in bytes `[start, end)` may nest deeper than MAX_DEPTH. A line
 * needs two bytes per level, so only a longer one is scanned (a cheap byte scan that
 * skips strings); a line that says yes is then measured call by call (`depthOf`).
 */
export function mayNestTooDeep(buf: Buffer, start: number, end: number): boolean {
  if (end - start <= 2 * MAX_DEPTH) return false;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    if (byte === QUOTE) {
      i = closingQuote(buf, i, end);
      if (i === -1) return false; // an unterminated string: the line does not parse
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > MAX_DEPTH) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** The same question for text (a dead letter's `raw`, read again as a line). */
export function textMayNestTooDeep(text: string): boolean {
  return text.length > 2 * MAX_DEPTH && mayNestTooDeep(Buffer.from(text), 0, Buffer.byteLength(text));
}

/** Index of the quote closing the string opened at `open`, or -1 before `end`. */
function closingQuote(buf: Buffer, open: number, end: number): number {
  let at = open;
  for (;;) {
    at = buf.indexOf(QUOTE, at + 1);
    if (at === -1 || at >= end) return -1;
    let backslashes = 0;
    while (buf[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** How many levels a parsed value nests (a scalar is 0, `{}` is 1), without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [item, depth] = top;
    if (typeof item !== 'object' || item === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, level]);
    }
  }
  return deepest;
}

export function tooDeepReason(depth: number, what = 'The record'): string {
  return `${what} nests ${depth} levels deep; records deeper than ${MAX_DEPTH} levels are not read`;
}
