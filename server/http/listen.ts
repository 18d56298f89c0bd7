import { serve, type ServerType } from '@hono/node-server';

/**
 * How long an idle kept-alive connection stays open. Node's default of 5 s is shorter than the idle timeout
 * of the proxies Herald is put behind (60 s for nginx's and most cloud load balancers' upstream pools) and of
 * clients that ignore the `Keep-Alive: timeout` hint (Node 20's own http.Agent among them). A connection the
 * server closes just as such a client sends on it is reset: the request is lost to the caller, who sees
 * ECONNRESET or a 502. Longer than those timeouts, the client or the proxy always closes first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Serves `fetch` over HTTP/1.1 and resolves once it listens. */
export function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
    if ('keepAliveTimeout' in server) {
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      // Node's advice: longer than keepAliveTimeout, so a request arriving at its end is not cut off by this one
      server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    }
  });
}
