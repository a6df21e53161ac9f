// A test setting, not in --help: HUBSPOT_SYNC_FAIL_WRITE=<kind>@<n>[:hang] makes the run's
// writes of one kind fail as on a full disk, from the n-th on (a disk that filled stays
// full), so the suite proves what a run does then on any machine, mounting allowed or not.
// With `:hang`, the n-th write never finishes instead (a disk that stopped answering).
// Kinds: checkpoint, state (the SQLite store), dead-letters, report, catalog, companies.
// Unset, nothing is counted and every write is left alone.

export type WriteKind = 'checkpoint' | 'state' | 'dead-letters' | 'report' | 'catalog' | 'companies';

interface Plan {
  from: number;
  hang: boolean;
}

const SETTING = /^(checkpoint|state|dead-letters|report|catalog|companies)@([1-9][0-9]*)(:hang)?$/;

let plans: Map<WriteKind, Plan> | undefined;
const counts = new Map<WriteKind, number>();

function plansOf(setting: string | undefined): Map<WriteKind, Plan> {
  const found = new Map<WriteKind, Plan>();
  for (const part of (setting ?? '').split(',')) {
    const match = SETTING.exec(part.trim());
    if (match) found.set(match[1] as WriteKind, { from: Number(match[2]), hang: match[3] !== undefined });
  }
  return found;
}

/** What the test setting makes of this write of `kind`: nothing (always, unless set), a failure or a hang. */
export function plannedFault(kind: WriteKind): 'fail' | 'hang' | undefined {
  plans ??= plansOf(process.env.HUBSPOT_SYNC_FAIL_WRITE);
  const plan = plans.get(kind);
  if (plan === undefined) return undefined;
  const n = (counts.get(kind) ?? 0) + 1;
  counts.set(kind, n);
  if (n < plan.from) return undefined;
  return plan.hang && n === plan.from ? 'hang' : 'fail';
}

/** The error a write to a full disk fails with. */
export function noSpaceError(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** For a write that cannot wait: throws as a full disk would when the setting says so (a hang fails too). */
export function failIfPlanned(kind: WriteKind): void {
  if (plannedFault(kind) !== undefined) throw noSpaceError();
}

/** Before an asynchronous write: rejects as a full disk would, or never settles, when the setting says so. */
export async function faultIfPlanned(kind: WriteKind): Promise<void> {
  const fault = plannedFault(kind);
  if (fault === 'fail') throw noSpaceError();
  if (fault === 'hang') await new Promise<never>(() => undefined);
}
