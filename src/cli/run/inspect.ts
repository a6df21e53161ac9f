// Before anything is sent, every input's head is read: refusals end the run now (exit 2).
import { inspectInputs } from '../../sources/inspectInputs.js';
import type { Encoding } from '../../sources/textStream.js';
import type { CallType } from '../../core/types.js';
import type { InputFile, InputFormat, ReadOptions } from '../../sources/types.js';

interface InputFlags {
  inputFormat?: InputFormat | undefined;
  type?: CallType | undefined;
  delimiter?: string | undefined;
  encoding?: Encoding | undefined;
  logFormat?: string | undefined;
}

/** How the command line says inputs are read. */
export function readOptionsFrom(flags: InputFlags): ReadOptions {
  return { format: flags.inputFormat, type: flags.type, delimiter: flags.delimiter, encoding: flags.encoding };
}

/** Reads every input's head; throws the first refusal, prints the notices on standard error. */
export async function inspectBeforeSending(inputs: readonly InputFile[], flags: InputFlags): Promise<void> {
  for (const notice of await inspectInputs(inputs, readOptionsFrom(flags))) {
    process.stderr.write(flags.logFormat === 'json' ? `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'notice', message: notice })}\n` : `hubspot-sync: ${notice}\n`);
  }
}
