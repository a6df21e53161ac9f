import { defineConfig } from 'vitest/config';

// Projects run side by side: `unit` (the modules and the stand-in, in process, on threads,
// which start faster than processes; `unit-process` for the few that need a process of
// their own) and `e2e` (the built CLI against the stand-in, in forks). End-to-end files
// mostly wait on child processes and on HubSpot's times, so more workers than cores keep
// the cores busy; the unit files fill the gaps. One worker count for all: vitest runs
// projects with different counts one after the other. Every temporary folder of a run
// lives under one folder removed at its end (test/support/tempRoot.ts).
// The unit files share their worker's modules (`isolate: false`): importing the modules
// again for each of some ninety files cost more CPU than most of the files' tests. What
// modules keep between calls is a cache (key forms, event names, the default catalog),
// never a test's state, and environment changes are undone (`vi.unstubAllEnvs`).
const WORKERS = 4;
/** Unit files that need a process of their own: a thread cannot set process.umask(). */
const NEEDS_A_PROCESS = ['src/state/stateDir.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/tempRoot.ts'],
    // Every property test ends in bounded time, failing if it had to be cut short.
    setupFiles: ['test/support/fastCheck.ts'],
    maxWorkers: WORKERS,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/emulator/**/*.test.ts', 'test/*.test.ts'], exclude: NEEDS_A_PROCESS, pool: 'threads', isolate: false } },
      { extends: true, test: { name: 'unit-process', include: NEEDS_A_PROCESS, pool: 'forks' } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], pool: 'forks' } },
    ],
  },
});
