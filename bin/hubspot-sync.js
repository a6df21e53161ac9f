#!/usr/bin/env node
// The CLI as one bundled module (npm run build, scripts/bundle.mjs): a command starts in
// about two thirds of the CPU time that loading dist/ file by file takes.
import '../dist/cli/hubspot-sync.js';
