// The one error boundary: every command returns an exit code or throws; here a thrown
// error becomes a clear message and its exit code (docs/architecture.md#exit-codes), which
// the error itself carries (src/errors.ts).
import { CommanderError } from 'commander';
import { EXIT, HubspotSyncError, type ExitCode } from '../errors.js';
import { keepHeapNearLiveSize } from './heap.js';
import { buildProgram } from './program.js';

export async function main(argv: readonly string[]): Promise<ExitCode> {
  // A reader that closes standard output early (`| head`) is no failure: what is written
  // after it is dropped, and the commands that stream output stop (LineWriter.closed).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
  let exitCode: ExitCode = EXIT.completed;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  program.exitOverride();
  try {
    await program.parseAsync(argv as string[]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander rejects is usage.
      return error.exitCode === 0 ? EXIT.completed : EXIT.usage;
    }
    if (error instanceof HubspotSyncError) {
      process.stderr.write(`hubspot-sync: ${error.message}\n`);
      return error.exitCode;
    }
    if (isSystemError(error)) {
      // The machine refused something (a full disk, a permission): the message says what,
      // a stack trace would add nothing.
      process.stderr.write(`hubspot-sync: ${error.message}\n`);
      return EXIT.unexpected;
    }
    process.stderr.write(`hubspot-sync: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.unexpected;
  }
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  return error instanceof Error && typeof code === 'string' && typeof syscall === 'string';
}

keepHeapNearLiveSize();
const code = await main(process.argv);
process.exitCode = code;
// A run stopped by a signal or a failed write has reported how it ended: a start-up request
// still waiting to be retried, or a write the disk never answers, must not keep it alive.
if (code === EXIT.interrupted || code === EXIT.paused) process.exit(code);
