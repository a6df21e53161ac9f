import { describe, expect, it } from 'vitest';
import { EXIT, InterruptedError, PauseError, UsageError } from '../../errors.js';
import { endedBy, exitCodeFor } from './outcome.js';

describe('endedBy: how an error thrown inside a run ends it, asked of the error', () => {
  it('a pause and a signal stop the run, with their message and nothing to rethrow', () => {
    expect(endedBy(new PauseError('Paused: HubSpot is unavailable.'))).toEqual({ status: 'paused', message: 'Paused: HubSpot is unavailable.' });
    expect(endedBy(new InterruptedError('SIGTERM'))).toEqual({ status: 'interrupted', message: 'stopped by SIGTERM' });
  });

  it('anything else fails the run and is kept, to be thrown once the run is reported', () => {
    const usage = new UsageError('--hub-id must be the numeric portal ID, got "x".');
    expect(endedBy(usage)).toEqual({ status: 'failed', message: usage.message, error: usage });
    const plain = new TypeError('boom');
    expect(endedBy(plain)).toEqual({ status: 'failed', message: 'boom', error: plain });
    expect(endedBy('text')).toEqual({ status: 'failed', message: 'text', error: 'text' });
  });

  it('the status gives the exit code, as the error would', () => {
    expect(exitCodeFor(endedBy(new PauseError('p')).status, 0, false)).toBe(new PauseError('p').exitCode);
    expect(exitCodeFor(endedBy(new InterruptedError('SIGINT')).status, 0, false)).toBe(EXIT.interrupted);
    expect(exitCodeFor('completed', 3, true)).toBe(EXIT.deadLetters);
    expect(exitCodeFor('completed', 3, false)).toBe(EXIT.completed);
  });
});
