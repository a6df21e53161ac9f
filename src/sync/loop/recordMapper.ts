// Turns what a source yields into a mapped record, in this order of checks: parse →
// valid call → duplicate messageId → delivered before → filters → routing → consent →
// suppression by id → mapping → suppression by email (docs/mapping.md#order-of-checks).
// The identity map is learnt here, as records stream, so a track after its user's
// identify finds the email; so are the ids of suppressed people.
import { checkCall, mapDelivered, passesFilters, type RecordFilters } from '../../core/index.js';
import { jsonText } from '../../core/json.js';
import type {
  DeadLetterVerdict,
  IdentityMap,
  LearntAt,
  ReadonlyIdentityMap,
  DeliveryRules,
  MapContext,
  RuledResult,
  MappingWarning,
  Operation,
  SegmentCall,
  SkipReason,
  SuppressionLookup,
} from '../../core/index.js';
import type { RecordPosition, SourceItem } from '../../sources/types.js';
import type { DuplicateWindow } from '../../state/duplicateWindow.js';

export interface MappedRecord {
  position: RecordPosition;
  /** The parsed call, kept for dead letters; absent when the input did not parse. */
  call?: SegmentCall;
  /** The text that did not parse. */
  raw?: string;
  operations: Operation[];
  warnings: MappingWarning[];
  deadLetter?: DeadLetterVerdict;
  skip?: SkipReason;
  /** It reaches its contact only through the first reading's emails (retroactive identities). */
  retroactive?: true;
}

/** The suppression list as the pipeline sees it: read, and learn a suppressed call's ids. */
export interface SuppressionStore extends SuppressionLookup {
  /** `at`: where they were learnt, so a resumed run can take back what records past its watermark taught. */
  suppressIds(ids: readonly string[], at?: LearntAt): void;
}

/** Whether an earlier completed run of the state directory delivered a messageId. */
export type DeliveredBefore = (messageId: string) => boolean;

export interface RecordMapperDeps {
  context: Omit<MapContext, 'identities'>;
  identities: IdentityMap;
  /** The first reading's first email per id (retroactive identities); absent: stream rules alone. */
  firstEmails?: ReadonlyIdentityMap;
  duplicates: DuplicateWindow;
  /** Absent: nothing counts as delivered before (--resend, standard input only). */
  deliveredBefore?: DeliveredBefore;
  filters: RecordFilters;
  /** Routing, consent and suppression; routing alone (integrations honoured) when absent. */
  rules?: Omit<DeliveryRules, 'suppression'> & { suppression?: SuppressionStore };
  /** Told what the mapping of each record it did not skip gave up on and sends (the property plan). */
  observe?: (warnings: readonly MappingWarning[], operations: readonly Operation[]) => void;
}

const NO_WARNINGS: MappingWarning[] = [];
const NO_OPERATIONS: Operation[] = [];

export class RecordMapper {
  private readonly context: MapContext;
  private readonly rules: NonNullable<RecordMapperDeps['rules']>;
  /** Answers the first reading's emails gave, so a record resolved through them is known. */
  private retroactiveHits = 0;

  constructor(private readonly deps: RecordMapperDeps) {
    const { firstEmails } = deps;
    const counted: ReadonlyIdentityMap | undefined = firstEmails && {
      get: (id) => {
        const email = firstEmails.get(id);
        if (email !== undefined) this.retroactiveHits++;
        return email;
      },
    };
    this.context = { ...deps.context, identities: deps.identities, firstEmails: counted };
    this.rules = deps.rules ?? { ignoreIntegrations: false };
  }

  /**
   * Never throws for a record: whatever the checks or the mapping throw on one record
   * (a value no rule foresaw) makes that record an INVALID_RECORD dead letter, and the run
   * goes on. Failures of the stores (the identity map, the duplicate window) are the
   * run's, not the record's, and are not caught here.
   */
  map(item: SourceItem): MappedRecord {
    const { position } = item;
    if (item.kind === 'invalid') {
      return {
        position,
        raw: item.raw ?? (item.value === undefined ? undefined : jsonText(item.value)),
        operations: NO_OPERATIONS,
        warnings: NO_WARNINGS,
        deadLetter: { code: item.code, reason: item.reason },
      };
    }
    const { call } = item;
    let invalid: DeadLetterVerdict | undefined;
    try {
      invalid = checkCall(call);
    } catch (error) {
      return unmappable(position, call, error);
    }
    if (invalid) return { position, call, operations: NO_OPERATIONS, warnings: NO_WARNINGS, deadLetter: invalid };

    const messageId = call.messageId;
    if (typeof messageId === 'string' && messageId !== '' && this.deps.duplicates.checkAndMark(messageId, position)) {
      return { position, call, operations: NO_OPERATIONS, warnings: NO_WARNINGS, skip: 'duplicate' };
    }
    // A dead letter replayed is sent again whatever an earlier run did with its messageId.
    if (typeof messageId === 'string' && messageId !== '' && item.fromDeadLetter !== true && this.deps.deliveredBefore?.(messageId) === true) {
      return { position, call, operations: NO_OPERATIONS, warnings: NO_WARNINGS, skip: 'delivered' };
    }
    let result: RuledResult;
    const hitsBefore = this.retroactiveHits;
    try {
      if (!passesFilters(call, this.deps.filters)) {
        return { position, call, operations: NO_OPERATIONS, warnings: NO_WARNINGS, skip: 'filtered' };
      }
      result = mapDelivered(call, this.context, this.rules);
    } catch (error) {
      return unmappable(position, call, error);
    }
    for (const fact of result.learn) this.deps.identities.set(fact.id, fact.email, position);
    if (result.suppressIds !== undefined && result.suppressIds.length > 0) this.rules.suppression?.suppressIds(result.suppressIds, position);
    if (result.skip === undefined) this.deps.observe?.(result.warnings, result.operations);
    return {
      position,
      call,
      operations: result.operations,
      warnings: result.warnings,
      deadLetter: result.deadLetter,
      skip: result.skip,
      ...(this.retroactiveHits > hitsBefore && result.operations.length > 0 && !result.deadLetter ? { retroactive: true as const } : {}),
    };
  }
}

/** The dead letter of a record whose mapping threw. */
function unmappable(position: RecordPosition, call: SegmentCall, error: unknown): MappedRecord {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    position,
    call,
    operations: NO_OPERATIONS,
    warnings: NO_WARNINGS,
    deadLetter: { code: 'INVALID_RECORD', reason: `The record could not be mapped (${cause.slice(0, 200)}); please report it if the record looks valid` },
  };
}
