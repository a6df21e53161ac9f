// What a fold belongs to besides its inputs (whose fingerprints the checkpoint keeps):
// the options that decide what the records map to. A run with other such options would
// send a fold it did not make, so it is refused (exit 2) unless `--fresh` forgets it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ReplayOptions } from '../replay.js';

/** The options a fold is made with; a file option counts by its content. */
const MAPPING_OPTIONS = [
  'catalog', 'eventMap', 'propertyMap', 'suppress', 'createProperties', 'createEventDefinitions', 'pagesAsEvents',
  'ignoreIntegrations', 'consentCategories', 'apiVersion', 'companyKey', 'since', 'until', 'types', 'events',
  'retroactiveIdentities', 'compact',
] as const satisfies ReadonlyArray<keyof ReplayOptions>;

const FILE_OPTIONS: ReadonlySet<string> = new Set(['catalog', 'eventMap', 'propertyMap', 'suppress']);

export function foldOwner(flags: ReplayOptions): string {
  const hash = createHash('sha256');
  for (const key of MAPPING_OPTIONS) {
    const value: unknown = flags[key];
    hash.update(`${key}=`);
    if (FILE_OPTIONS.has(key) && typeof value === 'string') hash.update(contentOf(value));
    else hash.update(JSON.stringify(value ?? null));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** The refusal, one line with the fix. */
export function foldRefusal(): string {
  return 'The state directory holds an unfinished fold made with other mapping options (catalog, maps, routing, consent, suppression list, API version, property map, --create-properties, filters or --no-compact): run again with the options it was made with, or add --fresh to forget it and start over.';
}

function contentOf(path: string): Buffer | string {
  try {
    return readFileSync(path);
  } catch {
    // The run reads the file itself and reports what is wrong with it.
    return `unreadable ${path}`;
  }
}
