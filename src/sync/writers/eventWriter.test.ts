import { describe, expect, it } from 'vitest';
import type { EventSend } from '../../core/types.js';
import { HubSpotApiError } from '../../hubspot/errors.js';
import { offendingEvents } from './eventWriter.js';

const event = (email: string, eventName = 'pe1_viewed', properties: Record<string, string> = {}) => ({
  key: `${eventName}\n${email}`,
  value: { op: 'event.send', eventName, email, properties, propertyTypes: {}, uuid: email } as EventSend,
});

const refused = (errors: Array<{ message: string; code: string; context: Record<string, string[]> }>) =>
  new HubSpotApiError('eventsSend', 400, { status: 'error', message: 'Invalid input', category: 'VALIDATION_ERROR', errors });

describe('offendingEvents: the events a whole-batch 400 names', () => {
  const part = [event('a@example.com'), event('typo@example.con'), event('b@example.com', 'pe1_other', { plan: 'x' }), event('TYPO@example.con', 'pe1_other')];

  it.each([
    ['an invalid email, named by its event only: the occurrences with that email', [{ message: 'Email address typo@example.con is invalid', code: 'INVALID_EMAIL', context: { eventName: ['pe1_viewed'] } }], [1, 3]],
    ['an unknown event: every occurrence of it', [{ message: 'Event with fully qualified name pe1_other does not exist.', code: 'EVENT_NOT_FOUND', context: { eventName: ['pe1_other'] } }], [2, 3]],
    ['a property of one event: the occurrences that carry it', [{ message: 'bad', code: 'INVALID_OPTION', context: { eventName: ['pe1_other'], propertyName: ['plan'] } }], [2]],
    ['an index', [{ message: 'bad', code: 'INVALID_INPUT', context: { index: ['0'] } }], [0]],
  ])('%s', (_what, errors, expected) => {
    expect(offendingEvents(refused(errors), part).map((entry) => part.indexOf(entry))).toEqual(expected);
  });
});
