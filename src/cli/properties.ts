// `hubspot-sync properties pull`: saves the portal's property catalog, so that dry runs
// (and machines without a token) map exactly as HubSpot will accept.
import { writeFile } from 'node:fs/promises';
import { EXIT, UsageError, type ExitCode } from '../errors.js';
import { HubSpotClient } from '../hubspot/client.js';
import { RunTally } from '../report/tally.js';
import { systemClock } from '../sync/throttle.js';
import { DailyBudget } from '../sync/dailyBudget.js';
import { fetchCatalogDocument } from '../sync/portal.js';
import { Requester } from '../sync/requester.js';
import { prepareOutputFile } from './outputPaths.js';
import type { ApiVersion } from '../hubspot/endpoints.js';

export interface PropertiesPullFlags {
  token?: string;
  baseUrl: string;
  apiVersion: ApiVersion;
  object?: 'contacts' | 'companies';
  out?: string;
  maxRetries: number;
}

export async function propertiesPullCommand(flags: PropertiesPullFlags): Promise<ExitCode> {
  if (!flags.token) throw new UsageError('Reading the property catalog needs a token: pass --token or set HUBSPOT_ACCESS_TOKEN.');
  if (flags.out) await prepareOutputFile(flags.out, '--out');
  const requester = new Requester(
    new HubSpotClient({ baseUrl: flags.baseUrl, token: flags.token, apiVersion: flags.apiVersion }),
    { rate: 10, concurrency: 2, maxRetries: flags.maxRetries },
    new RunTally(),
    new DailyBudget({ kind: 'requests', value: 0 }),
    systemClock,
  );
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
