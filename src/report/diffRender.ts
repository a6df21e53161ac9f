// Renders a diff: `+` new records with their properties, `~ property: "old" → "new"` for
// changed ones, unchanged records counted, then a summary. JSON: one object per record.
import type { RecordDiff } from '../core/diffProperties.js';

export interface DiffEntry extends RecordDiff {
  object: 'contact' | 'company';
  key: string;
}

export interface DiffSummaryExtras {
  deadLetters: Record<string, number>;
  notCompared: Record<string, number>;
}

const ANSI = { green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', reset: '\u001b[0m' };

export function diffJsonLine(entry: DiffEntry): string {
  return JSON.stringify({ object: entry.object, key: entry.key, status: entry.status, changes: entry.changes }) + '\n';
}

export function renderDiffText(entries: readonly DiffEntry[], extras: DiffSummaryExtras, color: boolean): string {
  const paint = (code: keyof typeof ANSI, text: string) => (color ? `${ANSI[code]}${text}${ANSI.reset}` : text);
  const lines: string[] = [];
  const tally = { contact: { new: 0, changed: 0, unchanged: 0 }, company: { new: 0, changed: 0, unchanged: 0 } };
  const byProperty = new Map<string, number>();
  for (const entry of entries) {
    tally[entry.object][entry.status]++;
    if (entry.status === 'unchanged') continue;
    if (entry.status === 'new') {
      lines.push(paint('green', `+ ${entry.object} ${entry.key}`));
      for (const [name, change] of Object.entries(entry.changes)) lines.push(paint('green', `    ${name}: ${JSON.stringify(change.to)}`));
    } else {
      lines.push(paint('yellow', `~ ${entry.object} ${entry.key}`));
      for (const [name, change] of Object.entries(entry.changes)) {
        lines.push(`    ~ ${name}: ${change.from === null ? '(empty)' : JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
        byProperty.set(name, (byProperty.get(name) ?? 0) + 1);
      }
    }
  }
  const unchanged = tally.contact.unchanged + tally.company.unchanged;
  if (unchanged > 0) lines.push(paint('dim', `= ${unchanged} record${unchanged === 1 ? '' : 's'} unchanged (${tally.contact.unchanged} contacts, ${tally.company.unchanged} companies)`));

  const counts = (t: { new: number; changed: number; unchanged: number }) => `new ${t.new} · changed ${t.changed} · unchanged ${t.unchanged}`;
  lines.push('', 'Summary', `  contacts   ${counts(tally.contact)}`, `  companies  ${counts(tally.company)}`);
  const most = [...byProperty].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  if (most.length > 0) lines.push(`  most changed properties: ${most.map(([name, n]) => `${name} (${n})`).join(', ')}`);
  const dead = Object.entries(extras.deadLetters).filter(([, n]) => n > 0);
  const deadTotal = dead.reduce((sum, [, n]) => sum + n, 0);
  lines.push(`  dead letters: ${deadTotal}${deadTotal ? ` (${dead.map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}`);
  const other = Object.entries(extras.notCompared).filter(([, n]) => n > 0);
  if (other.length > 0) lines.push(`  not compared: ${other.map(([op, n]) => `${n} ${op}`).join(', ')} (diff compares contact and company properties)`);
  return lines.join('\n') + '\n';
}
