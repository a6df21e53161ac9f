import { describe, expect, it } from 'vitest';
import type { HubSpotResponse, RequestParams } from '../../hubspot/client.js';
import type { EndpointName } from '../../hubspot/endpoints.js';
import { ContactWriter } from './contactWriter.js';
import type { Requester } from '../requests/requester.js';

type Input = { id: string };

/**
 * A requester whose upserts are answered only when the test says so; reads at once, and
 * find every contact unless `existing` lists the ones HubSpot has.
 */
function fakeRequester({ existing }: { existing?: string[] } = {}) {
  const held: Array<() => void> = [];
  const calls: EndpointName[] = [];
  const bodies: unknown[] = [];
  const idOf = (email: string) => `id-${email}`;
  const requester = {
    send(name: EndpointName, params: RequestParams = {}): Promise<HubSpotResponse<unknown>> {
      calls.push(name);
      bodies.push(params.body);
      const inputs = (params.body as { inputs: Input[] }).inputs.filter((input) => name !== 'contactsRead' || existing === undefined || existing.includes(input.id));
      const results = inputs.map((input) => ({ id: idOf(input.id), properties: { email: input.id } }));
      const response = { status: 200, body: { status: 'COMPLETE', results }, rateLimit: {} };
      if (name === 'contactsRead') return Promise.resolve(response);
      return new Promise((resolve) => held.push(() => resolve(response)));
    },
  } as unknown as Requester;
  return { requester, held, calls, bodies };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ContactWriter.idsFor', () => {
  it('answers a known contact at once, without waiting for its queued upserts', async () => {
    const { requester, held, calls } = fakeRequester();
    const writer = new ContactWriter(requester, () => undefined, 1);
    const first = writer.upsert({ op: 'contact.upsert', email: 'ada@example.com', properties: { firstname: 'Ada' } }, 0);
    await tick();
    held.shift()!();
    await first;
    // A later upsert of the same contact is still waiting for its answer…
    void writer.upsert({ op: 'contact.upsert', email: 'ada@example.com', properties: { lastname: 'L' } }, 1);
    await tick();
    expect(held).toHaveLength(1);
    // …but the contact exists: its id is known, and an association need not wait.
    let ids: Map<string, unknown> | undefined;
    void writer.idsFor(['ada@example.com'], 2).then((found) => (ids = found));
    await tick();
    expect(ids).toEqual(new Map([['ada@example.com', 'id-ada@example.com']]));
    expect(calls).not.toContain('contactsRead');
    held.shift()!();
  });

  it('waits for the upsert of a contact not known yet, which may create it', async () => {
    const { requester, held, calls } = fakeRequester();
    const writer = new ContactWriter(requester, () => undefined, 1);
    void writer.upsert({ op: 'contact.upsert', email: 'new@example.com', properties: {} }, 0);
    let ids: Map<string, unknown> | undefined;
    void writer.idsFor(['new@example.com'], 1).then((found) => (ids = found));
    await tick();
    expect(ids).toBeUndefined();
    held.shift()!();
    await tick();
    expect(ids).toEqual(new Map([['new@example.com', 'id-new@example.com']]));
    expect(calls).toEqual(['contactsUpsert']);
  });

  it('creates a contact HubSpot does not have yet by an upsert of its email alone', async () => {
    const { requester, held, calls, bodies } = fakeRequester({ existing: ['old@example.com'] });
    const writer = new ContactWriter(requester, () => undefined, 1);
    let ids: Map<string, unknown> | undefined;
    void writer.idsFor(['old@example.com', 'later@example.com'], 5).then((found) => (ids = found));
    await tick();
    expect(calls).toEqual(['contactsRead', 'contactsUpsert']);
    expect(bodies.at(-1)).toEqual({ inputs: [{ idProperty: 'email', id: 'later@example.com', objectWriteTraceId: '0', properties: {} }] });
    held.shift()!();
    await tick();
    expect(ids).toEqual(new Map([['old@example.com', 'id-old@example.com'], ['later@example.com', 'id-later@example.com']]));
  });
});
