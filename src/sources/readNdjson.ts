import { GzipDamage } from './byteSource.js';
import { batchPieces, isBlank, textStart } from './bytes.js';
import { mayNestTooDeep } from './depth.js';
import { LineSplitter, MAX_LINE_BYTES } from './lineSplitter.js';
import { isUtf8Text, NOT_UTF8_REASON } from './utf8.js';
import type { LineSink } from './lineSplitter.js';
import { readNdjsonLine } from './ndjsonLine.js';
import { refusedInput } from './errors.js';
import type { ReadContext, RecordPosition, SourceItem } from './types.js';

/**
 * Reads an NDJSON input: one call per line, with positions. A plain file resumes by
 * seeking to the start offset; any other input is read from the top, and lines before the
 * start line are counted but not parsed.
 */
export async function* readNdjson({ path, start, open }: ReadContext): AsyncGenerator<SourceItem[]> {
  const source = await open(start.offset);
  const fromLine = start.line;
  // The layout is judged on the file's first line; a resume that seeks past it was judged before.
  const lines = new NdjsonLines(path, fromLine, source.firstOffset === 0);
  const splitter = new LineSplitter(lines, { firstLine: source.firstOffset === 0 ? 1 : fromLine, firstOffset: source.firstOffset });
  for await (const chunk of source) {
    if (chunk instanceof GzipDamage) {
      const partial = splitter.takePartial() ?? { bytes: Buffer.alloc(0), ...splitter.position };
      if (partial.line >= fromLine) {
        const position = { file: path, line: partial.line, offset: partial.offset, endLine: partial.line + 1, endOffset: partial.offset + partial.bytes.length };
        // The partial line is one TRUNCATED_INPUT, never also INVALID_JSON; reported
        // even when the cut falls between lines, so the damage is never silent.
        lines.items.push({ kind: 'invalid', code: 'TRUNCATED_INPUT', reason: `Input cut short: ${chunk.reason}`, position, raw: partial.bytes.toString('utf8') });
      }
      break;
    }
    for (const piece of batchPieces(chunk)) {
      splitter.push(piece);
      if (lines.items.length > 0) yield lines.take();
    }
  }
  splitter.end();
  if (lines.items.length > 0) yield lines.take();
}

const MIB = 1024 * 1024;

/**
 * Refuses a JSON file that is not one call per line, before any of it is read: an array
 * (first character `[`) or pretty-printed JSON (a first line of `{` alone), which would
 * otherwise be a dead letter per physical line.
 */
function refuseJsonLayout(path: string, start: string, wholeLine: boolean): void {
  const text = start.trim();
  const shown = path === '-' ? 'input.json' : path;
  if (text.startsWith('[')) {
    throw refusedInput(path, `it is a JSON array, not NDJSON (one call per line): convert it with jq -c '.[]' ${shown} > calls.ndjson and pass calls.ndjson`);
  }
  if (text === '{' && wholeLine) {
    throw refusedInput(path, `it is pretty-printed JSON (its first line is a lone "{"), not NDJSON (one call per line): convert it with jq -c . ${shown} > calls.ndjson and pass calls.ndjson`);
  }
}

class NdjsonLines implements LineSink {
  items: SourceItem[] = [];

  constructor(
    private readonly path: string,
    private readonly fromLine: number,
    /** The first non-blank line is still to be looked at for a JSON layout that is not NDJSON. */
    private layoutUnchecked: boolean,
  ) {}

  take(): SourceItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  onLine(buf: Buffer, start: number, end: number, line: number, offset: number, nextOffset: number): void {
    if (line < this.fromLine && !this.layoutUnchecked) return;
    start = textStart(buf, start, end, offset);
    if (isBlank(buf, start, end)) return; // ignored, but it was counted
    if (this.layoutUnchecked) {
      this.layoutUnchecked = false;
      refuseJsonLayout(this.path, buf.toString('utf8', start, Math.min(end, start + 64)), end - start <= 64);
      if (line < this.fromLine) return;
    }
    const position: RecordPosition = { file: this.path, line, offset, endLine: line + 1, endOffset: nextOffset };
    const text = buf.toString('utf8', start, end);
    if (!isUtf8Text(text, buf, start, end)) {
      this.items.push({ kind: 'invalid', code: 'INVALID_RECORD', reason: NOT_UTF8_REASON, position, raw: text });
      return;
    }
    readNdjsonLine(text, position, this.items, mayNestTooDeep(buf, start, end));
  }

  onOversizedLine(head: Buffer, byteLength: number, line: number, offset: number, nextOffset: number): void {
    if (line < this.fromLine) return;
    const position: RecordPosition = { file: this.path, line, offset, endLine: line + 1, endOffset: nextOffset };
    this.items.push({
      kind: 'invalid',
      code: 'INVALID_JSON',
      reason: `Line of ${byteLength} bytes is over the ${MAX_LINE_BYTES / MIB} MiB limit and was not parsed; raw holds its first ${head.length} bytes`,
      position,
      raw: head.toString('utf8'),
    });
  }
}
