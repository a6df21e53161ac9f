// `hubspot-sync diff <inputs…>`: what a replay would change in HubSpot, property by
// property. Read-only: it maps like a dry run, then reads the current records.
import { UsageError, EXIT, type ExitCode } from '../errors.js';
import { diffProperties } from '../core/diffProperties.js';
import { diffJsonLine, DiffText, type DiffEntry } from '../report/diffRender.js';
import { LineWriter } from '../report/lineWriter.js';
import { RunTally } from '../report/tally.js';
import { listInputs } from '../sources/listInputs.js';
import { CompanyFinder } from '../sync/companies/companySearch.js';
import { readCompanies, readContacts } from '../sync/sinks/currentValues.js';
import { DeadLetters } from '../sync/loop/deadLetters.js';
import { DiffCollector } from '../sync/sinks/diffCollector.js';
import { runInputs } from '../sync/loop/runInputs.js';
import type { Catalog, CatalogObject } from '../core/index.js';
import type { RecordDiff } from '../core/diffProperties.js';
import { creatableNames, type PropertyPlan } from '../core/propertyPlan.js';
import { refuseStreamedCreate, RunPlan } from './run/propertyPlan.js';
import { planLines } from '../report/propertyPlan.js';
import type { PropertyValues } from '../core/types.js';
import type { Requester } from '../sync/requests/requester.js';
import type { OptionsOf } from './options.js';
import { CommandContext, readOnlyMemory, readOnlyStateFor } from './run/context.js';
import { inspectBeforeSending, readOptionsFrom } from './run/inspect.js';
import { notice } from './run/notice.js';
import { closeBasis, learningPhase, mappingMemory, type MappingBasis } from '../phases/phases.js';

export const DIFF_GROUPS = ['connection', 'requests', 'input', 'viewFormat', 'mapping', 'delivery', 'state'] as const;

export type DiffOptions = OptionsOf<(typeof DIFF_GROUPS)[number]>;

export async function diffCommand(paths: string[], flags: DiffOptions): Promise<ExitCode> {
  if (!flags.token) throw new UsageError('diff reads HubSpot: pass a token (read scopes are enough) with --token or HUBSPOT_ACCESS_TOKEN.');
  const inputs = await listInputs(paths, flags.inputFormat);
  refuseStreamedCreate(inputs, flags);
  await inspectBeforeSending(inputs, flags);
  const context = await CommandContext.open(flags, flags);
  const tally = new RunTally();
  const requester = context.connectWithToken({ concurrency: flags.concurrency, tally }, 'diff reads HubSpot');
  let generation: number | undefined;
  const portal = await context.portal(requester, {
    cache: { use: 'none' },
    bind: async (hubId) => {
      generation = (await readOnlyStateFor(flags.stateDir, hubId, { fresh: false, resend: false })).deliveredGeneration;
    },
  });

  const memory = readOnlyMemory(flags.stateDir, generation);
  const collector = new DiffCollector();
  const read = readOptionsFrom(flags);
  let basis: MappingBasis = { kind: 'streamed' };
  const plan = new RunPlan(flags);
  try {
    // The diff maps as a replay would, first reading included.
    basis = await learningPhase({
      retroactive: flags.retroactiveIdentities,
      createProperties: flags.createProperties,
      observe: plan.observe,
      inputs,
      read,
      known: memory,
      mapperFor: (learning) => context.mapper(portal, learning),
      notify: (message) => notice({ logFormat: 'text' }, message),
    });
    // With --create-properties the diff maps as if the plan's creatable names existed, and shows them as new.
    const { fixed, catalog } = plan.fixForPrediction(basis, portal.catalog, (text) => process.stderr.write(text));
    const mapping = { ...portal, catalog };
    await runInputs({
      inputs,
      read,
      mapper: context.mapper(mapping, { ...mappingMemory(memory, basis), observe: plan.mappingObserver(basis) }),
      sink: collector,
      tally,
      deadLetters: new DeadLetters(tally),
    });
    closeBasis(basis);
    memory.close(); // what mapping remembered is not needed to compare
    await compareWithPortal(collector, requester, mapping.catalog, tally, flags, newProperties(fixed, flags.createProperties));
    // Standard output carries the diff; the plan goes with the other messages.
    const { properties, untracked } = plan.plan();
    const lines = planLines(properties, untracked.contact + untracked.company > 0 ? untracked : undefined, true);
    if (lines.length > 0) process.stderr.write(lines.join('\n') + '\n');
  } finally {
    closeBasis(basis);
    memory.close();
    collector.close();
  }
  return EXIT.completed;
}

/**
 * Reads what HubSpot holds for the collected records, a window at a time, and writes each
 * record's differences, then (as text) the summary.
 */
async function compareWithPortal(collector: DiffCollector, requester: Requester, catalog: Catalog, tally: RunTally, flags: DiffOptions, created: NewProperties): Promise<void> {
  // Through a LineWriter: it stops writing once the reader goes away (`| head`).
  const out = LineWriter.toStream(process.stdout);
  const text = flags.format === 'text' ? new DiffText(process.stdout.isTTY === true && !process.env.NO_COLOR) : undefined;
  const emit = async (entry: DiffEntry) => {
    const rendered = text ? text.entry(entry) : diffJsonLine(entry);
    if (rendered !== '') out.pushText(rendered);
    if (out.full) await out.flush();
  };
  const companyKey = flags.companyKey === 'none' ? undefined : flags.companyKey;
  for (const window of collector.contacts.windows(COMPARE_WINDOW)) {
    if (out.closed) break;
    const current = await readContacts(requester, window.map(([email]) => email), propertyNames(window));
    for (const [email, proposed] of window) {
      await emit({ object: 'contact', key: email, ...markNew(diffProperties(proposed, current.get(email), (name) => catalog.contact(name)), created.contact) });
    }
  }
  const finder = new CompanyFinder(requester);
  for (const window of collector.companies.windows(COMPARE_WINDOW)) {
    if (out.closed) break;
    const current = await readCompanies(finder, requester, window.map(([domain]) => domain), propertyNames(window), companyKey);
    for (const [domain, proposed] of window) {
      await emit({ object: 'company', key: domain, ...markNew(diffProperties(proposed, current.get(domain), (name) => catalog.company(name)), created.company) });
    }
  }
  if (text) out.pushText(text.summary({ deadLetters: tally.data.deadLetters as Record<string, number>, notCompared: collector.other, deliveredBefore: tally.data.skipped.delivered }));
  await out.close();
}

type NewProperties = Record<CatalogObject, ReadonlySet<string>>;

/** The names --create-properties would create, per object (none without the flag). */
function newProperties(plan: PropertyPlan | undefined, create: boolean): NewProperties {
  const names = (object: CatalogObject) => new Set(plan !== undefined && create ? creatableNames(plan, object).map((p) => p.name) : []);
  return { contact: names('contact'), company: names('company') };
}

function markNew(diff: RecordDiff, created: ReadonlySet<string>): RecordDiff {
  if (created.size === 0) return diff;
  for (const [name, change] of Object.entries(diff.changes)) if (created.has(name)) change.newProperty = true;
  return diff;
}

/** Records compared per round of reads: HubSpot reads them 100 at a time, several at once. */
const COMPARE_WINDOW = 1_000;

function propertyNames(window: ReadonlyArray<readonly [string, PropertyValues]>): string[] {
  const names = new Set<string>();
  for (const [, properties] of window) for (const name of Object.keys(properties)) names.add(name);
  return [...names];
}
