// The live sink: operations of each record go to the writer of their kind; the record
// settles when all of them did. A group's association waits for its company (and the
// contact writer) so it is only sent once both records exist.
import type { DeadLetterVerdict, Operation } from '../../core/types.js';
import { AssociationWriter } from '../writers/associationWriter.js';
import type { Clock } from '../requests/throttle.js';
import { CompanyMemory } from '../../state/companyMemory.js';
import type { CompanyIdMap } from '../../state/stateStore.js';
import { CompanyWriter } from '../companies/companyWriter.js';
import { ContactWriter } from '../writers/contactWriter.js';
import { EventWriter, type EventPropertyTypeOf, type EventWriterOptions } from '../writers/eventWriter.js';
import type { MappedRecord } from '../loop/recordMapper.js';
import type { Requester } from '../requests/requester.js';
import type { RecordSink } from '../loop/runInputs.js';

export interface DeliveryOptions {
  hubId: number;
  maxRetries: number;
  createEventDefinitions: boolean;
  /** Records accepted but not yet settled before `accept` waits (memory bound). */
  maxPendingRecords?: number;
  lingerMs?: number;
  /** The unique company key property (`--company-key`); undefined: none. */
  companyKey?: string;
  /** Company facts kept in the state directory (in memory when absent). */
  companyMemory?: CompanyMemory;
  /** A notice for the user (how companies are keyed). */
  notify?: (message: string) => void;
  /** The safe company path's first wait before searching again (1 s). */
  backoffMs?: number;
  /** An event property's type from every value of the run, when known (the property plan's reading). */
  eventPropertyType?: EventPropertyTypeOf;
  /** An event's property names in the order the records of the fold being sent first carried them. */
  eventPropertyOrder?: EventWriterOptions['runOrder'];
  /** A property left out of one event occurrence: its definition holds HubSpot's 50 already. */
  onEventPropertyWithoutRoom?: EventWriterOptions['onNoRoom'];
  /** A lifecycle stage's place in the portal's order, for folded keys (core/lifecycleStage.ts). */
  stageRank?: (object: 'contact' | 'company', stage: string) => number | undefined;
}

export class Delivery implements RecordSink {
  private readonly contacts: ContactWriter;
  private readonly companies: CompanyWriter;
  private readonly associations: AssociationWriter;
  private readonly events: EventWriter;
  private pendingRecords = 0;
  private readonly maxPendingRecords: number;
  private roomWaiters: Array<() => void> = [];
  private fatal?: unknown;
  private interrupted = false;
  /** Input order of the records accepted, so older records' batches go first. */
  private seq = 0;
  private halt!: () => void;
  /** Resolves when a failure or a signal stops delivery: unsettled records stay so. */
  readonly halted = new Promise<void>((resolve) => (this.halt = resolve));

  constructor(requester: Requester, options: DeliveryOptions, companyIds: CompanyIdMap, clock: Clock) {
    const onFatal = (error: unknown) => this.fail(error);
    const linger = options.lingerMs; // the writers' own default when absent
    const stages = options.stageRank;
    this.contacts = new ContactWriter(requester, onFatal, linger, stages && ((stage) => stages('contact', stage)));
    this.companies = new CompanyWriter(
      requester,
      companyIds,
      options.companyMemory ?? new CompanyMemory(),
      clock,
      { keyProperty: options.companyKey, maxRetries: options.maxRetries, notify: options.notify, lingerMs: linger, backoffMs: options.backoffMs, stageRank: stages && ((stage: string) => stages('company', stage)) },
      onFatal,
    );
    this.associations = new AssociationWriter(requester, this.contacts, this.companies, onFatal, linger);
    this.events = new EventWriter(requester, options.hubId, onFatal, {
      createDefinitions: options.createEventDefinitions,
      lingerMs: linger,
      runType: options.eventPropertyType,
      runOrder: options.eventPropertyOrder,
      onNoRoom: options.onEventPropertyWithoutRoom,
    });
    this.maxPendingRecords = options.maxPendingRecords ?? 10_000;
  }

