// `npm run bundle` (part of `npm run build`): the CLI as one module, dist/cli/hubspot-sync.js,
// built by esbuild from tsc's output in dist/. A command then starts without resolving and
// loading some two hundred files (the CLI's own and its packages'): every command, and each
// of the end-to-end tests' CLI runs, starts in about two thirds of the CPU time
// (bench/startup.ts; bench/RESULTS.md, "Start-up").
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/cli/hubspot-sync.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // A native addon: loaded from node_modules where npm built it.
  external: ['better-sqlite3'],
  // Packages written as CommonJS expect these names; an ES module has none of them.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      "const __dirname = __fileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  logLevel: 'warning',
});
