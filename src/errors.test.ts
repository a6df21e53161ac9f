import { describe, expect, it } from 'vitest';
import { AuthError, EXIT, HubspotSyncError, InputError, InterruptedError, LockHeldError, PauseError, UsageError, WriteFailedError, writeFailure } from './errors.js';

describe('every error that ends a run carries its exit code', () => {
  it.each([
    [new UsageError('bad flag'), EXIT.usage],
    [new AuthError('token refused'), EXIT.usage],
    [new InputError('missing.ndjson', 'Input not found: missing.ndjson.'), EXIT.usage],
    [new LockHeldError('held'), EXIT.locked],
    [new PauseError('Paused: budget spent.'), EXIT.paused],
    [new InterruptedError('SIGTERM'), EXIT.interrupted],
    [new WriteFailedError('/var/lib/hubspot-sync/checkpoint.json', 'no space left on device'), EXIT.paused],
  ])('%s', (error, code) => {
    expect(error).toBeInstanceOf(HubspotSyncError);
    expect(error.exitCode).toBe(code);
    expect(error.name).toBe(error.constructor.name);
  });

  it('an InputError names its path and keeps its cause; a signal names itself', () => {
    const cause = new Error('ENOENT');
    const error = new InputError('a.csv', 'Input not found: a.csv.', { cause });
    expect(error.path).toBe('a.csv');
    expect(error.cause).toBe(cause);
    expect(new InterruptedError('SIGINT').message).toBe('stopped by SIGINT');
  });
});

describe('a write the machine refused becomes one line naming the path and the cause', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: refused, write`), { code, syscall: 'write' });
  const sqlite = (code: string) => Object.assign(new Error('database or disk is full'), { code });
  it.each([
    [errno('ENOSPC'), 'no space left on device'],
    [sqlite('SQLITE_FULL'), 'no space left on device'],
    [errno('EDQUOT'), 'disk quota exceeded'],
    [errno('EROFS'), 'read-only file system'],
    [sqlite('SQLITE_READONLY_DBMOVED'), 'read-only file system'],
    [errno('EIO'), 'input/output error'],
    [sqlite('SQLITE_IOERR_WRITE'), 'input/output error'],
    [errno('EACCES'), 'permission denied'],
  ])('%s', (error, reason) => {
    const failure = writeFailure('/state/state.sqlite', error);
    expect(failure).toBeInstanceOf(WriteFailedError);
    expect(failure).toMatchObject({ exitCode: EXIT.paused, path: '/state/state.sqlite', reason });
    expect((failure as Error).message).toBe(`${reason} for /state/state.sqlite: nothing is lost; free space (or fix the disk), then run the same command again to resume.`);
    expect((failure as Error).message).not.toContain('\n');
  });

  it('anything else (a bug, an unknown code, an error that already ends a run) is left as it is', () => {
    for (const error of [new TypeError('x is undefined'), errno('EWHATEVER'), sqlite('SQLITE_CORRUPT'), new UsageError('bad'), 'text']) {
      expect(writeFailure('/state/x', error)).toBe(error);
    }
  });
});
