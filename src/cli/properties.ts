// `hubspot-sync properties pull`: saves the portal's property catalog, so that dry runs
// (and machines without a token) map exactly as HubSpot will accept.
import { writeFile } from 'node:fs/promises';
import { EXIT, UsageError, type ExitCode } from '../errors.js';
import { fetchCatalogDocument } from '../sync/portal/portalReads.js';
import type { OptionsOf } from './options.js';
import { prepareOutputFile } from './outputPaths.js';
import { connectOnly } from './run/context.js';

export const PROPERTIES_PULL_GROUPS = ['pull', 'connection', 'requests'] as const;

export type PropertiesPullOptions = OptionsOf<(typeof PROPERTIES_PULL_GROUPS)[number]>;

export async function propertiesPullCommand(flags: PropertiesPullOptions): Promise<ExitCode> {
  if (!flags.token) throw new UsageError('Reading the property catalog needs a token: pass --token or set HUBSPOT_ACCESS_TOKEN.');
  if (flags.out) await prepareOutputFile(flags.out, '--out');
  // Two requests at most (one per object type): two in flight, within --rate.
  const requester = connectOnly({ ...flags, token: flags.token }, { concurrency: 2 });
  const doc = await fetchCatalogDocument(requester, flags.object ? [flags.object] : ['contacts', 'companies']);
  const text = JSON.stringify(doc, null, 2) + '\n';
  if (flags.out) {
    await writeFile(flags.out, text);
    process.stderr.write(`Saved ${doc.contacts.results.length} contact and ${doc.companies.results.length} company properties to ${flags.out}; use it with --catalog ${flags.out}.\n`);
  } else {
    process.stdout.write(text);
  }
  return EXIT.completed;
}
