import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app';
import { migrateDatabase, openDatabase } from '../../server/db/client';
import { silentLogger } from '../../server/core/logger';
import { startTestHerald, testDbClient, type TestHerald } from '../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

describe('HTTP basics', () => {
  it('answers /healthz and /readyz with migrations applied', async () => {
    const api = herald.api();
    expect((await api('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 on a database whose migrations are not applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-unmigrated-'));
    const database = openDatabase(`file:${join(dir, 'herald.db')}`, { client: testDbClient });
    const app = createApp({ database, now: Date.now, log: silentLogger });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/migration\(s\) are not applied/);
    await migrateDatabase(database);
    expect((await app.request('/readyz')).status).toBe(200);
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a body over 1 MB with 413 payloadTooLarge, but takes a larger directory import', async () => {
    const api = herald.admin.api;
    const big = await api('POST', '/v1/notifications', { title: 'x', body: 'y'.repeat(1024 * 1024), deviceId: 'd' });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payloadTooLarge');
    const users = Array.from({ length: 30_000 }, (_, i) => ({
      id: `user-${i}`,
      upn: `user-${i}@contoso.example`,
      displayName: `User number ${i}`,
    }));
    const body = JSON.stringify({ users });
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);
    const imported = await api('POST', '/v1/directory/import', body);
    expect(imported.status).toBe(200);
    expect(imported.body.users).toBe(30_000);
  });

  it('counts a chunked body (no Content-Length) as it streams: 413 over 1 MB, accepted under it', async () => {
    const chunked = (parts: string[]) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const url = new URL(herald.url);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/v1/notifications/preview',
            headers: { authorization: `Bearer ${herald.admin.token}`, 'content-type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        for (const part of parts) req.write(part);
        req.end();
      });
    const big = await chunked(['{"title":"x","body":"', ...Array.from({ length: 20 }, () => 'y'.repeat(64 * 1024)), '","groupIds":["g"]}']);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payloadTooLarge');
    const small = await chunked(['{"title":"Hello",', '"body":"there","groupIds":["nope"]}']);
    // read and validated: the body arrived whole (the group does not exist)
    expect(small.status).toBe(400);
    expect(small.body.error.message).toMatch(/Group 'nope' does not exist/);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await herald.api()('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('notFound');
  });
});
