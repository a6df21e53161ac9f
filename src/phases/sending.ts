// Phase 3 of a compacted run, "sending": the fold goes to HubSpot key by key, each key
// once: contacts and companies in full batches back to back; events once their contacts
// are answered; associations once their two ends are. A key is marked
// confirmed once answered, so a resumed run sends only the others. HubSpot's refusals
// are narrowed to the records at fault by the writers' rules for merged operations, from
// each record's contribution kept in the fold. Once every key is answered, every folded
// record is counted in input order: delivered, or dead-lettered with what HubSpot said.
import type { DeadLetterVerdict, Operation } from '../core/types.js';
import type { SendingProgress } from '../report/progress.js';
import type { RunTally } from '../report/tally.js';
import { openInput } from '../sources/openInput.js';
import type { InputFile, ReadOptions, SourceItem } from '../sources/types.js';
import type { FoldedKey, FoldedRecord, FoldKind, FoldStore } from '../state/foldStore.js';
import type { DeadLetters } from '../sync/loop/deadLetters.js';
import type { MappedRecord } from '../sync/loop/recordMapper.js';

/** What the sending phase sends through (the live Delivery). */
export interface FoldedSender {
  /** Answers once the key's operations are answered (the run's batches do not linger: nothing else sends them). */
  sendFolded(key: string, operations: readonly Operation[], seq: number): Promise<Array<DeadLetterVerdict | undefined>>;
  readonly halted: Promise<void>;
  readonly failure: unknown;
}

/** Keys read from the fold at once: five full batches of contacts or companies, one of events. */
const PAGE = 500;
/**
 * Operations of one kind in flight before the next page is read: enough to keep every
 * request slot busy, and bounded by operations rather than keys, since a company folded
 * from fifteen updates holds fifteen times a single update's memory until it is answered.
 */
const PARTS_IN_FLIGHT = 3_000;

/**
 * Sends every unconfirmed key; false when a stop or a failure ended it first. Contacts and
 * companies go side by side (company search has a pace of its own); events once the
 * contacts are answered, associations once both ends are, each kind waiting only for
 * what it needs.
 */
export async function sendFold(fold: FoldStore, sender: FoldedSender, shouldStop: () => boolean, progress?: SendingProgress): Promise<boolean> {
  const halted = sender.halted.then(() => false);
  const keySent = () => {
    if (progress) progress.sent++;
  };
  const send = (kind: FoldKind) => Promise.race([sendKind(fold, sender, kind, shouldStop, keySent), halted]);
  const after = async (needed: Array<Promise<boolean>>, kind: FoldKind) => (await Promise.all(needed)).every(Boolean) && send(kind);
  const contacts = send('contact');
  const companies = send('company');
  const ends = await Promise.all([after([contacts], 'event'), after([contacts, companies], 'association')]);
  if (!ends.every(Boolean)) return false;
  fold.commit();
  return !shouldStop() && sender.failure === undefined;
}

/** Every unconfirmed key of one kind, a page at a time. */
async function sendKind(fold: FoldStore, sender: FoldedSender, kind: FoldKind, shouldStop: () => boolean, keySent: () => void): Promise<boolean> {
  const pages: Array<{ sent: Promise<unknown>; parts: number }> = [];
  let inFlight = 0;
  let after = '';
  for (;;) {
    if (shouldStop() || sender.failure !== undefined) return false;
    const page = fold.pendingPage(kind, after, PAGE);
    if (page.length === 0) break;
    after = page.at(-1)!.key;
    const parts = page.reduce((sum, folded) => sum + folded.parts.length, 0);
    const sent = Promise.all(page.map((folded) => sendKey(fold, sender, kind, folded).then(keySent)));
    pages.push({ sent, parts });
    inFlight += parts;
    while (inFlight > PARTS_IN_FLIGHT && pages.length > 1) {
      const oldest = pages.shift()!;
      await oldest.sent;
      inFlight -= oldest.parts;
    }
  }
  // Each kind waits for its own keys only: events need not wait for companies' searches.
  await Promise.all(pages.map((page) => page.sent));
  return sender.failure === undefined;
}

