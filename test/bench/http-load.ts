/**
 * A light HTTP/1.1 load generator for latency figures: node:http over kept-alive loopback connections,
 * as wrk or autocannon would send. `fetch` (undici) costs the generator about a millisecond of CPU per
 * request, which on a 2-core machine competes with the very server being measured.
 */
import { Agent, request } from 'node:http';

export interface PostResult {
  status: number;
  body: string;
}

export function jsonPoster(baseUrl: string, token: string) {
  const url = new URL(baseUrl);
  // Idle sockets close after 4 s, well before the server's keep-alive timeout, as undici does from the server's
  // Keep-Alive hint: a socket the server closes just as it is reused would end its request in ECONNRESET.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 });
  const post = (path: string, body: unknown) =>
    new Promise<PostResult>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { post, close: () => agent.destroy() };
}
