// The options each command receives are computed from the OPTIONS table: these checks
// run in the type-check (`expectTypeOf`) as well as here.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DiffOptions } from './diff.js';
import { OPTIONS, optionsIn } from './options.js';
import type { PropertiesPullOptions } from './properties.js';
import type { ReplayOptions } from './replay.js';
import type { StatusOptions } from './status.js';

describe('options types from the table', () => {
  it('a parsed option has its parser’s type; one with a default is always there', () => {
    expectTypeOf<ReplayOptions['rate']>().toEqualTypeOf<number>();
    expectTypeOf<ReplayOptions['types']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<ReplayOptions['dryRun']>().toEqualTypeOf<boolean>();
    expectTypeOf<ReplayOptions['token']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<PropertiesPullOptions['rate']>().toEqualTypeOf<number>();
  });

  it('choices are a union; --format means what each command means by it', () => {
    expectTypeOf<ReplayOptions['inputFormat']>().toEqualTypeOf<'ndjson' | 'csv' | undefined>();
    expectTypeOf<DiffOptions['inputFormat']>().toEqualTypeOf<'ndjson' | 'csv' | undefined>();
    expectTypeOf<DiffOptions['format']>().toEqualTypeOf<'text' | 'json'>();
    expectTypeOf<StatusOptions['format']>().toEqualTypeOf<'text' | 'json'>();
    expectTypeOf<PropertiesPullOptions['object']>().toEqualTypeOf<'contacts' | 'companies' | undefined>();
    // An alias never reaches a command: replay's --format arrives as inputFormat.
    expectTypeOf<ReplayOptions>().not.toHaveProperty('format');
  });

  it('an alias spells an option of the same groups', () => {
    for (const alias of OPTIONS.filter((spec) => 'aliasOf' in spec)) {
      const target = OPTIONS.find((spec) => spec.key === alias.aliasOf && !('aliasOf' in spec));
      expect(target, alias.flags).toBeDefined();
      expect(optionsIn(['connection', 'requests', 'input', 'replayFormat', 'mapping', 'delivery', 'state', 'output', 'replay']).some((spec) => spec === target)).toBe(true);
    }
  });
});
