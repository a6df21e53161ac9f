// The command context: what every command that talks to HubSpot or maps records builds
// from its flags, built here once: the client and requester, the hub ID, the catalog,
// the event map and the memory of identities. Commands differ only in what they ask for
// (a dry run may have no token, a diff never writes the catalog cache). Each stage hands
// the next what it needs: `connect` gives the requester that `portal` takes, `portal`
// the portal that `mapper` takes; a command that maps nothing only connects (`connectOnly`).
import { Catalog, defaultCatalog, EventNameWatch, type CatalogDocument } from '../../core/index.js';
import { RefusedError, UsageError } from '../../errors.js';
import { HubSpotClient } from '../../hubspot/client.js';
import { RunTally } from '../../report/tally.js';
import { readCachedCatalog, writeCachedCatalog } from '../../state/catalogCache.js';
import { SpillingIdentityMap } from '../../state/spillingIdentityMap.js';
import { stateDirPaths } from '../../state/stateDir.js';
import { generationAfter, readCheckpoint } from '../../state/checkpoint.js';
import { bindingOf, otherPortalError } from '../../state/portalBinding.js';
import { StateStore, type CompanyIdMap, type LearntSuppressedIds } from '../../state/stateStore.js';
import { DailyBudget } from '../../sync/requests/dailyBudget.js';
import { listEventDefinitions } from '../../sync/writers/eventWriter.js';
import { fetchCatalogDocument, fetchHubId } from '../../sync/portal/portalReads.js';
import { RecordMapper, type RecordMapperDeps } from '../../sync/loop/recordMapper.js';
import { Requester } from '../../sync/requests/requester.js';
import { MemoryDuplicateWindow } from '../../sync/lists/memoryDuplicateWindow.js';
import { systemClock } from '../../sync/requests/throttle.js';
import type { OptionsOf } from '../options.js';
import { testTimings } from '../testTimings.js';
import type { PropertyMap } from '../../core/propertyMap.js';
import { filtersFrom, loadCatalogFile, loadEventMap, loadPropertyMap, mapOptionsFrom, parseHubId, prepareDeliveryRules, type MappingOptions } from './mappingSetup.js';

export type ConnectionOptions = OptionsOf<'connection' | 'requests'>;

export interface RequestSettings {
  /** Requests in flight at once: a live run and a diff take --concurrency, the others fewer. */
  concurrency: number;
  /** The run's counts; a command that reports nothing gets its own. */
  tally?: RunTally;
  /** A live run's daily limit and reserve; read-only commands spend too little to care. */
  budget?: DailyBudget;
}

/** What the mapping of records stands on in the portal. */
export interface Portal {
  hubId: number;
  catalog: Catalog;
  eventMap: Record<string, string>;
  /** Event definitions the portal has; absent when missing ones may be created as needed. */
  eventDefinitions?: Map<string, Set<string>>;
}

/** Where the catalog may come from besides --catalog and HubSpot. */
export type CatalogCache =
  /** Fetched catalogs are saved into the state directory (a live run). */
  | { stateDir: string; use: 'write' }
  /** Without a token, the state directory's saved catalog, else the built-in defaults (a dry run). */
  | { stateDir: string; use: 'read' }
  | { use: 'none' };

export interface PortalSettings {
  cache: CatalogCache;
  /** A live run: it reads the event definitions when it may not create missing ones. */
  delivers?: boolean;
  guard?: <T>(work: Promise<T>) => Promise<T>;
  /** Told the hub ID as soon as it is known, before the catalog: the state directory's binding. */
  bind?: (hubId: number) => Promise<void>;
}

/** The identities, duplicate window and suppressed ids a mapper reads and learns. */
export interface IdentityMemory {
  identities: RecordMapperDeps['identities'];
  duplicates: RecordMapperDeps['duplicates'];
  deliveredBefore?: RecordMapperDeps['deliveredBefore'];
  suppressedIds: LearntSuppressedIds;
  /** Phase 1's first emails (retroactive identities); absent: the stream rules alone. */
  firstEmails?: RecordMapperDeps['firstEmails'];
  /** The reading that feeds the property plan (phase 1, or the only one of a streamed run). */
  observe?: RecordMapperDeps['observe'];
}

/** The requester of a command that only reads the portal (`properties pull`); it needs a token. */
export function connectOnly(flags: ConnectionOptions & { token: string }, settings: RequestSettings): Requester {
  return newRequester(new HubSpotClient({ baseUrl: flags.baseUrl, token: flags.token, apiVersion: flags.apiVersion }), flags, settings);
}

