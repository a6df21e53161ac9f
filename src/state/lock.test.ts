import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, LockHeldError } from '../errors.js';
import { acquireLock, readLock, type StateLock } from './lock.js';

let dir: string;
let lockPath: string;
const children: ChildProcess[] = [];
const held: StateLock[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubspot-sync-lock-'));
  lockPath = join(dir, 'lock');
});
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function acquire(command = 'replay test.ndjson'): Promise<StateLock> {
  const lock = await acquireLock(dir, { command });
  held.push(lock);
  return lock;
}

/** A process that stays alive until the test ends. */
async function liveProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await once(child, 'exit');
  return pid;
}

async function writeForeignLock(fields: Record<string, unknown>): Promise<void> {
  const lock = { pid: 1, hostname: hostname(), startedAt: '2024-01-02T03:04:05.000Z', command: 'replay other.ndjson', ...fields };
  await writeFile(lockPath, JSON.stringify(lock), { mode: 0o600 });
}

async function lockOnDisk(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(lockPath, 'utf8')) as Record<string, unknown>;
}

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name !== 'lock');
}

describe('acquireLock', () => {
  it('writes who holds it, mode 0600, and release removes it', async () => {
    const lock = await acquire('replay events.ndjson');
    expect(await lockOnDisk()).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'replay events.ndjson' });
    expect(Number.isNaN(Date.parse((await lockOnDisk()).startedAt as string))).toBe(false);
    expect((await stat(lockPath)).mode & 0o777).toBe(0o600);
    expect(await leftovers()).toEqual([]);
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
    await lock.release(); // twice is fine
  });

  it('refuses a lock held by a live process, naming it and saying what to do', async () => {
    const pid = await liveProcess();
    await writeForeignLock({ pid });
    const error = await acquireLock(dir, { command: 'replay x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).exitCode).toBe(EXIT.locked);
    const message = (error as Error).message;
    expect(message).toContain(`pid ${pid}`);
    expect(message).toContain(hostname());
    expect(message).toContain('2024-01-02T03:04:05.000Z');
    expect(message).toContain('replay other.ndjson');
    expect(message).toContain(`delete ${lockPath}`);
    expect((await lockOnDisk()).pid).toBe(pid); // untouched
    expect(await leftovers()).toEqual([]);
  });

  it('counts a lock from another machine as held, and says it cannot check it', async () => {
    await writeForeignLock({ pid: await deadPid(), hostname: 'some-other-host.example' });
    const error = await acquireLock(dir, { command: 'replay x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as Error).message).toContain('some-other-host.example');
    expect((error as Error).message).toContain('another machine');
  });

  it('takes over the lock of a process that is gone', async () => {
    await writeForeignLock({ pid: await deadPid() });
    await acquire();
    expect((await lockOnDisk()).pid).toBe(process.pid);
    expect(await leftovers()).toEqual([]);
  });

  it('finishes a takeover whose claimant died halfway', async () => {
    await writeForeignLock({ pid: await deadPid() });
    const stale = await stat(lockPath, { bigint: true });
    const claim = `${lockPath}.takeover-${stale.ino}-${stale.mtimeNs}`;
    const claimant = { pid: await deadPid(), hostname: hostname(), startedAt: '2024-01-02T03:04:06.000Z', command: 'replay killed.ndjson' };
    await writeFile(claim, JSON.stringify(claimant));
    await acquire();
    expect((await lockOnDisk()).pid).toBe(process.pid);
    expect(await leftovers()).toEqual([]);
  });

  it('takes over a lock file that is not a lock', async () => {
    for (const garbage of ['', '{"pid":', '[]', '{"pid":0,"hostname":"h","startedAt":"","command":""}']) {
      await writeFile(lockPath, garbage);
      const lock = await acquire();
      expect((await lockOnDisk()).pid).toBe(process.pid);
      await lock.release();
    }
  });

  it('takes over a lock left by a dead run that had our pid (pid 1 in a new container)', async () => {
    await writeForeignLock({ pid: process.pid, token: 'a-previous-run' });
    await acquire();
    expect((await lockOnDisk()).token).not.toBe('a-previous-run');
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock whose pid now belongs to a newer process', async () => {
    const pid = await liveProcess();
    await writeForeignLock({ pid, processStart: 1 }); // not when that process started
    await acquire();
    expect((await lockOnDisk()).pid).toBe(process.pid);
  });

  it('lets exactly one of several concurrent acquirers in a process win', async () => {
    for (const stale of [false, true]) {
      if (stale) await writeForeignLock({ pid: await deadPid() });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(dir, { command: 'race' })));
      const winners = results.filter((r): r is PromiseFulfilledResult<StateLock> => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
      expect((await lockOnDisk()).token).toBe(winners[0]!.value.info.token);
      expect(await leftovers()).toEqual([]);
      await winners[0]!.value.release();
    }
  });

  it('lets exactly one of several processes racing for a stale lock win', async () => {
    await writeForeignLock({ pid: await deadPid() });
    const lockModule = fileURLToPath(new URL('./lock.ts', import.meta.url));
    const script = `
      import { createInterface } from 'node:readline';
      const { acquireLock } = await import(${JSON.stringify(lockModule)});
      const lines = createInterface({ input: process.stdin });
      const next = () => new Promise((resolve) => lines.once('line', resolve));
      console.log('ready');
      await next(); // everyone starts together
      let lock;
      try {
        lock = await acquireLock(${JSON.stringify(dir)}, { command: 'race ' + process.pid });
        console.log('won');
      } catch (error) {
        console.log(error.name === 'LockHeldError' ? 'held' : 'error ' + error.message);
      }
      await next(); // hold the lock until every racer has answered
      await lock?.release();
      process.exit(0);
    `;
    const racers = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      const lines = createInterface({ input: child.stdout! });
      const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
      return { child, next };
    });
    const ready = racers.map((r) => r.next());
    expect(await Promise.all(ready)).toEqual(racers.map(() => 'ready'));
    const answers = racers.map((r) => r.next());
    for (const r of racers) r.child.stdin!.write('go\n');
    const results = await Promise.all(answers);
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'held')).toHaveLength(5);
    const winner = racers[results.indexOf('won')]!;
    expect((await lockOnDisk()).pid).toBe(winner.child.pid);
    const exits = racers.map((r) => once(r.child, 'exit'));
    for (const r of racers) r.child.stdin!.end('done\n');
    await Promise.all(exits);
    expect(existsSync(lockPath)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('release', () => {
  it('removes only a lock that is still ours', async () => {
    const lock = await acquire();
    await writeForeignLock({ pid: 4242, token: 'someone-else' });
    await lock.release();
    expect((await lockOnDisk()).token).toBe('someone-else');
  });

  it('has a synchronous form for exit handlers, with the same care', async () => {
    const lock = await acquire();
    lock.releaseSync();
    expect(existsSync(lockPath)).toBe(false);

    const second = await acquire();
    await writeForeignLock({ pid: 4242, token: 'someone-else' });
    second.releaseSync();
    expect((await lockOnDisk()).token).toBe('someone-else');
  });

  it('lets the next run take the lock', async () => {
    const first = await acquire();
    await first.release();
    const second = await acquire();
    expect((await lockOnDisk()).token).toBe(second.info.token);
  });
});

describe('readLock', () => {
  it('reads the holder, or nothing', async () => {
    expect(await readLock(dir)).toBeUndefined();
    await acquire('replay a.ndjson');
    expect(await readLock(dir)).toMatchObject({ pid: process.pid, command: 'replay a.ndjson' });
  });
});
