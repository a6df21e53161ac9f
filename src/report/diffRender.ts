// Renders a diff: `+` new records with their properties, `~ property: "old" → "new"` for
// changed ones, unchanged records counted, then a summary. JSON: one object per record.
// Records are rendered as they are compared, so the output streams and memory holds only
// the counts the summary needs.
import type { RecordDiff } from '../core/diffProperties.js';

export interface DiffEntry extends RecordDiff {
  object: 'contact' | 'company';
  key: string;
}

export interface DiffSummaryExtras {
  deadLetters: Record<string, number>;
  notCompared: Record<string, number>;
  /** Records an earlier completed run of the state directory delivered: a live run skips them. */
  deliveredBefore?: number;
}

const ANSI = { green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', reset: '\u001b[0m' };

export function diffJsonLine(entry: DiffEntry): string {
  return JSON.stringify({ object: entry.object, key: entry.key, status: entry.status, changes: entry.changes }) + '\n';
}

type StatusCounts = { new: number; changed: number; unchanged: number };

/** The text form: `entry` gives each record's lines, `summary` the closing block. */
export class DiffText {
  private readonly tally: Record<DiffEntry['object'], StatusCounts> = {
    contact: { new: 0, changed: 0, unchanged: 0 },
    company: { new: 0, changed: 0, unchanged: 0 },
  };
  private readonly byProperty = new Map<string, number>();

  constructor(private readonly color: boolean) {}

  /** The record's lines, each ending in a newline; nothing for an unchanged record. */
  entry(entry: DiffEntry): string {
    this.tally[entry.object][entry.status]++;
    if (entry.status === 'unchanged') return '';
    const lines: string[] = [];
    if (entry.status === 'new') {
      lines.push(this.paint('green', `+ ${entry.object} ${entry.key}`));
      for (const [name, change] of Object.entries(entry.changes)) lines.push(this.paint('green', `    ${name}${newMark(change)}: ${JSON.stringify(change.to)}`));
    } else {
      lines.push(this.paint('yellow', `~ ${entry.object} ${entry.key}`));
      for (const [name, change] of Object.entries(entry.changes)) {
        lines.push(`    ~ ${name}${newMark(change)}: ${change.from === null ? '(empty)' : JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
        this.byProperty.set(name, (this.byProperty.get(name) ?? 0) + 1);
      }
    }
    return lines.join('\n') + '\n';
  }

  /** The unchanged count and the summary, after the last record. */
  summary(extras: DiffSummaryExtras): string {
    const { contact, company } = this.tally;
    const lines: string[] = [];
    const unchanged = contact.unchanged + company.unchanged;
    if (unchanged > 0) lines.push(this.paint('dim', `= ${unchanged} record${unchanged === 1 ? '' : 's'} unchanged (${contact.unchanged} contacts, ${company.unchanged} companies)`));

    const counts = (t: StatusCounts) => `new ${t.new} · changed ${t.changed} · unchanged ${t.unchanged}`;
    lines.push('', 'Summary', `  contacts   ${counts(contact)}`, `  companies  ${counts(company)}`);
    const most = [...this.byProperty].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    if (most.length > 0) lines.push(`  most changed properties: ${most.map(([name, n]) => `${name} (${n})`).join(', ')}`);
    const dead = Object.entries(extras.deadLetters).filter(([, n]) => n > 0);
    const deadTotal = dead.reduce((sum, [, n]) => sum + n, 0);
    lines.push(`  dead letters: ${deadTotal}${deadTotal ? ` (${dead.map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}`);
    const other = Object.entries(extras.notCompared).filter(([, n]) => n > 0);
    if (other.length > 0) lines.push(`  not compared: ${other.map(([op, n]) => `${n} ${op}`).join(', ')} (diff compares contact and company properties)`);
    const delivered = extras.deliveredBefore ?? 0;
    if (delivered > 0) lines.push(`  not compared: ${delivered} record${delivered === 1 ? '' : 's'} delivered by earlier runs of this state directory (a live run skips them)`);
    return lines.join('\n') + '\n';
  }

  private paint(code: keyof typeof ANSI, text: string): string {
    return this.color ? `${ANSI[code]}${text}${ANSI.reset}` : text;
  }
}

/** A property --create-properties would create is marked as new. */
function newMark(change: { newProperty?: true }): string {
  return change.newProperty === true ? ' (new property)' : '';
}
