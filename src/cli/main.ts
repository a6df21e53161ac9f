// The one error boundary: every command returns an exit code or throws; here a thrown
// error becomes a clear message and the exit code SPEC section 7 assigns it.
import { CommanderError } from 'commander';
import { EXIT, HubspotSyncError, type ExitCode } from '../errors.js';
import { InputError } from '../sources/errors.js';
import { keepHeapNearLiveSize } from './heap.js';
import { buildProgram } from './program.js';

export async function main(argv: readonly string[]): Promise<ExitCode> {
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
    if (error instanceof InputError) {
      process.stderr.write(`hubspot-sync: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`hubspot-sync: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.unexpected;
  }
}

keepHeapNearLiveSize();
process.exitCode = await main(process.argv);
