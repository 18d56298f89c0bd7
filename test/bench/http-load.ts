/**
 * A light HTTP/1.1 load generator for latency figures, as wrk sends: kept-alive loopback sockets, each request written
 * in one call, each answer read by its Content-Length. On this 2-core machine the generator shares the cores with the
 * very server being measured, and its own event loop's delays are counted in every latency: `fetch` (undici) cost
 * about a millisecond of CPU per request, node:http 0.5-0.7 ms, this 0.3 ms; against the raw durable loop node:http
 * added about 1.5 ms to the p99 (5.6-5.9 ms against 3.7-4.2 ms here, the same server and disk).
 */
import { connect, type Socket } from 'node:net';

export interface PostResult {
  status: number;
  body: string;
}

/**
 * A socket idle this long is closed rather than reused: the server may be closing it at that moment (its keep-alive
 * timeout), and a request written to it would end in a reset instead of an answer (node's agent has `timeout` for it).
 */
const IDLE_MS = 4_000;
const HEAD_END = Buffer.from('\r\n\r\n');

export function jsonPoster(baseUrl: string, token: string) {
  const url = new URL(baseUrl);
  const port = Number(url.port);
  const idle: Socket[] = [];
  const lastUsed = new WeakMap<Socket, number>();
  const open = new Set<Socket>();

  const socket = () => {
    for (let s = idle.pop(); s; s = idle.pop()) {
      if (performance.now() - lastUsed.get(s)! < IDLE_MS) return s;
      s.destroy();
    }
    const s = connect(port, url.hostname);
    s.setNoDelay(true);
    open.add(s);
    s.on('error', () => undefined); // the request on it, if any, hears of it through 'close'
    s.on('close', () => {
      open.delete(s);
      const i = idle.indexOf(s);
      if (i >= 0) idle.splice(i, 1);
    });
    return s;
  };

  const post = (path: string, body: unknown) =>
    new Promise<PostResult>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const s = socket();
      let received: Buffer = Buffer.alloc(0);
      const done = () => {
        s.off('data', onData);
        s.off('close', onClose);
      };
      const onClose = () => {
        done();
        reject(new Error(`connection closed before the answer to POST ${path}`));
      };
      const onData = (chunk: Buffer) => {
        received = received.length ? Buffer.concat([received, chunk]) : chunk;
        const headEnd = received.indexOf(HEAD_END);
        if (headEnd < 0) return;
        const head = received.toString('latin1', 0, headEnd);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
        if (length === undefined) {
          done();
          s.destroy();
          return reject(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
        }
        const end = headEnd + HEAD_END.length + Number(length);
        if (received.length < end) return;
        done();
        if (/\r\nconnection: *close/i.test(head)) s.destroy();
        else {
          lastUsed.set(s, performance.now());
          idle.push(s);
        }
        resolve({ status: Number(head.slice(9, 12)), body: received.toString('utf8', headEnd + HEAD_END.length, end) });
      };
      s.on('data', onData);
      s.on('close', onClose);
      s.write(
        `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
      );
    });

  return {
    post,
    close: () => {
      for (const s of open) s.destroy();
    },
  };
}
