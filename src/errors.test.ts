import { describe, expect, it } from 'vitest';
import { AuthError, EXIT, HubspotSyncError, InputError, InterruptedError, LockHeldError, PauseError, UsageError } from './errors.js';

describe('every error that ends a run carries its exit code', () => {
  it.each([
    [new UsageError('bad flag'), EXIT.usage],
    [new AuthError('token refused'), EXIT.usage],
    [new InputError('missing.ndjson', 'Input not found: missing.ndjson.'), EXIT.usage],
    [new LockHeldError('held'), EXIT.locked],
    [new PauseError('Paused: budget spent.'), EXIT.paused],
    [new InterruptedError('SIGTERM'), EXIT.interrupted],
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
