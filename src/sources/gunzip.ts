import { createGunzip } from 'node:zlib';
import type { Gunzip } from 'node:zlib';

export const OUTPUT_CHUNK_BYTES = 1024 * 1024;

/** The gzip data stopped early or is corrupt: nothing after this point can be read. */
export class GzipDamage {
  constructor(readonly reason: string) {}
}

/**
 * Decompresses gzip data, all concatenated members of it. Yields the decompressed chunks,
 * then, if the data is truncated or corrupt, one GzipDamage as its last item.
 *
 * zlib's stream is driven one compressed chunk at a time rather than piped: when it fails
 * it destroys itself and drops the output still buffered for a slow reader, which would
 * lose records that decompressed fine just before a truncation. Here its output is taken
 * as it is produced and handed on before the next chunk goes in, which also keeps memory
 * to one chunk's expansion. A truncation so loses nothing; corrupt data loses what zlib
 * was decoding when it met the corruption (at most one output chunk, OUTPUT_CHUNK_BYTES).
 */
export async function* gunzip(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer | GzipDamage> {
  const inflater = createGunzip({ chunkSize: OUTPUT_CHUNK_BYTES });
  let output: Buffer[] = [];
  let failure: Error | undefined;
  inflater.on('data', (chunk: Buffer) => output.push(chunk));
  inflater.on('error', (error) => {
    failure = error;
  });
  const drain = (): Buffer[] => {
    const chunks = output;
    output = [];
    return chunks;
  };

  try {
    for await (const chunk of compressed) {
      // zlib ends the stream by itself at zero padding after the last member; the rest of
      // the input is still read through so that progress reaches the file's size.
      if (inflater.destroyed) continue;
      await settle(inflater, (done) => inflater.write(chunk, done));
      yield* drain();
      if (failure !== undefined) break;
    }
    if (failure === undefined) await settle(inflater, () => inflater.end());
    yield* drain();
  } finally {
    inflater.destroy();
  }
  if (failure !== undefined) yield new GzipDamage(describe(failure));
}

/**
 * Waits for `start`'s callback, or for the inflater to fail or close, whichever comes
 * first (a write's callback does not come once zlib has ended the stream by itself).
 */
function settle(inflater: Gunzip, start: (done: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (inflater.destroyed) {
      resolve();
      return;
    }
    const done = (): void => {
      inflater.off('error', done);
      inflater.off('close', done);
      resolve();
    };
    inflater.once('error', done);
    inflater.once('close', done);
    start(done);
  });
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return 'the gzip data ends early (truncated file)';
  return `the gzip data is corrupt (${error.message})`;
}
