// The phases of a run (docs/architecture.md#phases-of-a-run). A run whose inputs can all
// be read again (regular files, directories and S3 layouts of them) reads them twice:
// phase 1 learns (learning.ts), phase 2 maps and sends or prints, as a single pass did
// before. A run with standard input or a FIFO among its inputs streams once.
// (Folding the mapping phase's updates before sending them would slot in after phase 2.)
import type { InputFile, ReadOptions, StartAt } from '../sources/types.js';
import type { InputProgress } from '../sync/loop/runInputs.js';
import { learnFromInputs, suppressedFromTheStart, type FirstReading, type KnownMemory, type LearningOptions } from './learning.js';

export type { FirstReading } from './learning.js';

/** What the mapping phase maps with: the first reading's lessons, or the stream rules alone. */
export type MappingBasis =
  | { kind: 'retroactive'; reading: FirstReading }
  /** Read first only for the property plan (--create-properties without retroactive identities). */
  | { kind: 'planned'; reading: FirstReading }
  | { kind: 'streamed' }
  /** Stopped during phase 1 (a signal, a closed output): there is nothing to map. */
  | { kind: 'stopped' };

export interface PhaseOneSettings {
  /** `--no-retroactive-identities` turns phase 1 off. */
  retroactive: boolean;
  /** `--create-properties`: phase 1 is needed for the property plan whatever `retroactive` says. */
  createProperties?: boolean;
  observe?: LearningOptions['observe'];
  inputs: readonly InputFile[];
  read: Omit<ReadOptions, 'start'>;
  startFor?: (file: InputFile) => StartAt | undefined;
  known: KnownMemory;
  mapperFor: LearningOptions['mapperFor'];
  /** One line for the user (why the run streams once). */
  notify: (message: string) => void;
  onInput?: (progress: InputProgress) => void;
  shouldStop?: () => boolean;
}

/** Whether the run reads twice: every input is a regular file (a size known at the start). */
export function readsTwice(settings: Pick<PhaseOneSettings, 'retroactive' | 'inputs' | 'createProperties'>): boolean {
  return (settings.retroactive || settings.createProperties === true) && settings.inputs.length > 0 && settings.inputs.every((file) => file.size !== undefined);
}

/**
 * Whether a live run folds its inputs before sending them (phases 2 and 3): files only, since
 * a record HubSpot refuses is read again from its input, and unless `--no-compact`.
 */
export function foldsBeforeSending(compact: boolean, inputs: readonly InputFile[]): boolean {
  return compact && inputs.length > 0 && inputs.every((file) => file.size !== undefined);
}

/** Phase 1, when the run reads twice; else the reason it streams, told once. */
export async function learningPhase(settings: PhaseOneSettings): Promise<MappingBasis> {
  if (!settings.retroactive && settings.createProperties !== true) return { kind: 'streamed' };
  const streamed = settings.inputs.find((file) => file.size === undefined);
  if (streamed !== undefined) {
    const what = streamed.path === '-' ? 'standard input' : `${streamed.path} (a pipe or FIFO)`;
    settings.notify(`${what} can be read only once, so the run streams everything once: anonymous calls before their identify are not attributed (retroactive identities need files).`);
    return { kind: 'streamed' };
  }
  const reading = await learnFromInputs(settings);
  if (!reading) return { kind: 'stopped' };
  return settings.retroactive ? { kind: 'retroactive', reading } : { kind: 'planned', reading };
}

/** The memory a mapping-phase mapper reads, with phase 1's lessons when there are any. */
export function mappingMemory<M extends { suppressedIds: LearningMemory['suppressedIds'] }>(memory: M, basis: MappingBasis): M & { firstEmails?: FirstReading['firstEmails'] } {
  if (basis.kind !== 'retroactive') return memory;
  return { ...memory, suppressedIds: suppressedFromTheStart(memory.suppressedIds, basis.reading), firstEmails: basis.reading.firstEmails };
}

type LearningMemory = Parameters<LearningOptions['mapperFor']>[0];

/** Releases what phase 1 kept. */
export function closeBasis(basis: MappingBasis): void {
  if (basis.kind === 'retroactive' || basis.kind === 'planned') basis.reading.close();
}
