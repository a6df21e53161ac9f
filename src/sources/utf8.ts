// Input is UTF-8 text. Bytes that are not UTF-8 (an export written in Latin-1, a file cut
// and pasted together) would decode to U+FFFD and reach HubSpot as "M�ller", so a line or
// CSV row holding them is a dead letter instead, in both formats alike. Offsets are
// counted on bytes, so they stay exact either way.
import { isUtf8 } from 'node:buffer';

export const NOT_UTF8_REASON =
  'The record holds bytes that are not UTF-8: name the file\'s encoding with --encoding (windows-1252, latin1 or utf-16le) or re-encode it as UTF-8; raw shows each such byte as \uFFFD';

/**
 * Whether `text`, decoded from bytes `[start, end)` of `buf`, is what they hold. Only
 * text with a U+FFFD (rare) has its bytes checked: the character may also be genuine.
 */
export function isUtf8Text(text: string, buf: Buffer, start: number, end: number): boolean {
  return !text.includes('\uFFFD') || isUtf8(buf.subarray(start, end));
}
