import { InputError } from '../errors.js';

/** Turns a Node.js file-system error about `path` into a message a user can act on. */
export function inputErrorFrom(path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const shown = path === '-' ? 'standard input' : path;
  switch (code) {
    case 'ENOENT':
      return new InputError(path, `Input not found: ${shown}. Check the path (use - to read standard input).`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new InputError(path, `Cannot read ${shown}: permission denied. Check the file's permissions.`, { cause: error });
    case 'EISDIR':
      return new InputError(path, `Cannot read ${shown}: it is a directory. Pass it through listInputs to read the files inside.`, { cause: error });
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return new InputError(path, `Cannot read ${shown}: ${detail}. Check that the input is still there and readable, then run again.`, { cause: error });
    }
  }
}

/** An input that cannot be read as a whole: refused before anything is sent, with the fix. */
export function refusedInput(path: string, reason: string): InputError {
  return new InputError(path, `${path === '-' ? 'standard input' : path}: ${reason}`);
}
