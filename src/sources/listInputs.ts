import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { InputError } from '../errors.js';
import { inputErrorFrom } from './errors.js';
import type { FileFormat, InputFile, InputFormat } from './types.js';

export const STDIN_PATH = '-';

/**
 * The format a name implies: `.csv` and `.tsv` (a trailing `.gz` ignored) are CSV, `.txt` is told by
 * its first line when it is read, anything else is NDJSON, because Segment archives come
 * under many names (`.gz`, `.log`, none at all).
 */
export function formatFromName(path: string): FileFormat {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  return name.endsWith('.csv') || isTsv(path) ? 'csv' : name.endsWith('.txt') ? 'txt' : 'ndjson';
}

/** A `.tsv` name (a trailing `.gz` ignored): CSV with a tab between cells. */
function isTsv(path: string): boolean {
  return path.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv');
}

/**
 * Resolves the command line's inputs into the files to read, in reading order. A directory
 * is walked recursively with its files sorted by path (plain code-unit order), so the
 * Segment S3 layout `segment-logs/<source>/<day-epoch-ms>/*.gz` is read day by day.
 * A file reached twice is read once, at its first place.
 */
export async function listInputs(paths: string[], format?: InputFormat): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (path === STDIN_PATH) {
      if (seen.has(STDIN_PATH)) {
        throw new InputError(path, 'Standard input (-) is given more than once; it can be read only once.');
      }
      seen.add(STDIN_PATH);
      files.push({ path, format: format ?? 'ndjson' });
      continue;
    }
    const info = await statInput(path);
    const found = info.isDirectory() ? await walk(path, new Set()) : [{ path, info }];
    for (const file of found) {
      const identity = await realpath(file.path).catch(() => file.path);
      if (seen.has(identity)) continue;
      seen.add(identity);
      files.push({
        path: file.path,
        format: format ?? formatFromName(file.path),
        ...(isTsv(file.path) ? { delimiter: '\t' } : {}),
        // A pipe or device has no meaningful size; progress then shows bytes only.
        ...(file.info.isFile() ? { size: file.info.size } : {}),
      });
    }
  }
  return files;
}

interface Found {
  path: string;
  info: Stats;
}

async function statInput(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw inputErrorFrom(path, error);
  }
}

/** Every readable file under `dir`, hidden names skipped, sorted by full path. */
async function walk(dir: string, visiting: Set<string>): Promise<Found[]> {
  // Symbolic links are followed; the real paths on the way down stop a link loop.
  const real = await realpath(dir);
  if (visiting.has(real)) return [];
  visiting.add(real);

  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw inputErrorFrom(dir, error);
  }
  const found: Found[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined); // a dangling link is no input
    if (info === undefined) continue;
    if (info.isDirectory()) found.push(...(await walk(path, visiting)));
    else if (info.isFile()) found.push({ path, info });
  }
  visiting.delete(real);
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