function newRequester(client: HubSpotClient, flags: ConnectionOptions, settings: RequestSettings): Requester {
  return new Requester({
    client,
    options: { rate: flags.rate, concurrency: settings.concurrency, maxRetries: flags.maxRetries, ...testTimings() },
    tally: settings.tally ?? new RunTally(),
    budget: settings.budget ?? new DailyBudget({ kind: 'requests', value: 0 }),
    clock: systemClock,
  });
}

/** A mapping command's options and the files they name, read. */
interface Mapping {
  options: MappingOptions;
  catalog?: Catalog;
  eventMap: Record<string, string>;
  propertyMap?: PropertyMap;
  rulesFor: Awaited<ReturnType<typeof prepareDeliveryRules>>;
}

export class CommandContext {
  /** Set by mapper() when --events is given. */
  private eventWatch: EventNameWatch | undefined;

  private constructor(
    private readonly flags: ConnectionOptions,
    /** Built at once, so a bad --base-url is a usage error before anything is opened. */
    private readonly client: HubSpotClient | undefined,
    private readonly mapping: Mapping,
  ) {}

  /**
   * Reads every file the flags name (--catalog, --event-map, --suppress) now, before
   * anything else is opened, so that a bad path fails first.
   */
  static async open(flags: ConnectionOptions, mapping: MappingOptions): Promise<CommandContext> {
    const client = flags.token === undefined ? undefined : new HubSpotClient({ baseUrl: flags.baseUrl, token: flags.token, apiVersion: flags.apiVersion });
    const rulesFor = await prepareDeliveryRules(mapping);
    const catalog = mapping.catalog ? await loadCatalogFile(mapping.catalog) : undefined;
    const eventMap = await loadEventMap(mapping.eventMap);
    const propertyMap = await loadPropertyMap(mapping.propertyMap);
    return new CommandContext(flags, client, { options: mapping, catalog, eventMap, propertyMap, rulesFor });
  }

  /**
   * The requester, built from the flags (the one place one is), counting into `tally`;
   * undefined without a token. A live run connects once its checkpoint gave the tally.
   */
  connect(settings: RequestSettings): Requester | undefined {
    return this.client && newRequester(this.client, this.flags, settings);
  }

  /** The requester of a command that cannot work without a token (a live run, a diff). */
  connectWithToken(settings: RequestSettings, why: string): Requester {
    const requester = this.connect(settings);
    if (!requester) throw new UsageError(`${why}: pass --token or set HUBSPOT_ACCESS_TOKEN.`);
    return requester;
  }

  /**
   * The hub ID (--hub-id, else the account's), the catalog (resolveCatalog) and the event
   * definitions when missing ones may not be created. `guard` wraps each request, so a
   * live run's signal does not wait out a start-up request's retries.
   */
  async portal(requester: Requester | undefined, { cache, delivers = false, guard = (work) => work, bind }: PortalSettings): Promise<Portal> {
    const { mapping } = this;
    const { hubId: givenHubId, createEventDefinitions } = mapping.options;
    const hubId = await this.resolveHubId(requester, givenHubId, guard);
    await bind?.(hubId);
    const catalog = mapping.catalog ?? (await guard(this.resolveCatalog(requester, cache)));
    // Only a delivery that may not create event definitions must know which exist (it has a token).
    const eventDefinitions = requester && delivers && !createEventDefinitions ? await guard(listEventDefinitions(requester)) : undefined;
    return { hubId, catalog, eventMap: mapping.eventMap, eventDefinitions };
  }

  /**
   * The hub ID: the one given (--hub-id, HUBSPOT_HUB_ID, the config's hubId), else the
   * token's account. With a token, a given hub ID that is not the token's account is
   * refused: every custom event would be named for the wrong portal.
   */
  private async resolveHubId(requester: Requester | undefined, given: string | undefined, guard: <T>(work: Promise<T>) => Promise<T>): Promise<number> {
    const hubId = given === undefined ? undefined : parseHubId(given);
    if (!requester) {
      if (hubId === undefined) throw new UsageError('Pass --hub-id (or set HUBSPOT_HUB_ID, or give a token): the portal ID names custom events.');
      return hubId;
    }
    const account = await guard(fetchHubId(requester));
    if (hubId !== undefined && hubId !== account) {
      throw new RefusedError(
        `The hub ID given (--hub-id, HUBSPOT_HUB_ID or the config's hubId) is ${hubId}, but the token belongs to the portal with hub ID ${account}: nothing was read or sent. ` +
          `Give --hub-id ${account}, or the token of hub ID ${hubId}.`,
      );
    }
    return account;
  }

