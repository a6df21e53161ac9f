// The standard proxy variables: a company host that reaches HubSpot only through a proxy.
// A CONNECT proxy on 127.0.0.1 stands in front of the HubSpot stand-in and counts the
// tunnels it opened and the requests that went through them.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { runCli, tempDir } from '../support/cli.js';
import { mixedCalls, writeNdjson } from '../support/corpus.js';

interface CountingProxy {
  url: string;
  /** host:port of every tunnel opened. */
  tunnels: string[];
  /** Request lines seen going through the tunnels (the stand-in speaks plain HTTP). */
  requests: number;
  close(): Promise<void>;
}

async function countingProxy(): Promise<CountingProxy> {
  const proxy: Omit<CountingProxy, 'url' | 'close'> = { tunnels: [], requests: 0 };
  const server: Server = createServer((_req, res) => {
    // Only tunnels: a client that sends a plain proxied request is not what we test.
    res.writeHead(405).end();
  });
  server.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    proxy.tunnels.push(target);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.on('data', (chunk: Buffer) => {
        proxy.requests += chunk.toString('latin1').match(/^(?:GET|POST|PUT|PATCH|DELETE) \S+ HTTP\/1\.1\r$/gm)?.length ?? 0;
      });
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(): Promise<{ emulator: Emulator; proxy: CountingProxy; input: string; dir: string }> {
  const emulator = await startEmulator({ searchLagMs: 0 });
  const proxy = await countingProxy();
  open.push(emulator, proxy);
  const dir = await tempDir();
  const input = await writeNdjson(dir, 'events.ndjson', mixedCalls(20));
  return { emulator, proxy, input, dir };
}

function replay(emulator: Emulator, dir: string, input: string, env: Record<string, string>) {
  return runCli(['replay', input, '--state-dir', join(dir, 'state'), '--quiet'], {
    env: { HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url, ...env },
  });
}

describe('proxies', () => {
  it.each(['HTTP_PROXY', 'http_proxy'])('sends every request through the tunnel %s names', async (variable) => {
    const { emulator, proxy, input, dir } = await setup();
    const run = await replay(emulator, dir, input, { [variable]: proxy.url, NO_PROXY: '', no_proxy: '' });
    expect(run.code, run.stderr).toBe(0);
    const target = new URL(emulator.url).host;
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([target]));
    expect(proxy.requests).toBe(emulator.stats().requests.total);
    expect(Object.keys(emulator.snapshot().contacts)).toHaveLength(20);
  });

  it.each(['NO_PROXY', 'no_proxy'])('goes direct to a host %s names', async (variable) => {
    const { emulator, proxy, input, dir } = await setup();
    const run = await replay(emulator, dir, input, { HTTP_PROXY: proxy.url, [variable]: '127.0.0.1' });
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.tunnels).toEqual([]);
    expect(Object.keys(emulator.snapshot().contacts)).toHaveLength(20);
  });

  it('does not go around a proxy that is down: nothing reaches HubSpot', async () => {
    const { emulator, proxy, input, dir } = await setup();
    const down = proxy.url;
    await proxy.close();
    const run = await runCli(['replay', input, '--state-dir', join(dir, 'state'), '--quiet', '--max-retries', '0'], {
      env: { HUBSPOT_ACCESS_TOKEN: emulator.token, HUBSPOT_BASE_URL: emulator.url, HTTP_PROXY: down, NO_PROXY: '' },
    });
    expect(run.code).toBe(75);
    expect(run.stderr).not.toContain(emulator.token);
    expect(emulator.stats().requests.total).toBe(0);
  });
});
