// vitest's global setup: every temporary folder of a test run lives under one folder, removed
// when the run ends. Pointing TMPDIR there before the workers start catches every mkdtemp of
// a test file, of the code under test, and of the CLI processes the tests start (they inherit
// the environment), including those a kill -9 left behind, without each test cleaning up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const PREFIX = 'hubspot-sync-tests-';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  // vitest runs the setup for the root config and again for each project: one folder is enough.
  if (previous !== undefined && basename(previous).startsWith(PREFIX)) return () => {};
  const root = mkdtempSync(join(tmpdir(), PREFIX));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
