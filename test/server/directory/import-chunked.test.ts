import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

/** POST /v1/directory/import with a chunked body (no Content-Length): `parts` one by one, or until the server answers. */
function chunkedImport(parts: Iterable<string>, token = herald.admin.token) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const url = new URL(herald.url);
    let answered = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/v1/directory/import',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        answered = true;
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    // the server closes the connection after a 413 while parts are still being written
    req.on('error', (error) => !answered && reject(error));
    const write = async () => {
      for (const part of parts) {
        if (answered) return;
        if (!req.write(part)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    };
    write().catch(reject);
  });
}

describe('a chunked directory import', () => {
  it('is read and imported like one with a Content-Length', async () => {
    const users = Array.from({ length: 3_000 }, (_, i) => JSON.stringify(user(`chunked-${i}`)));
    const res = await chunkedImport(['{"users":[', ...users.map((u, i) => (i ? `,${u}` : u)), ']}']);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ users: 3_000, groups: 0, devices: 0 });
  });

  it('over 100 MB is refused with 413 payloadTooLarge', async () => {
    const mb = 'x'.repeat(1024 * 1024);
    function* parts() {
      yield '{"users":[],"pad":"';
      for (let i = 0; i < 101; i++) yield mb;
      yield '"}';
    }
    const res = await chunkedImport(parts());
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payloadTooLarge');
    expect(res.body.error.message).toBe('The request body is larger than 100 MB.');
  });

  it('over 100 MB from a caller without a valid token is refused with 413 too, before its token is looked at', async () => {
    const mb = 'x'.repeat(1024 * 1024);
    function* parts() {
      for (let i = 0; i < 101; i++) yield mb;
    }
    const res = await chunkedImport(parts(), 'hrld_not-a-token');
    expect(res.status).toBe(413);
  });
});
