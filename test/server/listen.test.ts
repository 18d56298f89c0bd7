import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServer, KEEP_ALIVE_TIMEOUT_MS, listen } from '../../server/http/listen';

/** A server whose one route answers after `ms` (never, for Infinity); `arrived` resolves when a request reaches the route. */
async function slowServer(ms: number) {
  let signalArrival = () => {};
  const arrived = new Promise<void>((resolve) => (signalArrival = resolve));
  const server = await listen(
    () => {
      signalArrival();
      return new Promise<Response>((resolve) => ms !== Infinity && setTimeout(() => resolve(new Response('done')), ms));
    },
    '127.0.0.1',
    0,
  );
  return { server, port: (server.address() as AddressInfo).port, arrived };
}

/** A GET over `agent`: its status and body (or the client's error code), its Keep-Alive header, and whether it reused a connection. */
function get(port: number, agent: Agent) {
  return new Promise<{ text: string; keepAlive?: string; reused?: boolean }>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () =>
        resolve({
          text: `${res.statusCode} ${body}`,
          keepAlive: res.headers['keep-alive'] as string | undefined,
          reused: req.reusedSocket,
        }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ text: error.code ?? error.message }));
    req.end();
  });
}

describe('listen', () => {
  it('keeps an idle kept-alive connection past 5 s and says for how long', { timeout: 20_000 }, async () => {
    // Node's default would close it at 5 s, resetting a client (or a proxy's pool) that sends on it just then.
    const { server, port } = await slowServer(0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await get(port, agent)).toEqual({ text: '200 done', keepAlive: `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`, reused: false });
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(await get(port, agent)).toEqual({ text: '200 done', keepAlive: `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`, reused: true });
    } finally {
      agent.destroy();
      await closeServer(server);
    }
  });
});

describe('closeServer', () => {
  it('lets a request in flight finish, then closes its kept-alive connection at once', async () => {
    const { server, port, arrived } = await slowServer(300);
    const agent = new Agent({ keepAlive: true });
    const answer = get(port, agent);
    await arrived; // the request is being handled
    const started = performance.now();
    await closeServer(server);
    const took = performance.now() - started;
    expect((await answer).text).toBe('200 done');
    // not the 65 s keep-alive time the connection would otherwise sit idle for
    expect(took).toBeLessThan(3_000);
    agent.destroy();
  });

  it('cuts off a request still running after the grace time', async () => {
    const { server, port, arrived } = await slowServer(Infinity);
    const agent = new Agent({ keepAlive: true });
    const answer = get(port, agent);
    await arrived;
    const started = performance.now();
    await closeServer(server, 300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((await answer).text).toBe('ECONNRESET');
    agent.destroy();
  });
});