async function sendKey(fold: FoldStore, sender: FoldedSender, kind: FoldKind, { key, parts }: FoldedKey): Promise<void> {
  if (parts.length > 0) {
    const verdicts = await sender.sendFolded(key, parts.map((part) => part.operation), parts[0]!.record);
    verdicts.forEach((verdict, i) => {
      if (verdict) fold.refuse(parts[i]!.record, verdict);
    });
  }
  fold.confirm(kind, key);
}

export interface AccountOptions {
  fold: FoldStore;
  /** Every input of the run, to read a refused record again for its dead letter. */
  inputs: readonly InputFile[];
  read: Omit<ReadOptions, 'start'>;
  tally: RunTally;
  deadLetters: DeadLetters;
  onDelivered?: (messageId: string) => void;
}

/**
 * Counts every folded record in input order, once all keys are answered: delivered, or
 * dead-lettered `HUBSPOT_REJECTED` (its call read again from its input for the file).
 */
export async function accountFold(options: AccountOptions): Promise<void> {
  const { fold, tally, deadLetters } = options;
  const inputs = new RefusedRecords(options);
  try {
    let after = 0;
    for (;;) {
      const records = fold.records(after, PAGE);
      if (records.length === 0) return;
      after = records.at(-1)!.id;
      for (const record of records) {
        if (record.verdicts.length > 0) {
          const again = await inputs.read(record);
          for (const verdict of record.verdicts) deadLetters.add(again, verdict);
          if (!record.counted) tally.outcome('deadLettered');
        } else if (!record.counted) {
          tally.outcome('delivered');
          if (record.messageId !== undefined) options.onDelivered?.(record.messageId);
          if (record.retroactive) tally.retroactive();
        }
        if (deadLetters.full) await deadLetters.flush();
      }
    }
  } finally {
    await inputs.close();
  }
}

/** How far ahead in an input that can seek a refused record must be to be opened at, rather than read on to. */
const READ_ON_BYTES = 16 * 1024 * 1024;

/**
 * The refused records as their inputs hold them, asked for in input order: each input is
 * read forward once, not opened (and a gzip input decompressed from its top) again for
 * every refused record. A record far ahead in an uncompressed input is reached by opening
 * the input at it instead.
 */
class RefusedRecords {
  private reading: { path: string; items: AsyncIterator<SourceItem>; offset: number } | undefined;

  constructor(private readonly options: Pick<AccountOptions, 'inputs' | 'read'>) {}

  async read(record: FoldedRecord): Promise<MappedRecord> {
    const file = this.options.inputs.find((input) => input.path === record.path);
    if (file) {
      const reading = await this.readingAt(file, record);
      for (let next = await reading.items.next(); next.done !== true; next = await reading.items.next()) {
        const item = next.value;
        reading.offset = item.position.offset;
        if (item.position.offset > record.offset) break;
        if (item.position.offset !== record.offset || item.position.index !== record.index) continue;
        return item.kind === 'record' ? { position: item.position, call: item.call, operations: [], warnings: [] } : { position: item.position, raw: item.raw, operations: [], warnings: [] };
      }
      // Not there (the input changed since): the next record opens it again.
      await this.close();
    }
    const position = { file: record.path, line: record.line, offset: record.offset, endLine: record.line, endOffset: record.offset, ...(record.index === undefined ? {} : { index: record.index }) };
    return { position, raw: '', operations: [], warnings: [] };
  }

  async close(): Promise<void> {
    const items = this.reading?.items;
    this.reading = undefined;
    await items?.return?.();
  }

  /** The reading that reaches `record` going forward: the one under way, or a new one opened at it. */
  private async readingAt(file: InputFile, record: FoldedRecord) {
    const current = this.reading;
    const gzip = file.path.endsWith('.gz');
    if (current?.path === file.path && current.offset <= record.offset && (gzip || record.offset - current.offset <= READ_ON_BYTES)) return current;
    await this.close();
    const items = openInput(file, { ...this.options.read, start: { line: record.line, offset: record.offset } })[Symbol.asyncIterator]();
    return (this.reading = { path: file.path, items, offset: -1 });
  }
}
