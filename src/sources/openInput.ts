import { openBytes } from './byteSource.js';
import type { ByteSource } from './byteSource.js';
import { readCsv } from './readCsv.js';
import { readNdjson } from './readNdjson.js';
import type { ReadContext } from './readContext.js';
import type { InputFile, InputReader, ReadOptions, SourceItem } from './types.js';

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
    const stdin = options.stdin ? { stdin: options.stdin } : {};
    const context: ReadContext = {
      path: file.path,
      start: options.start ?? { line: 1, offset: 0 },
      open: async (seekTo) => {
        this.source = await openBytes(file.path, { ...stdin, ...(seekTo === undefined ? {} : { seekTo }) });
        return this.source;
      },
      openAside: () => openBytes(file.path, stdin),
    };
    const format = options.format ?? file.format;
    return format === 'csv' ? readCsv(context, options.type) : readNdjson(context);
  }

  [Symbol.asyncIterator](): AsyncIterator<SourceItem> {
    const batches = this.batches(); // throws now, not at the first `next()`, when read twice
    return (async function* () {
      for await (const batch of batches) yield* batch;
    })();
  }
}