  /**
   * The catalog a run maps against when no --catalog is given: HubSpot's (saved into the
   * state directory for a live run), else the state directory's saved one, else the
   * built-in defaults.
   */
  private async resolveCatalog(requester: Requester | undefined, cache: CatalogCache): Promise<Catalog> {
    if (requester) {
      const doc = await fetchCatalogDocument(requester);
      if (cache.use === 'write') await writeCachedCatalog(cache.stateDir, doc);
      return Catalog.fromDocument(doc);
    }
    const cached: CatalogDocument | undefined = cache.use === 'read' ? await readCachedCatalog(cache.stateDir) : undefined;
    return cached ? Catalog.fromDocument(cached) : defaultCatalog();
  }

  /** The record mapper of a run over `portal`, reading and learning `memory`. */
  mapper(portal: Portal, memory: IdentityMemory): RecordMapper {
    const { options, rulesFor, propertyMap } = this.mapping;
    const filters = filtersFrom(options);
    if (filters.events !== undefined) {
      const watch = new EventNameWatch(filters.events);
      filters.onEventMatched = (name) => watch.matchedName(name);
      filters.onEventFiltered = (name) => watch.filteredName(name);
      this.eventWatch = watch;
    }
    return new RecordMapper({
      context: { catalog: portal.catalog, hubId: portal.hubId, options: mapOptionsFrom(options, portal.eventMap, propertyMap), eventDefinitions: portal.eventDefinitions },
      identities: memory.identities,
      firstEmails: memory.firstEmails,
      duplicates: memory.duplicates,
      deliveredBefore: memory.deliveredBefore,
      filters,
      rules: rulesFor(memory.suppressedIds),
      observe: memory.observe,
    });
  }

  /** What the run's filters should tell at the end: `--events` names that matched nothing. */
  filterWarnings(): string[] {
    return this.eventWatch?.warnings() ?? [];
  }
}

/**
 * What a dry run or a diff remembers while it reads: identities learnt over the state
 * directory's map (only read), suppressed ids likewise, and the duplicate window.
 * `close` releases them; a second call does nothing.
 */
export function readOnlyMemory(stateDir: string | undefined, deliveredGeneration?: number): IdentityMemory & { companyIds: Pick<CompanyIdMap, 'get'>; close(): void } {
  const store = stateDir === undefined ? StateStore.inMemory() : StateStore.open(stateDirPaths(stateDir).state, { readOnly: true });
  const identities = new SpillingIdentityMap(store.identities);
  const duplicates = new MemoryDuplicateWindow();
  let open = true;
  return {
    identities,
    duplicates,
    deliveredBefore: store.deliveredBeforeOf(deliveredGeneration),
    // Ids earlier runs learnt are read; those learnt now stay in memory (a read-only store keeps what is added).
    suppressedIds: store.suppressedIds,
    // Read by a dry run's request plan: a domain with a known id is updated, not searched.
    companyIds: { get: (domain) => store.companyIds.get(domain) },
    close() {
      if (!open) return;
      open = false;
      identities.close();
      duplicates.close();
      store.close();
    },
  };
}

/**
 * What a dry run or diff may read of the state directory, once the hub ID is known: a
 * directory of another portal is refused (nothing of it is read with --fresh). Gives the
 * generation whose earlier deliveries count as delivered before, unless --resend.
 */
export async function readOnlyStateFor(stateDir: string, hubId: number, options: { fresh: boolean; resend: boolean }): Promise<{ use: boolean; deliveredGeneration?: number }> {
  const binding = await bindingOf(stateDir, hubId);
  if (binding.kind === 'other') {
    if (!options.fresh) throw otherPortalError(stateDir, binding.boundTo, hubId);
    return { use: false };
  }
  if (options.fresh || options.resend) return { use: true };
  return { use: true, deliveredGeneration: generationAfter(await readCheckpoint(stateDir)) };
}

/** What a live run remembers: the state directory's own store, written as records resolve. */
export function storeMemory(store: StateStore, deliveredGeneration?: number): IdentityMemory {
  return {
    identities: store.identities,
    duplicates: store.duplicates,
    deliveredBefore: store.deliveredBeforeOf(deliveredGeneration),
    suppressedIds: store.suppressedIds,
  };
}
