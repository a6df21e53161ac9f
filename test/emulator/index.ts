// HubSpot API emulator for hubspot-sync's test suite: a stateful HTTP server on 127.0.0.1
// that behaves like the HubSpot endpoints the tool uses, in both dated API versions
// (2026-03, 2026-09), as strictly as HubSpot does (see test/emulator/README-section.md).

import type { AddressInfo } from 'node:net';
import { catalogWith, defaultEmulatorCatalog } from './catalog.js';
import { deleteCompany, mergeCompanies } from './companies.js';
import { EmulatorCore } from './core.js';
import { addDefinition } from './events.js';
import { createEmulatorServer, type TokenControl } from './server.js';
import { snapshotOf, type EmulatorSnapshot, type EmulatorState } from './state.js';
import type { EmulatorOptions, EmulatorStats, FaultOptions, RequestLogEntry } from './types.js';
import { isValidEmail, validateProperties, type PropertyProblem } from './values.js';

export { catalogWith, defaultEmulatorCatalog };
export { EmulatorState } from './state.js';
export type { AssociationPair, CrmRecord, EmulatorSnapshot, StoredEventDefinition, StoredEventProperty, StoredOccurrence } from './state.js';
export type * from './types.js';
export { API_VERSIONS, type ApiVersion } from './versions.js';

export interface Emulator {
  /** http://127.0.0.1:PORT */
  url: string;
  token: string;
  portalId: number;
  /** Live state: contacts (by email), contactsById, companies (by id), associations, eventDefinitions, eventOccurrences. */
  state: EmulatorState;
  /** Canonical, id-independent, sorted view of the state: compare two runs with toEqual. */
  snapshot(): EmulatorSnapshot;
  stats(): EmulatorStats;
  /** Every API request received, oldest first: method, path, status. */
  requests(): RequestLogEntry[];
  setFaults(f: FaultOptions): void;
  setRateLimit(r: EmulatorOptions['rateLimit']): void;
  /** Revoke a token (at once, or after so many more API requests), or grant a new one. */
  setTokens(t: TokenControl): void;
  /** Create (or merge into) a contact without a request; returns its id. */
  seedContact(email: string, properties: Record<string, string>): string;
  /** Create a company without a request (visible to search at once); returns its id. */
  seedCompany(properties: Record<string, string>): string;
  /** Delete a company as a user would in HubSpot (also `POST /_emulator/companies/delete {"id"}`). */
  deleteCompany(id: string): void;
  /** Merge a company into another as HubSpot does (also `POST /_emulator/companies/merge {"primaryObjectId","objectIdToMerge"}`). */
  mergeCompanies(primaryObjectId: string, objectIdToMerge: string): void;
  close(): Promise<void>;
}

function describe(problems: PropertyProblem[]): string {
  return problems.map((p) => `${p.name}: ${p.message}`).join('; ');
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const timeZone = options.timeZone ?? 'US/Eastern';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`hubspot emulator: unknown time zone ${timeZone}`);
  }
  const core = new EmulatorCore(options);
  for (const def of options.eventDefinitions ?? []) addDefinition(core, def);

  const hooks = {
    snapshot: (): EmulatorSnapshot => snapshotOf(core.state),
    stats: (): EmulatorStats => core.stats(),
    requests: (): RequestLogEntry[] => core.requests(),
    setFaults: (f: FaultOptions): void => core.faults.set(f),
    setRateLimit: (r: EmulatorOptions['rateLimit']): void => core.limiter.setLimits(r),
    setTokens: (t: TokenControl): void => {
      if (t.revoke !== undefined) core.tokens.revoke(t.revoke, t.afterRequests);
      if (t.grant !== undefined) core.tokens.grant(t.grant, t.scopes);
    },
    deleteCompany: (id: string): void => deleteCompany(core, id),
    mergeCompanies: (primaryObjectId: string, objectIdToMerge: string): void => mergeCompanies(core, primaryObjectId, objectIdToMerge),
  };
  const server = createEmulatorServer(core, hooks);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: core.token,
    portalId: core.portalId,
    state: core.state,
    ...hooks,
    seedContact(email, properties) {
      const key = email.toLowerCase();
      if (!isValidEmail(key)) throw new Error(`seedContact: invalid email ${email}`);
      const store = core.state.contactStore;
      const existing = store.byEmail.get(key);
      const { changes, problems } = validateProperties('contacts', core.contacts.catalog, properties, existing?.properties);
      if (problems.length > 0) throw new Error(`seedContact(${email}): ${describe(problems)}`);
      if (existing) {
        store.update(existing, changes, core.now());
        return existing.id;
      }
      return store.create({ ...changes, email: key }, core.now(), -Infinity).id;
    },
    seedCompany(properties) {
      const { changes, problems } = validateProperties('companies', core.companies.catalog, properties, undefined);
      if (problems.length > 0) throw new Error(`seedCompany: ${describe(problems)}`);
      return core.state.companyStore.create(changes, core.now(), -Infinity).id;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
