// Runs the built CLI under a pseudo-terminal, so its terminal mode (the spinner, colours)
// can be checked from its output without a screenshot. util-linux `script` provides the
// terminal; Python's pty module stands in where `script` is missing.
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT, cleanEnv } from './cli.js';

export interface PtyResult {
  code: number | null;
  /** Everything the CLI wrote to its terminal (standard output and error together), raw. */
  output: string;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * `hubspot-sync <args>` on a 200×50 terminal (a pseudo-terminal starts without a size),
 * outside CI and with TERM=xterm, as a person at a terminal runs it.
 */
export function runInPty(args: readonly string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<PtyResult> {
  const command = `stty cols 200 rows 50; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const env = cleanEnv({ TERM: 'xterm', CI: undefined, ...options.env });
  const [file, argv] = hasScript
    ? ['script', ['-qfec', command, '/dev/null']]
    : ['python3', ['-c', 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(["sh", "-c", sys.argv[1]])))', command]];
  const child = spawn(file, argv, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The start of every escape sequence a terminal program writes (CSI). */
export const ESC = '\u001b[';

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex -- a colour: SGR 30–37 (foreground)
const COLOUR = /\u001b\[3\dm/;
// eslint-disable-next-line no-control-regex -- where a line is redrawn or ends
const LINE_BREAK = /\u001b\[\d*G|\r\n|\r|\n/;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function hasColour(text: string): boolean {
  return COLOUR.test(text);
}

/**
 * The lines a terminal showed one after another: split where the cursor went back to
 * the line start (a spinner redraw) or to a new line, without escape codes.
 */
export function screenLines(output: string): string[] {
  return output
    .split(LINE_BREAK)
    .map((line) => stripAnsi(line).trim())
    .filter((line) => line !== '');
}
