// What the company writer must remember across runs besides the domain → id map
// (companies.json in the state directory):
// - the portal's unique company key property, once it is known to exist, so later runs
//   need not ask;
// - domains whose company create got no answer and that search has not shown since:
//   such a create may have been applied, so no run may create the domain again until
//   search shows it, or until so long has passed that HubSpot's index must show it.
//   An entry is written before its create is sent (a run killed in between still knows)
//   and dropped only with the checkpoint that follows the domain's id reaching the state
//   database (the id is what makes it safe).
import { readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { writeFailure } from '../errors.js';
import { PRIVATE_FILE_MODE } from './stateDir.js';
import { failIfPlanned } from './writeFaults.js';

interface Saved {
  keyProperty?: string;
  /** domain → when its unanswered create was sent (ms since the epoch). */
  unconfirmed: Record<string, number>;
}

export class CompanyMemory {
  private keyName: string | undefined;
  private readonly unconfirmed = new Map<string, number>();
  /** Confirmed since the last save: dropped from the file at the next save(). */
  private readonly confirmed = new Set<string>();

  /** `path` undefined: kept in memory only (tests). */
  constructor(private readonly path?: string) {
    if (!path) return;
    const saved = readSaved(path);
    this.keyName = saved.keyProperty;
    for (const [domain, since] of Object.entries(saved.unconfirmed)) this.unconfirmed.set(domain, since);
  }

  /** The unique company property this portal is known to have, if any. */
  get keyProperty(): string | undefined {
    return this.keyName;
  }

  rememberKeyProperty(name: string | undefined): void {
    if (this.keyName === name) return;
    this.keyName = name;
    this.write();
  }

  /** When a create for `domain` was sent without an answer, if HubSpot has not confirmed it since. */
  unconfirmedSince(domain: string): number | undefined {
    return this.confirmed.has(domain) ? undefined : this.unconfirmed.get(domain);
  }

  /** Before sending creates: on disk when this returns. */
  markUnconfirmed(domains: readonly string[], at: number): void {
    if (domains.length === 0) return;
    for (const domain of domains) {
      this.unconfirmed.set(domain, at);
      this.confirmed.delete(domain);
    }
    this.write();
  }

  /** The domain's company is known (its id is set) or its create was refused: nothing pending. */
  confirm(domain: string): void {
    if (this.unconfirmed.has(domain)) this.confirmed.add(domain);
  }

  /** Forgets everything, on disk too: the directory now belongs to another portal. */
  forget(): void {
    this.keyName = undefined;
    this.unconfirmed.clear();
    this.confirmed.clear();
    this.write();
  }

  /** Number of domains still unconfirmed. */
  get pending(): number {
    return this.unconfirmed.size - this.confirmed.size;
  }

  /** At a checkpoint, after the domain → id map is on disk: forgets confirmed domains. */
  save(): void {
    for (const domain of this.confirmed) this.unconfirmed.delete(domain);
    const changed = this.confirmed.size > 0;
    this.confirmed.clear();
    if (changed) this.write();
  }

  private write(): void {
    if (!this.path) return;
    const saved: Saved = { unconfirmed: Object.fromEntries(this.unconfirmed) };
    if (this.keyName !== undefined) saved.keyProperty = this.keyName;
    try {
      failIfPlanned('companies');
      writeFileAtomic.sync(this.path, `${JSON.stringify(saved)}\n`, { mode: PRIVATE_FILE_MODE, fsync: true });
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }
}

function readSaved(path: string): Saved {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { unconfirmed: {} };
  }
  const saved: Saved = { unconfirmed: {} };
  if (typeof value !== 'object' || value === null) return saved;
  const v = value as Record<string, unknown>;
  if (typeof v.keyProperty === 'string') saved.keyProperty = v.keyProperty;
  if (typeof v.unconfirmed === 'object' && v.unconfirmed !== null) {
    for (const [domain, since] of Object.entries(v.unconfirmed)) if (typeof since === 'number' && Number.isFinite(since)) saved.unconfirmed[domain] = since;
  }
  return saved;
}
