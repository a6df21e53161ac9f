// The request plan of a dry run (docs/hubspot.md#the-request-plan): what the portal is
// before the run (read with a token, else taken as empty), the counter the mapping phase
// feeds, and the plan the core makes of its counts in the run's API version.
import { planRequests, type PlanSetup, type PlannedEndpoint, type RequestPlan } from '../../core/requestPlan.js';
import { endpointLabel, ENDPOINTS, type ApiVersion } from '../../hubspot/endpoints.js';
import { HubSpotApiError } from '../../hubspot/errors.js';
import { CompanyMemory } from '../../state/companyMemory.js';
import { stateDirPaths } from '../../state/stateDir.js';
import { keyStillHolds } from '../../sync/companies/companyKey.js';
import { CompanyFinder } from '../../sync/companies/companySearch.js';
import { listEventDefinitions } from '../../sync/writers/eventWriter.js';
import type { Requester } from '../../sync/requests/requester.js';
import { RequestCounter, type CompanyReader, type SendMode } from '../../sync/sinks/requestCounter.js';

export interface PlanFlags {
  apiVersion: ApiVersion;
  rate: number;
  dailyLimit?: number;
  catalog?: string;
  /** The unique company key property; undefined: `--company-key none`. */
  companyKey?: string;
  createEventDefinitions: boolean;
  /** The state directory the dry run reads; undefined when it reads none (another portal's, with --fresh). */
  stateDir?: string;
}

/** A counter ready for the mapping phase, and how to turn its counts into the plan at the end. */
export interface RequestPlanning {
  counter: RequestCounter;
  /** `propertyBatchCreates`: the requests creating the property plan takes (--create-properties). */
  plan(propertyBatchCreates: { contacts: number; companies: number }): Promise<RequestPlan>;
  /** Per property name, the occurrences a live run would send without it: their definitions have no place left (after `plan`). */
  eventPropertiesLeftOut(): ReadonlyMap<string, number>;
  close(): void;
}

/**
 * Reads what the plan needs of the portal (with a token: the event definitions now, the
 * key property and the companies of the export's domains once the mapping is done).
 */
export async function startRequestPlanning(
  flags: PlanFlags,
  mode: SendMode,
  requester: Requester | undefined,
  companyIds: { get(domain: string): string | undefined },
): Promise<RequestPlanning> {
  const eventDefinitions = (requester && (await readable(listEventDefinitions(requester, { authFatal: false })))) ?? new Map<string, Set<string>>();
  const keyProperty = flags.companyKey;
  const counter = new RequestCounter(mode, { companyIds, eventDefinitions, keyProperty, createsDefinitions: flags.createEventDefinitions });
  let mayRead = requester !== undefined;
  const finder = requester && new CompanyFinder(requester, { authFatal: false });
  const reader: CompanyReader | undefined = finder && {
    async find(domains) {
      if (!mayRead) return new Set();
      // By their own domain only: what the second pass costs follows from `listedCompanies`.
      const found = await readable(finder.find(domains, { keyProperty, ownDomainOnly: true }));
      mayRead = found !== undefined;
      return new Set(found?.found.keys());
    },
    async listedCompanies() {
      return (mayRead && (await readable(finder.listedCount()))) || 0;
    },
  };

  return {
    counter,
    close: () => counter.close(),
    eventPropertiesLeftOut: () => counter.eventPropertiesLeftOut,
    async plan(propertyBatchCreates) {
      const work = await counter.counts(reader);
      const writesCompanies = countOf(work.companyCreates) + countOf(work.companyUpdates) > 0;
      const setup: PlanSetup = {
        catalog: flags.catalog === undefined,
        eventDefinitionPages: eventDefinitionPages(flags.createEventDefinitions, counter.events > 0, eventDefinitions.size),
        companyKey: writesCompanies ? await keyPropertyRequests(keyProperty, flags.stateDir, requester) : 'none',
      };
      return planRequests(
        { ...work, setup, propertyCreates: propertyBatchCreates },
        {
          companyKeyed: keyProperty !== undefined,
          rate: flags.rate,
          dailyLimit: flags.dailyLimit,
          label: (endpoint: PlannedEndpoint) => endpointLabel(endpoint, flags.apiVersion),
          windowed: (endpoint: PlannedEndpoint) => ENDPOINTS[endpoint].limit === 'tenSecondly',
        },
      );
    },
  };
}

/** What a live run asks of the unique company key property before its first company. */
async function keyPropertyRequests(keyProperty: string | undefined, stateDir: string | undefined, requester: Requester | undefined): Promise<PlanSetup['companyKey']> {
  if (keyProperty === undefined) return 'none';
  // The state directory remembers a key property it has used: a live run does not read it again.
  if (stateDir !== undefined && new CompanyMemory(stateDirPaths(stateDir).companies).keyProperty === keyProperty) return 'known';
  // An empty portal (no token) lacks it: read, then created.
  return requester && (await keyStillHolds(requester, keyProperty)) ? 'read' : 'create';
}

function countOf(work: { keys: number } | { batches: number }): number {
  return 'keys' in work ? work.keys : work.batches;
}

/**
 * A live run lists the definitions (100 a page) before its first event batch when it may
 * create missing ones, and at its start when it may not.
 */
function eventDefinitionPages(create: boolean, anyEvent: boolean, existing: number): number {
  if (create && !anyEvent) return 0;
  return Math.max(1, Math.ceil(existing / 100));
}

/**
 * What the token may read; undefined when it may not (a scope the dry run can do without:
 * the plan then assumes what an empty portal would need).
 */
async function readable<T>(reading: Promise<T>): Promise<T | undefined> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof HubSpotApiError && error.kind === 'auth') return undefined;
    throw error;
  }
}
