// A run never reads the dead-letter file it appends to: naming it as an input is a usage
// error (exit 2) before anything is opened or cut back; a copy of it replays normally.
import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLines, tempDir } from '../support/cli.js';
import { writeNdjson } from '../support/corpus.js';
import { liveRun, type LiveRun } from '../support/emulatorRun.js';

let run: LiveRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

// Three email-less tracks without messageIds: each is a MISSING_EMAIL dead letter, and
// read from the file it is written to, each would be written again, without end.
const EMAILLESS = [1, 2, 3].map((i) => ({ type: 'track', userId: `nobody-${i}`, event: 'Viewed', timestamp: '2026-01-01T00:00:00Z' }));

describe('the run own dead-letter file as an input', () => {
  it('is refused with exit 2, the file untouched; a copy replays, and a copy replayed after the identify attributes the events', async () => {
    run = await liveRun({ searchLagMs: 0 });
    const dir = await tempDir();
    const first = await run.replay([await writeNdjson(dir, 'day1.ndjson', EMAILLESS)]);
    expect(first.code, first.stderr).toBe(0);
    const deadLetterFile = join(run.stateDir, 'dead-letter.ndjson');
    const before = await readFile(deadLetterFile, 'utf8');
    expect(parseLines(before)).toHaveLength(3);

    const refused = await run.replay([deadLetterFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${deadLetterFile} is this run's own dead-letter file`);
    expect(refused.stderr).toContain('Move or copy it first');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(deadLetterFile, 'utf8')).toBe(before);

    // Inside a directory, and under --dead-letter's own path, the same.
    const refusedDir = await run.replay([run.stateDir]);
    expect(refusedDir.code).toBe(2);
    const elsewhere = join(dir, 'dl.ndjson');
    await copyFile(deadLetterFile, elsewhere);
    const refusedFlag = await run.replay([elsewhere, '--dead-letter', elsewhere]);
    expect(refusedFlag.code).toBe(2);
    expect(refusedFlag.stderr).toContain('(--dead-letter)');
    const refusedDry = await run.replay([elsewhere, '--dry-run', '--hub-id', '1', '--dead-letter', elsewhere]);
    expect(refusedDry.code).toBe(2);

    // A later export identifies the users; the copy of the dead letters, replayed after it, reaches them.
    const identifies = [1, 2, 3].map((i) => ({ type: 'identify', messageId: `id-${i}`, userId: `nobody-${i}`, traits: { email: `n${i}@example.com` } }));
    expect((await run.replay([await writeNdjson(dir, 'day2.ndjson', identifies)])).code).toBe(0);
    const copy = join(dir, 'retry.ndjson');
    await copyFile(deadLetterFile, copy);
    const retried = await run.replay([copy]);
    expect(retried.code, retried.stderr).toBe(0);
    expect((await stat(deadLetterFile)).size).toBe(Buffer.byteLength(before));
    const events = run.emulator.snapshot().events.map((event) => event.email).sort();
    expect(events).toEqual(['n1@example.com', 'n2@example.com', 'n3@example.com']);
  });
});
