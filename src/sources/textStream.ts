// Files as tools write them (docs/mapping.md#files-as-tools-write-them): the bytes of an
// input turned into the UTF-8, LF-or-CRLF text the readers split, a chunk at a time.
import { TextDecoder } from 'node:util';
import { GzipDamage } from './gunzip.js';

/** The encodings `--encoding` names; `latin1` is read as windows-1252, as browsers do. */
export const ENCODINGS = ['utf-8', 'windows-1252', 'latin1', 'utf-16le'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** The encoding a byte-order mark names, when the bytes start with a UTF-16 one. */
export function utf16Bom(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Whether the input's text is re-encoded on the way in (so its offsets are not the file's). */
export function isReEncoded(head: Uint8Array, encoding: Encoding | undefined): boolean {
  return utf16Bom(head) !== undefined || (encoding !== undefined && encoding !== 'utf-8');
}

/**
 * The chunks decoded to UTF-8: UTF-16 when they start with its byte-order mark (Excel's
 * "Unicode text"), else `encoding`, else as they are (UTF-8). Decoding streams: a
 * character split between chunks is joined, never replaced.
 */
export async function* decoded(chunks: AsyncIterable<Buffer | GzipDamage>, encoding: Encoding | undefined): AsyncGenerator<Buffer | GzipDamage> {
  let decoder: TextDecoder | undefined;
  let head: Buffer | undefined = Buffer.alloc(0); // until two bytes tell whether there is a BOM
  const text = (bytes?: Buffer): Buffer => (decoder === undefined ? (bytes ?? Buffer.alloc(0)) : Buffer.from(decoder.decode(bytes, { stream: bytes !== undefined }), 'utf8'));
  const decide = (bytes: Buffer): void => {
    const chosen = utf16Bom(bytes) ?? (encoding === 'utf-8' ? undefined : encoding);
    if (chosen !== undefined) decoder = new TextDecoder(chosen);
  };
  let damage: GzipDamage | undefined;
  for await (const chunk of chunks) {
    if (chunk instanceof GzipDamage) {
      damage = chunk; // always the last item
      break;
    }
    if (head !== undefined) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 2) continue;
      decide(head);
      yield text(head);
      head = undefined;
      continue;
    }
    yield text(chunk);
  }
  if (head !== undefined && head.length > 0) {
    decide(head);
    yield text(head);
  }
  const rest = text();
  if (rest.length > 0) yield rest;
  // A damaged gzip ends the stream: what was decoded before it is kept, then the damage.
  if (damage !== undefined) yield damage;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Lines ended by a lone CR (classic Mac Excel) read as LF lines: once the first line
 * break is a CR not followed by LF, every CR becomes an LF. Byte for byte, so offsets
 * stay the file's. Other inputs pass as they are.
 */
export async function* crLinesAsLf(chunks: AsyncIterable<Buffer | GzipDamage>): AsyncGenerator<Buffer | GzipDamage> {
  let mode: 'unknown' | 'cr' | 'other' = 'unknown';
  let held: Buffer | undefined; // a chunk ending in a CR, until the next byte tells what it ends
  for await (const chunk of chunks) {
    if (chunk instanceof GzipDamage) {
      if (held !== undefined) yield held;
      held = undefined;
      yield chunk;
      continue;
    }
    if (mode === 'unknown') {
      if (held !== undefined) mode = chunk[0] === LF ? 'other' : 'cr';
      else {
        const lf = chunk.indexOf(LF);
        const cr = chunk.indexOf(CR);
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          if (cr === chunk.length - 1) {
            held = chunk;
            continue;
          }
          mode = chunk[cr + 1] === LF ? 'other' : 'cr';
        } else if (lf !== -1) mode = 'other';
      }
    }
    if (held !== undefined) {
      yield mode === 'cr' ? withLf(held) : held;
      held = undefined;
    }
    yield mode === 'cr' ? withLf(chunk) : chunk;
  }
  if (held !== undefined) yield withLf(held);
}

function withLf(chunk: Buffer): Buffer {
  const copy = Buffer.from(chunk);
  for (let i = copy.indexOf(CR); i !== -1; i = copy.indexOf(CR, i + 1)) copy[i] = LF;
  return copy;
}
