// LineWriter: a reader that goes away (`| head`) ends the output quietly, and a file's
// mark tells a resumed run whether the file is still the one it wrote.
import { mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineWriter, sameFileAsMarked } from './lineWriter.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-line-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pipe whose reader closes after `accepted` writes: later writes fail as EPIPE does. */
function closingPipe(accepted: number, code = 'EPIPE'): { stream: Writable; writes: () => number } {
  let writes = 0;
  const stream = new Writable({
    highWaterMark: 1,
    write(_chunk, _encoding, callback) {
      writes++;
      if (writes > accepted) callback(Object.assign(new Error(`write ${code}`), { code }));
      else setImmediate(callback);
    },
  });
  return { stream, writes: () => writes };
}

describe('LineWriter to a stream whose reader goes away', () => {
  it.each(['EPIPE', 'ERR_STREAM_DESTROYED'])('%s: closed turns true, nothing throws, later lines are dropped', async (code) => {
    const { stream, writes } = closingPipe(2, code);
    const writer = LineWriter.toStream(stream);
    for (let i = 0; i < 5; i++) {
      writer.pushLine(JSON.stringify({ i, pad: 'x'.repeat(70_000) }));
      await writer.flush();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.closed).toBe(true);
    const before = writes();
    writer.pushLine('{"after":true}');
    await writer.flush();
    await writer.close();
    expect(writes()).toBe(before);
  });

  it('another write error is still an error', async () => {
    const { stream } = closingPipe(0, 'EIO');
    const writer = LineWriter.toStream(stream);
    writer.pushLine('{"a":1}');
    await expect(writer.flush()).rejects.toThrow('write EIO');
    expect(writer.closed).toBe(false);
  });
});

describe('LineWriter file marks: is it still the file a checkpoint described?', () => {
  async function written(path: string, lines: number): Promise<ReturnType<LineWriter['mark']>> {
    const writer = await LineWriter.toFile(path);
    for (let i = 0; i < lines; i++) writer.push({ line: i, text: 'y'.repeat(300) });
    const mark = writer.mark(); // taken with lines still buffered, as a checkpoint does
    await writer.close();
    return mark;
  }

  it('the same file, longer since (lines past the checkpoint): same, and cut back to the mark', async () => {
    const path = join(dir, 'dl.ndjson');
    const mark = (await written(path, 20))!;
    expect(mark.length).toBe((await readFile(path)).length);
    const kept = await readFile(path);
    await writeFile(path, '{"past":"the checkpoint"}\n', { flag: 'a' });
    expect(await sameFileAsMarked(path, mark)).toEqual({ same: true });
    const writer = await LineWriter.toFile(path, { length: mark.length });
    await writer.close();
    expect(await readFile(path)).toEqual(kept);
  });

  it.each([
    ['moved away', async (path: string) => rename(path, `${path}.moved`), /gone/],
    ['replaced by another file', async (path: string) => {
      await rename(path, `${path}.old`);
      await writeFile(path, (await readFile(`${path}.old`)).toString() + 'more\n');
    }, /replaced/],
    ['cut short', async (path: string) => truncate(path, 100), /shorter \(100 bytes\)/],
    ['edited in place, same length', async (path: string) => {
      const text = (await readFile(path)).toString();
      await writeFile(path, text.replace('"line":19', '"line":91'), { flag: 'r+' });
    }, /content was changed/],
  ])('%s: not the same, and why', async (_name, change, why) => {
    const path = join(dir, 'dl.ndjson');
    const mark = (await written(path, 20))!;
    await change(path);
    const verdict = await sameFileAsMarked(path, mark);
    expect(verdict.same).toBe(false);
    expect(!verdict.same && verdict.why).toMatch(why);
  });

  it('a length past the end of the file never pads it with NUL bytes', async () => {
    const path = join(dir, 'dl.ndjson');
    await writeFile(path, '{"a":1}\n');
    const writer = await LineWriter.toFile(path, { length: 10_000 });
    writer.push({ b: 2 });
    await writer.close();
    expect((await readFile(path)).toString()).toBe('{"a":1}\n{"b":2}\n');
  });

  it('the mark of a file continued in a second writer covers the bytes of both', async () => {
    const path = join(dir, 'dl.ndjson');
    const first = (await written(path, 30))!;
    const writer = await LineWriter.toFile(path, { length: first.length });
    writer.push({ second: true });
    const mark = writer.mark()!;
    await writer.close();
    expect(mark.length).toBe((await readFile(path)).length);
    expect(await sameFileAsMarked(path, mark)).toEqual({ same: true });
  });

  it('counts and marks bytes, not characters, across many chunks of multi-byte text', async () => {
    const path = join(dir, 'out.ndjson');
    const writer = await LineWriter.toFile(path);
    for (let i = 0; i < 3_000; i++) {
      writer.push({ i, name: 'Zoë 😀 Łódź', pad: 'é'.repeat(i % 50) });
      if (writer.full) await writer.flush();
    }
    await writer.flush();
    writer.push({ last: 'ü' });
    const mark = writer.mark()!;
    await writer.close();
    const bytes = await readFile(path);
    expect(writer.length).toBe(bytes.length);
    expect(mark.length).toBe(bytes.length);
    expect(await sameFileAsMarked(path, mark)).toEqual({ same: true });
  });
});


describe('a file on a full disk (/dev/full refuses every write with ENOSPC, for root too)', () => {
  it('a flush fails with one line naming the file; every later write fails at once instead of waiting for a drain that never comes', async () => {
    const writer = await LineWriter.toFile('/dev/full');
    for (let i = 0; i < 1000; i++) writer.push({ i, pad: 'x'.repeat(100) });
    await expect(writer.flush()).rejects.toThrow('no space left on device for /dev/full: nothing is lost');
    // The stream is destroyed now: before, the next flush waited for 'drain' forever.
    for (let i = 0; i < 1000; i++) writer.push({ i, pad: 'x'.repeat(100) });
    await expect(writer.flush()).rejects.toMatchObject({ exitCode: 75, path: '/dev/full', reason: 'no space left on device' });
    await expect(writer.sync()).rejects.toMatchObject({ exitCode: 75 });
    // Closing a file whose writes failed only lets it go.
    await expect(writer.close()).resolves.toBeUndefined();
  });

  it('sync (before a checkpoint) fails the same way, and so does what follows it', async () => {
    const writer = await LineWriter.toFile('/dev/full');
    writer.push({ code: 'INVALID_EMAIL' });
    await expect(writer.sync()).rejects.toMatchObject({ exitCode: 75, path: '/dev/full' });
    writer.push({ code: 'INVALID_EMAIL' });
    await expect(writer.flush()).rejects.toMatchObject({ exitCode: 75 });
  });
});
