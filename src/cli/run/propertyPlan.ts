// The property plan of a run (docs/mapping.md#the-property-plan): collected from the first
// reading (or the only one of a streamed run), checked against --max-new-properties, and
// what mapping then stands on with --create-properties.
import { creatableNames, propertyOf, PropertyPlanner, type PropertyPlan } from '../../core/propertyPlan.js';
import type { Catalog, CatalogObject } from '../../core/index.js';
import { RefusedError, UsageError } from '../../errors.js';
import type { MappingBasis } from '../../phases/phases.js';
import { planLines } from '../../report/propertyPlan.js';
import type { InputFile } from '../../sources/types.js';
import type { RecordMapperDeps } from '../../sync/loop/recordMapper.js';

export interface PlanOptions {
  createProperties: boolean;
  maxNewProperties: number;
}

/** Standard input has no first reading to plan from before sending. */
export function refuseStreamedCreate(inputs: readonly InputFile[], flags: PlanOptions): void {
  if (!flags.createProperties) return;
  const streamed = inputs.find((file) => file.size === undefined);
  if (streamed === undefined) return;
  const what = streamed.path === '-' ? 'standard input' : `${streamed.path} (a pipe or FIFO)`;
  throw new UsageError(`--create-properties needs to read every input once before sending, and ${what} can be read only once: save the input to a file first (e.g. > export.ndjson) and give the file.`);
}

export class RunPlan {
  /** 10 × --max-new-properties names are tracked per object. */
  readonly planner: PropertyPlanner;
  #fixed?: PropertyPlan;

  constructor(private readonly flags: PlanOptions) {
    this.planner = new PropertyPlanner(10 * flags.maxNewProperties);
  }

  readonly observe: NonNullable<RecordMapperDeps['observe']> = (warnings, operations) => this.planner.see(warnings, operations);

  /** What the mapping phase feeds the plan: only a streamed run, which has no other reading. */
  mappingObserver(basis: MappingBasis): RecordMapperDeps['observe'] {
    return basis.kind === 'streamed' ? this.observe : undefined;
  }

  /** The plan as it stands (after phase 1 it is final: fixed, with what was created marked). */
  plan(): PropertyPlan {
    return this.#fixed ?? this.planner.plan();
  }

  /** Fixes the plan after phase 1; refuses a plan bigger than --max-new-properties when creating. */
  fix(write: (text: string) => void): PropertyPlan {
    const plan = (this.#fixed = this.planner.plan());
    if (!this.flags.createProperties) return plan;
    for (const object of ['contact', 'company'] as const) {
      const count = creatableNames(plan, object).length;
      const untracked = plan.untracked[object];
      if (count > this.flags.maxNewProperties || untracked > 0) {
        write(planLines(plan.properties, plan.untracked, false).join('\n') + '\n');
        const total = untracked > 0 ? `more than ${count + untracked}` : String(count);
        throw new RefusedError(
          `--create-properties: the plan has ${total} ${object} properties to create, more than --max-new-properties ${this.flags.maxNewProperties}: nothing was created or sent. ` +
            'Check the plan above; map or drop keys with --property-map, or raise --max-new-properties.',
        );
      }
    }
    return plan;
  }

  /**
   * After phase 1 of a dry run or `diff`: the plan fixed (none for a streamed run, whose
   * plan is only final at its end), and the catalog to map against, which with
   * --create-properties holds the plan's creatable names, as the live run's will.
   */
  fixForPrediction(basis: MappingBasis, catalog: Catalog, write: (text: string) => void): { fixed?: PropertyPlan; catalog: Catalog } {
    if (basis.kind === 'streamed') return { catalog };
    const fixed = this.fix(write);
    return { fixed, catalog: this.flags.createProperties ? catalogWithPlan(catalog, fixed) : catalog };
  }

  /** Marks what --create-properties created. */
  markCreated(created: Readonly<Record<CatalogObject, ReadonlyArray<{ name: string }>>>): void {
    const plan = this.plan();
    for (const entry of plan.properties) {
      if (created[entry.object].some((p) => p.name === entry.name)) entry.created = true;
    }
  }
}

/** The catalog as if the plan's creatable names existed: what a dry run and diff with --create-properties map against. */
function catalogWithPlan(catalog: Catalog, plan: PropertyPlan): Catalog {
  return catalog.withProperties({ contact: creatableNames(plan, 'contact').map(propertyOf), company: creatableNames(plan, 'company').map(propertyOf) });
}
