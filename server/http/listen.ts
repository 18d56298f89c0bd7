import { serve, type ServerType } from '@hono/node-server';

/**
 * How long an idle kept-alive connection stays open. Node's default of 5 s is shorter than the idle timeout
 * of the proxies Herald is put behind (60 s for nginx's and most cloud load balancers' upstream pools) and of
 * clients that ignore the `Keep-Alive: timeout` hint (Node 20's own http.Agent among them). A connection the
 * server closes just as such a client sends on it is reset: the request is lost to the caller, who sees
 * ECONNRESET or a 502. Longer than those timeouts, the client or the proxy always closes first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** How long `closeServer` lets requests in flight finish before it cuts their connections. */
const CLOSE_GRACE_MS = 10_000;

/** Serves `fetch` over HTTP/1.1 and resolves once it listens. */
export function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
    server.once('error', reject);
    // (Node's headersTimeout counts from a request's first byte, not from the idle time before it: no change needed.)
    if ('keepAliveTimeout' in server) server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  });
}

/**
 * Stops accepting connections and resolves once every open one is closed: idle ones at once, each busy one as
 * soon as its response is sent (it would otherwise stay open for the whole keep-alive time), and any still busy
 * after the grace time cut off, so that a stop never waits on a client.
 */
export function closeServer(server: ServerType, graceMs = CLOSE_GRACE_MS): Promise<void> {
  let sweep: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  return new Promise<void>((resolve) => {
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    if (!('closeIdleConnections' in server)) return;
    sweep = setInterval(() => server.closeIdleConnections(), 50);
    deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  });
}
