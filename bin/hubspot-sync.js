#!/usr/bin/env node
// The CLI as one bundled module (npm run build): a command starts in about two thirds of the
// time that loading dist/ module by module takes (bench/RESULTS.md, "Start-up").
import '../dist/cli/hubspot-sync.js';
