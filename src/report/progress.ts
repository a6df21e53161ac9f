// Progress while a run works. On a terminal: one spinner line, redrawn in place. Off a
// terminal (cron, CI): a plain line every 10 seconds, or a JSON line with
// --log-format json, so logs stay readable and small. Always on standard error.
import type { Writable } from 'node:stream';
import type { Ora } from 'ora';
import type { RunTally } from './tally.js';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

export interface ProgressOptions {
  mode: ProgressMode;
  stream: Writable;
  tally: RunTally;
  /** The inputs opened so far; bytesDone counts their bytes behind committed records. */
  inputs: ReadonlyArray<{ bytesDone(): number; file: { size?: number } }>;
  totalBytes: number;
  /**
   * How often the inputs are read: 2 when the run learns first (phase 1) and then maps.
   * `inputs` then lists the inputs of both readings; the share and ETA are the whole run's.
   */
  readings?: number;
  /** What the second reading does: maps and sends (default), or folds for the sending phase. */
  secondReading?: 'mapping' | 'folding';
  /** Once the sending phase of a compacted run is under way: its keys sent so far of all. */
  sending?: () => SendingProgress | undefined;
  /** How often the line is written (plain, json; default 10 s) or redrawn (tty; default 250 ms). */
  intervalMs?: number;
  now?: () => number;
}

/** The sending phase's keys (contacts, companies, associations, events): each is sent once. */
export interface SendingProgress {
  sent: number;
  keys: number;
  /** When the phase started (ms), and how many keys were already sent then (a resumed phase). */
  since: number;
  sentBefore: number;
}

export interface ProgressSnapshot {
  read: number;
  perSecond: number;
  /** Bytes of the current reading. */
  bytesDone: number;
  bytesTotal: number;
  /** When the run reads twice: which reading this is; or the sending phase. */
  phase?: 'learning' | 'mapping' | 'folding' | 'sending';
  /** In the sending phase: its keys sent of all (the share and ETA are then the phase's). */
  keysSent?: number;
  keys?: number;
  /** Of the whole run, over every reading. */
  percent?: number;
  etaSeconds?: number;
  requests: number;
  rateLimited: number;
  deadLetters: number;
}

export function snapshot(options: ProgressOptions, startedAt: number, readAtStart: number): ProgressSnapshot {
  const now = (options.now ?? Date.now)();
  const { counts, requests } = options.tally.data;
  const elapsed = Math.max(1, now - startedAt) / 1000;
  const readings = options.readings ?? 1;
  const allBytes = options.inputs.reduce((sum, input) => sum + input.bytesDone(), 0);
  const fraction = options.totalBytes > 0 ? Math.min(1, allBytes / (options.totalBytes * readings)) : undefined;
  const second = options.secondReading ?? 'mapping';
  // The reading under way: the second once the first has read every byte.
  const reading = readings > 1 && options.totalBytes > 0 ? Math.min(readings - 1, Math.floor(allBytes / options.totalBytes)) : 0;
  const snap: ProgressSnapshot = {
    read: counts.read,
    perSecond: Math.round((counts.read - readAtStart) / elapsed),
    bytesDone: allBytes - reading * options.totalBytes,
    bytesTotal: options.totalBytes,
    ...(readings > 1 ? { phase: reading === 0 ? 'learning' : second } : second === 'folding' ? { phase: second } : {}),
    requests: requests.total,
    rateLimited: requests.rateLimited,
    deadLetters: counts.deadLettered,
  };
  const sending = options.sending?.();
  if (sending !== undefined) return { ...snap, phase: 'sending', keysSent: sending.sent, keys: sending.keys, ...share(sending.sent - sending.sentBefore, sending.keys - sending.sentBefore, now - sending.since) };
  return fraction === undefined ? snap : { ...snap, ...share(allBytes, options.totalBytes * readings, now - startedAt) };
}

/** The share done of some work and the time left at the pace so far. */
function share(done: number, total: number, elapsedMs: number): Pick<ProgressSnapshot, 'percent' | 'etaSeconds'> {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = Math.round(fraction * 1000) / 10;
  return fraction > 0.001 ? { percent, etaSeconds: Math.round((Math.max(1, elapsedMs) / 1000 / fraction) * (1 - fraction)) } : { percent };
}

const integer = new Intl.NumberFormat('en-US');

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function progressLine(s: ProgressSnapshot): string {
  const phase = s.phase === undefined ? '' : `${s.phase} `;
  const work =
    s.keys !== undefined
      ? `${phase}${integer.format(s.keysSent ?? 0)} of ${integer.format(s.keys)} keys (${s.percent ?? 0}%)`
      : s.bytesTotal > 0
        ? `${phase}${formatBytes(s.bytesDone)} of ${formatBytes(s.bytesTotal)} (${s.percent ?? 0}%)`
        : formatBytes(s.bytesDone);
  const eta = s.etaSeconds !== undefined ? ` · ETA ${formatDuration(s.etaSeconds)}` : '';
  return `${integer.format(s.read)} records · ${integer.format(s.perSecond)}/s · ${work}${eta} · ${integer.format(s.requests)} requests · ${s.rateLimited} 429s · ${integer.format(s.deadLetters)} dead letter${s.deadLetters === 1 ? '' : 's'}`;
}

/**
 * The display mode for a stream: the spinner only where ora animates it (a terminal that
 * is not `TERM=dumb`, outside CI), else plain lines, which ora would not redraw. A
 * terminal without a width (a pseudo-terminal nobody sized) gets plain lines too: ora
 * divides by the width and would loop forever clearing lines.
 */
export function progressMode(
  options: { quiet: boolean; logFormat: 'text' | 'json' },
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): ProgressMode {
  if (options.quiet) return 'quiet';
  if (options.logFormat === 'json') return 'json';
  const animated = stream.isTTY === true && (stream.columns ?? 0) > 0 && env.TERM !== 'dumb' && !('CI' in env);
  return animated ? 'tty' : 'plain';
}

/**
 * The progress interval. Not in --help: HUBSPOT_SYNC_PROGRESS_INTERVAL_MS exists so the
 * test suite need not wait 10 s for a plain progress line. Unset: the display's defaults.
 */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env.HUBSPOT_SYNC_PROGRESS_INTERVAL_MS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export function startProgress(options: ProgressOptions): { stop(): void } {
  const startedAt = (options.now ?? Date.now)();
  const readAtStart = options.tally.data.counts.read;
  const current = () => snapshot(options, startedAt, readAtStart);

  switch (options.mode) {
    case 'quiet':
      return { stop() {} };
    case 'tty': {
      // ora (~14 MB of RSS) is loaded only for a terminal.
      const color = process.env.NO_COLOR ? false : 'cyan';
      let stopped = false;
      let spinner: Ora | undefined;
      void import('ora').then(({ default: ora }) => {
        if (!stopped) spinner = ora({ stream: options.stream, text: progressLine(current()), discardStdin: false, color }).start();
      });
      const timer = setInterval(() => {
        if (spinner) spinner.text = progressLine(current());
      }, options.intervalMs ?? 250);
      return {
        stop() {
          stopped = true;
          clearInterval(timer);
          spinner?.stopAndPersist({ symbol: '✔', text: progressLine(current()) });
        },
      };
    }
    case 'plain':
    case 'json': {
      const emit = () => {
        const s = current();
        options.stream.write(options.mode === 'json'
          ? JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'progress', ...s }) + '\n'
          : `[${new Date().toISOString()}] progress: ${progressLine(s)}\n`);
      };
      const timer = setInterval(emit, options.intervalMs ?? 10_000);
      return { stop: () => clearInterval(timer) };
    }
  }
}
