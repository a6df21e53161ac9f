import { openBytes } from './byteSource.js';
import type { ByteSource } from './byteSource.js';
import { readCsv, type CsvReadOptions } from './readCsv.js';
import { readNdjson } from './readNdjson.js';
import type { InputFile, InputFormat, InputReader, ReadContext, ReadOptions, SourceItem } from './types.js';

/**
 * Opens one input for reading. Nothing is opened until iteration starts, and an input is
 * iterated once. Bad content becomes `invalid` items; only I/O failures throw (InputError).
 */
export function openInput(file: InputFile, options: ReadOptions = {}): InputReader {
  return new Reader(file, options);
}

class Reader implements InputReader {
  private source: ByteSource | undefined;
  private started = false;

  constructor(
    private readonly file: InputFile,
    private readonly options: ReadOptions,
  ) {}

  get bytesRead(): number {
    return this.source?.bytesRead ?? 0;
  }

  /**
   * The items in the order read, a chunk's worth at a time (a few hundred lines): a
   * pipeline of millions of records pays one await per chunk instead of one per record.
   */
  batches(): AsyncIterable<SourceItem[]> {
    if (this.started) throw new Error(`${this.file.path} is already being read; open it again to read it again`);
    this.started = true;
    const { file, options } = this;
    const stdin = { ...(options.stdin ? { stdin: options.stdin } : {}), encoding: options.encoding };
    const context: ReadContext = {
      path: file.path,
      start: options.start ?? { line: 1, offset: 0 },
      // A regular file is read to its size when the run listed it (see OpenBytesOptions.limit).
      open: async (seekTo) => {
        this.source = await openBytes(file.path, { ...stdin, ...(seekTo === undefined ? {} : { seekTo }), limit: file.size });
        return this.source;
      },
      openAside: () => openBytes(file.path, { ...stdin, limit: file.size }),
    };
    const format = options.format ?? file.format;
    if (format === 'txt') return readSniffed(context, file, options);
    return format === 'csv' ? readCsv(context, csvOptions(file, options)) : readNdjson(context);
  }

  [Symbol.asyncIterator](): AsyncIterator<SourceItem> {
    const batches = this.batches(); // throws now, not at the first `next()`, when read twice
    return (async function* () {
      for await (const batch of batches) yield* batch;
    })();
  }
}

function csvOptions(file: InputFile, options: ReadOptions): CsvReadOptions {
  return { type: options.type, delimiter: options.delimiter ?? file.delimiter, notice: options.notice };
}

/** A `.txt` input: CSV unless its first line starts with `{` (NDJSON). */
async function* readSniffed(context: ReadContext, file: InputFile, options: ReadOptions): AsyncGenerator<SourceItem[]> {
  const format = await sniffFormat(await context.openAside());
  yield* format === 'csv' ? readCsv(context, csvOptions(file, options)) : readNdjson(context);
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const BRACE = 0x7b;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Looks at the first text of the (decompressed) input: NDJSON when it is `{`, else CSV.
 * A byte-order mark, leading blanks and blank lines are passed over; an empty input is
 * NDJSON (it yields nothing either way).
 */
export async function sniffFormat(source: ByteSource): Promise<InputFormat> {
  let offset = 0;
  try {
    for await (const chunk of source) {
      if (!(chunk instanceof Buffer)) break; // damaged gzip: the read proper reports it
      for (let i = 0; i < chunk.length; i++, offset++) {
        const byte = chunk[i] as number;
        if (offset < BOM.length && byte === BOM[offset]) continue;
        if (byte === SPACE || byte === TAB || byte === CR || byte === LF) continue;
        return byte === BRACE ? 'ndjson' : 'csv';
      }
    }
  } finally {
    source.close();
  }
  return 'ndjson';
}