  /** Why the run must stop (a pause or an auth failure), once something failed that way. */
  get failure(): unknown {
    return this.fatal;
  }

  async accept(record: MappedRecord, settle: (rejections: DeadLetterVerdict[]) => void): Promise<void> {
    if (this.fatal) throw this.fatal;
    this.pendingRecords++;
    const seq = this.seq++;
    const done: Array<Promise<DeadLetterVerdict | undefined>> = [];
    for (const operation of record.operations) {
      const previous = [...done];
      done.push(
        operation.op === 'association'
          ? Promise.all(previous).then((verdicts) =>
              // The company was rejected: its association cannot be made, and the record is already a dead letter.
              verdicts.some((v) => v !== undefined) ? undefined : this.route(operation, seq))
          : this.route(operation, seq),
      );
    }
    void Promise.all(done).then((verdicts) => {
      this.pendingRecords--;
      settle(verdicts.filter((v): v is DeadLetterVerdict => v !== undefined));
      this.wakeOne();
    });
    while (this.pendingRecords >= this.maxPendingRecords && !this.fatal && !this.interrupted) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    if (this.fatal) throw this.fatal;
  }

  /**
   * Sends one folded key (the sending phase): a contact's or company's contributions as
   * one merged entry, an association or an event once, for the first contributor. One
   * verdict per contribution, undefined where it arrived.
   */
  sendFolded(key: string, operations: readonly Operation[], seq: number): Promise<Array<DeadLetterVerdict | undefined>> {
    if (this.fatal) return Promise.reject(this.fatal);
    const [first] = operations;
    if (first === undefined) return Promise.resolve([]);
    if (first.op === 'contact.upsert' || first.op === 'company.upsert') {
      const writer = first.op === 'contact.upsert' ? this.contacts : this.companies;
      const values = operations.map((op) => ('properties' in op ? op.properties : {}));
      return Promise.all(writer.batches.addAll(key, values, seq));
    }
    // The same association or event from several records: sent once, its answer is each one's.
    return this.route(first, seq).then((verdict) => operations.map(() => verdict));
  }

  /** Sends everything accepted and waits for it; throws the failure that stopped the run. */
  async drain(): Promise<void> {
    await this.drainWriters();
    await this.stop();
    if (this.fatal) throw this.fatal;
  }

  /** Sends what the writers hold and waits for it, without stopping them (a stage of the sending phase). */
  async drainWriters(): Promise<void> {
    await Promise.all(this.writers().map((writer) => writer.drain()));
    // An association is queued only once its company settled, so draining takes rounds.
    while (!this.fatal && !this.interrupted && this.pendingRecords > 0) {
      await Promise.all(this.writers().map((writer) => writer.drain()));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A signal: nothing new is sent, and `drain` returns once the requests in flight are done. */
  interrupt(): void {
    this.interrupted = true;
    for (const writer of this.writers()) writer.stop();
    this.wakeAll();
    this.halt();
  }

  /** Sends nothing new; waits for the requests in flight (their records may still settle). */
  async stop(): Promise<void> {
    const writers = this.writers();
    for (const writer of writers) writer.stop();
    await Promise.all(writers.map((writer) => writer.idle()));
  }

  private writers() {
    return [this.contacts.batches, this.companies.batches, this.associations.batches, this.events.batches] as const;
  }

  private route(operation: Operation, seq: number): Promise<DeadLetterVerdict | undefined> {
    switch (operation.op) {
      case 'contact.upsert':
        return this.contacts.upsert(operation, seq);
      case 'company.upsert':
        return this.companies.upsert(operation, seq);
      case 'association':
        return this.associations.associate(operation, seq);
      case 'event.send':
        return this.events.enqueue(operation, seq);
    }
  }

  private fail(error: unknown): void {
    this.fatal ??= error;
    for (const writer of this.writers()) writer.stop();
    this.wakeAll();
    this.halt();
  }

  private wakeAll(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private wakeOne(): void {
    this.roomWaiters.shift()?.();
  }
}
