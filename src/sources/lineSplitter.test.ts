import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lineSplitter.js';
import type { LineSink } from './lineSplitter.js';

interface Seen {
  text: string;
  line: number;
  offset: number;
  nextOffset: number;
  oversized?: number;
}

function collector(): LineSink & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    onLine: (buf, start, end, line, offset, nextOffset) => seen.push({ text: buf.toString('utf8', start, end), line, offset, nextOffset }),
    onOversizedLine: (head, byteLength, line, offset, nextOffset) => seen.push({ text: head.toString('utf8'), line, offset, nextOffset, oversized: byteLength }),
  };
}

/** Feeds `input` in chunks of `size` bytes, then ends. */
function split(input: Buffer, size: number, options?: ConstructorParameters<typeof LineSplitter>[1]): Seen[] {
  const sink = collector();
  const splitter = new LineSplitter(sink, options);
  for (let i = 0; i < input.length; i += size) splitter.push(input.subarray(i, i + size));
  splitter.end();
  return sink.seen;
}

describe('LineSplitter', () => {
  const input = Buffer.from('{"a":1}\r\n\nsecond line\r\n  \ncafé ☕\nlast without newline\r');
  const expected: Seen[] = [
    { text: '{"a":1}', line: 1, offset: 0, nextOffset: 9 },
    { text: '', line: 2, offset: 9, nextOffset: 10 },
    { text: 'second line', line: 3, offset: 10, nextOffset: 23 },
    { text: '  ', line: 4, offset: 23, nextOffset: 26 },
    { text: 'café ☕', line: 5, offset: 26, nextOffset: 36 },
    { text: 'last without newline', line: 6, offset: 36, nextOffset: 57 },
  ];

  it.each([1, 2, 3, 7, 9, 10, 64, input.length])('gives the same lines and offsets whatever the chunk size (%i bytes)', (size) => {
    expect(split(input, size)).toEqual(expected);
  });

  it('continues numbering from a resume point', () => {
    expect(split(Buffer.from('x\ny\n'), 3, { firstLine: 40, firstOffset: 1000 })).toEqual([
      { text: 'x', line: 40, offset: 1000, nextOffset: 1002 },
      { text: 'y', line: 41, offset: 1002, nextOffset: 1004 },
    ]);
  });

  it('hands over an unterminated last line instead of reading it', () => {
    const sink = collector();
    const splitter = new LineSplitter(sink);
    splitter.push(Buffer.from('one\ntw'));
    splitter.push(Buffer.from('o and a half'));
    const partial = splitter.takePartial();
    expect(partial && { ...partial, bytes: partial.bytes.toString() }).toEqual({ bytes: 'two and a half', line: 2, offset: 4 });
    splitter.end();
    expect(sink.seen.map((seen) => seen.text)).toEqual(['one']);
    expect(splitter.takePartial()).toBeUndefined();
  });

  it('reports a line over the limit without keeping it, and goes on', () => {
    const long = 'x'.repeat(5000);
    const seen = split(Buffer.from(`short\n${long}\nafter\n${long}`), 100, { maxLineBytes: 2000 });
    expect(seen).toEqual([
      { text: 'short', line: 1, offset: 0, nextOffset: 6 },
      { text: 'x'.repeat(1024), line: 2, offset: 6, nextOffset: 5007, oversized: 5000 },
      { text: 'after', line: 3, offset: 5007, nextOffset: 5013 },
      { text: 'x'.repeat(1024), line: 4, offset: 5013, nextOffset: 10013, oversized: 5000 },
    ]);
  });
});
