import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine, progressMode, snapshot, startProgress, type SendingProgress } from './progress.js';
import { RunTally } from './tally.js';

describe('progressMode', () => {
  const text = { quiet: false, logFormat: 'text' as const };
  const terminal = { isTTY: true, columns: 120 };

  it('animates a spinner only on a sized terminal, outside CI and TERM=dumb', () => {
    expect(progressMode(text, terminal, { TERM: 'xterm' })).toBe('tty');
    expect(progressMode(text, { isTTY: false }, { TERM: 'xterm' })).toBe('plain');
    expect(progressMode(text, { isTTY: true, columns: 0 }, { TERM: 'xterm' })).toBe('plain');
    expect(progressMode(text, terminal, { TERM: 'dumb' })).toBe('plain');
    expect(progressMode(text, terminal, { TERM: 'xterm', CI: 'true' })).toBe('plain');
  });

  it('--quiet wins, then --log-format json', () => {
    expect(progressMode({ quiet: true, logFormat: 'json' }, terminal, {})).toBe('quiet');
    expect(progressMode({ quiet: false, logFormat: 'json' }, terminal, { TERM: 'xterm' })).toBe('json');
  });
});

describe('progress line', () => {
  it('shows records, rate, bytes of total with percent and ETA, requests, 429s and dead letters', () => {
    const tally = new RunTally();
    for (let i = 0; i < 1500; i++) tally.read();
    tally.request('POST /x');
    tally.request('POST /x', { rateLimited: true });
    tally.data.counts.deadLettered = 3;
    let now = 0;
    const options = { mode: 'plain' as const, stream: new PassThrough(), tally, inputs: [{ bytesDone: () => 2 * 1024 * 1024, file: {} }], totalBytes: 8 * 1024 * 1024, now: () => now };
    now = 10_000;
    expect(progressLine(snapshot(options, 0, 0))).toBe('1,500 records · 150/s · 2.0 MiB of 8.0 MiB (25%) · ETA 30s · 2 requests · 1 429s · 3 dead letters');
  });

  it('a run that reads twice: the bytes of the reading under way, the share and ETA of the whole run', () => {
    const tally = new RunTally();
    const MiB = 1024 * 1024;
    const at = (learnt: number, mapped?: number) => {
      const inputs = [{ bytesDone: () => learnt * MiB, file: {} }, ...(mapped === undefined ? [] : [{ bytesDone: () => mapped * MiB, file: {} }])];
      return progressLine(snapshot({ mode: 'plain', stream: new PassThrough(), tally, inputs, totalBytes: 8 * MiB, readings: 2, now: () => 10_000 }, 0, 0));
    };
    expect(at(2)).toContain('learning 2.0 MiB of 8.0 MiB (12.5%) · ETA 1m10s');
    expect(at(8, 0)).toContain('mapping 0 B of 8.0 MiB (50%) · ETA 10s');
    expect(at(8, 6)).toContain('mapping 6.0 MiB of 8.0 MiB (87.5%)');
    expect(at(8, 8)).toContain('mapping 8.0 MiB of 8.0 MiB (100%)');
  });

  it('a compacted run: folding in its second reading, then its sending phase by keys sent, its share and ETA the phase\'s own', () => {
    const tally = new RunTally();
    const MiB = 1024 * 1024;
    const phase3: { sending?: SendingProgress } = {};
    const line = (now: number) =>
      progressLine(snapshot({ mode: 'plain', stream: new PassThrough(), tally, inputs: [{ bytesDone: () => 8 * MiB, file: {} }, { bytesDone: () => 4 * MiB, file: {} }], totalBytes: 8 * MiB, readings: 2, secondReading: 'folding', sending: () => phase3.sending, now: () => now }, 0, 0));
    expect(line(10_000)).toContain('folding 4.0 MiB of 8.0 MiB (75%)');
    // A resumed phase: 1,000 of its 5,000 keys were sent before; 1,000 more in 10 s.
    phase3.sending = { sent: 2_000, keys: 5_000, since: 20_000, sentBefore: 1_000 };
    expect(line(30_000)).toContain('sending 2,000 of 5,000 keys (25%) · ETA 30s');
    phase3.sending.sent = 5_000;
    expect(line(40_000)).toContain('sending 5,000 of 5,000 keys (100%) · ETA 0s');
  });

  it('plain mode writes a line every interval until stopped', async () => {
    const stream = new PassThrough();
    let written = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
    const lines = () => written.split('\n').filter((line) => /^\[.+\] progress: 0 records · /.test(line)).length;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const progress = startProgress({ mode: 'plain', stream, tally: new RunTally(), inputs: [], totalBytes: 0, intervalMs: 5 });
    expect(lines()).toBe(0); // the first line comes after one interval, not at once
    while (lines() < 2) await sleep(5);
    progress.stop();
    const count = lines();
    await sleep(30);
    expect(lines()).toBe(count);
  });
});
