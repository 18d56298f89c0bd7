import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app';
import { migrateDatabase, openDatabase } from '../../server/db/client';
import { silentLogger } from '../../server/deps';
import { startTestHerald, type TestHerald } from '../helpers/herald';

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
    const database = openDatabase(`file:${join(dir, 'herald.db')}`);
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
    const users = Array.from({ length: 30_000 }, (_, i) => ({ id: `user-${i}`, upn: `user-${i}@contoso.example`, displayName: `User number ${i}` }));
    const body = JSON.stringify({ users });
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);
    const imported = await api('POST', '/v1/directory/import', body);
    expect(imported.status).toBe(200);
    expect(imported.body.users).toBe(30_000);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await herald.api()('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('notFound');
  });
});
