// Running and measuring child processes, and describing the machine they ran on. This
// machine is shared (other agents run test suites on its two cores), so every
// measurement records the load average around it, and runs can wait for a quiet moment.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_OUT = join(REPO, 'bench', 'out');
export const DEFAULT_CLI = join(REPO, 'bin', 'hubspot-sync.js');
const USAGE_HOOK = fileURLToPath(new URL('./usage-hook.mjs', import.meta.url));

export interface Measured {
  exitCode: number | null;
  wallMs: number;
  /** CPU time of the process itself (from the usage hook), user + system. */
  cpuMs: number | undefined;
  /** Peak RSS from the kernel (process.resourceUsage().maxRSS), in KiB. */
  maxRssKB: number | undefined;
  /** Peak RSS seen by polling /proc/PID/status VmHWM every 100 ms: a cross-check. */
  polledHwmKB: number | undefined;
  load1Before: number;
  load1After: number;
  stderr: string;
}

export interface RunNodeOptions {
  /** Where standard output goes: a file path ('/dev/null' to discard), or 'pipe' to keep it. */
  stdout?: string | 'pipe';
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Called with VmRSS (KiB) every 100 ms while the process runs. */
  onRssSample?: (kb: number) => void;
}

let runCounter = 0;

/** Runs `node <script> <args>` with the usage hook and measures it. */
export async function runNode(script: string, args: readonly string[], options: RunNodeOptions = {}): Promise<Measured & { stdout: string }> {
  const usageFile = join(tmpdir(), `hubspot-sync-bench-usage-${process.pid}-${runCounter++}.json`);
  rmSync(usageFile, { force: true });
  const stdoutTarget = options.stdout ?? '/dev/null';
  const stdoutFd = stdoutTarget === 'pipe' ? 'pipe' : openSync(stdoutTarget, 'w');
  const load1Before = loadavg()[0] ?? 0;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', USAGE_HOOK, script, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', stdoutFd, 'pipe'],
  });
  if (typeof stdoutFd === 'number') closeSync(stdoutFd); // the child holds its own copy
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));

  let polledHwmKB: number | undefined;
  const poll = setInterval(() => {
    const status = procStatus(child.pid);
    if (status.hwm !== undefined) polledHwmKB = Math.max(polledHwmKB ?? 0, status.hwm);
    if (status.rss !== undefined) options.onRssSample?.(status.rss);
  }, 100);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  clearInterval(poll);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const load1After = loadavg()[0] ?? 0;

  let cpuMs: number | undefined;
  let maxRssKB: number | undefined;
  try {
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKB: number; userMs: number; systemMs: number };
    cpuMs = usage.userMs + usage.systemMs;
    maxRssKB = usage.maxRssKB;
  } catch {
    // The process died before its exit handler ran (a signal): no usage.
  }
  rmSync(usageFile, { force: true });
  return { exitCode, wallMs, cpuMs, maxRssKB, polledHwmKB, load1Before, load1After, stderr, stdout };
}

/** VmHWM (peak) and VmRSS (now) of a process, in KiB. */
function procStatus(pid: number | undefined): { hwm?: number; rss?: number } {
  if (pid === undefined) return {};
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number | undefined => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) : undefined;
    };
    return { hwm: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return {}; // exited between two polls
  }
}

/**
 * Waits until the 1-minute load average is below `threshold` (other agents' test runs
 * would otherwise steal our core), for at most `maxWaitMs`. Answers whether it got quiet.
 */
export async function waitForQuiet(threshold: number, maxWaitMs: number): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    if ((loadavg()[0] ?? 0) < threshold) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The highest sample in each quarter of a series: flat, or still rising? */
export function quarterPeaks(samples: readonly number[]): number[] {
  return [0, 1, 2, 3].map((q) => {
    const part = samples.slice(Math.floor((q * samples.length) / 4), Math.floor(((q + 1) * samples.length) / 4));
    return part.length > 0 ? Math.max(...part) : NaN;
  });
}

export function loadString(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  memFreeGiB: number;
  freeH: string;
  node: string;
  loadavg: string;
  commit: string;
  dirtySrc: string[];
  date: string;
}

/** What the figures depend on: cores, memory, Node, load, and the code measured. */
export function machineInfo(): MachineInfo {
  const sh = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { cwd: REPO, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memTotalGiB: totalmem() / 2 ** 30,
    memFreeGiB: freemem() / 2 ** 30,
    freeH: sh('free', ['-h']),
    node: process.version,
    loadavg: loadString(),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    // Others edit src/ while benchmarks run: say which files differed from the commit.
    dirtySrc: sh('git', ['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean),
    date: new Date().toISOString(),
  };
}

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
