// The mapping core as another program imports it: by the package name, from the build.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

describe("import { mapEvent } from 'hubspot-sync'", () => {
  it('maps a call through the package entry, and the entry exposes the core only', () => {
    const script = `
      import * as lib from 'hubspot-sync';
      const result = lib.mapEvent(
        { type: 'identify', userId: 'u1', traits: { email: 'Ada@Example.com', firstName: 'Ada', 'Favorite Color': 'red' } },
        { catalog: lib.defaultCatalog(), hubId: 123456, options: { createEventDefinitions: true, pagesAsEvents: false, eventMap: {} }, identities: new Map() },
      );
      console.log(JSON.stringify({ result, exports: Object.keys(lib) }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as {
      result: { operations: unknown[]; warnings: Array<{ property: string }>; learn: unknown[] };
      exports: string[];
    };
    expect(out.result.operations).toEqual([{ op: 'contact.upsert', email: 'ada@example.com', properties: { firstname: 'Ada' } }]);
    expect(out.result.warnings.map((w) => w.property)).toEqual(['favorite_color']);
    expect(out.result.learn).toEqual([{ id: 'u1', email: 'ada@example.com' }]);
    expect(out.exports).toEqual(expect.arrayContaining(['mapEvent', 'checkCall', 'Catalog', 'defaultCatalog', 'uuidFor']));
    expect(out.exports).not.toEqual(expect.arrayContaining(['runInputs', 'HubSpotClient', 'openInput']));
  });
});
