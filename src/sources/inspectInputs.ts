// Every input's head is read before anything is sent (docs/mapping.md#files-as-tools-write-them):
// a file that cannot be read as a whole is refused now, not after others were delivered.
import { openInput } from './openInput.js';
import type { InputFile, ReadOptions } from './types.js';

/**
 * Reads the first records of each input and drops them: a refusal throws its InputError
 * (exit 2, naming the file and the fix). Resolves to the notices the user should see
 * (a delimiter sniffed from a header). Standard input can be read only once: it is
 * judged when the run reaches it.
 */
export async function inspectInputs(files: readonly InputFile[], options: ReadOptions): Promise<string[]> {
  const notices: string[] = [];
  for (const file of files) {
    if (file.path === '-') continue;
    const reader = openInput(file, { ...options, start: { line: 1, offset: 0 }, notice: (message) => notices.push(message) });
    for await (const batch of reader.batches()) if (batch.length > 0) break;
  }
  return notices;
}
