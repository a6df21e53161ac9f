// @ts-check
// Preloaded into a measured Node process with `node --import <this file> …`: when the
// process exits, its own resource usage (peak RSS, CPU time) is written to the file named
// by BENCH_USAGE_FILE. The kernel's maxRSS is the exact peak, which polling can miss, and
// writing to a file keeps the process's standard output and error untouched.
import { writeFileSync } from 'node:fs';

const target = process.env['BENCH_USAGE_FILE'];
if (target !== undefined && target !== '') {
  delete process.env['BENCH_USAGE_FILE']; // not inherited by anything the process spawns
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    const line = { code, maxRssKB: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 };
    writeFileSync(target, JSON.stringify(line) + '\n');
  });
}
