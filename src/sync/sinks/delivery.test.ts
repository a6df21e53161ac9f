import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { systemClock } from '../requests/throttle.js';
import { Delivery } from './delivery.js';
import type { MappedRecord } from '../loop/recordMapper.js';
import type { Requester } from '../requests/requester.js';

const options = { hubId: 1, maxRetries: 0, createEventDefinitions: true, lingerMs: 1 };
const record: MappedRecord = {
  position: { file: 'f', line: 1, offset: 0, endLine: 2, endOffset: 10 },
  operations: [{ op: 'contact.upsert', email: 'ada@example.com', properties: {} }],
  warnings: [],
};

describe('Delivery.halted', () => {
  it('resolves on a signal, so that nothing waits for records that will not settle', async () => {
    const delivery = new Delivery({} as Requester, options, new Map(), systemClock);
    let halted = false;
    void delivery.halted.then(() => (halted = true));
    await Promise.resolve();
    expect(halted).toBe(false);
    delivery.interrupt();
    await delivery.halted;
  });

  it('resolves when a failure stops delivery', async () => {
    const requester = { send: () => Promise.reject(new AuthError('bad token')) } as unknown as Requester;
    const delivery = new Delivery(requester, options, new Map(), systemClock);
    let settled = false;
    await delivery.accept(record, () => (settled = true));
    await delivery.halted;
    expect(delivery.failure).toBeInstanceOf(AuthError);
    expect(settled).toBe(false);
  });
});
