import type { ByteSource } from './byteSource.js';
import type { StartAt } from './types.js';

/** What a format's reader needs to read one input. */
export interface ReadContext {
  path: string;
  /** Resume point; `{ line: 1, offset: 0 }` reads everything. */
  start: StartAt;
  /**
   * Opens the input's decompressed bytes for the main read, at `seekTo` when the input
   * can seek; the reader's progress (`bytesRead`) follows this read.
   */
  open(seekTo?: number): Promise<ByteSource>;
  /** Opens the input from the top for a side read (a CSV header when resuming). */
  openAside(): Promise<ByteSource>;
}
