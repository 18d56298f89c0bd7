import type { InArgs } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config';
import { silentLogger } from '../../../server/core/logger';
import { createProviders } from '../../../server/dispatch/providers/registry';
import { startWorker } from '../../../server/dispatch/worker';
import { tallyQuery } from '../../../server/notifications/history';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
let api: Api;
let id: string;

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('u1'), user('u2')],
    devices: [
      phone('good', 'u1'),
      phone('bad-1', 'u1', { name: 'Ann’s iPad', push: { service: 'apns', token: 'not a token' } }),
      phone('bad-2', 'u2', { push: { service: 'apns', token: 'zz' } }),
      phone('quiet', 'u2', { notificationsPermitted: false }),
    ],
    groups: [
      group('staff', [
        { type: 'user', id: 'u1' },
        { type: 'user', id: 'u2' },
      ]),
    ],
  });
  id = expectStatus(await api('POST', '/v1/notifications', { title: 'Fire drill', body: 'At 11:00.', groupIds: ['staff'] }), 202).id;
  // No push credentials configured: the simulator, which refuses a malformed token as `malformedToken`.
  const providers = createProviders(loadConfig({}), silentLogger);
  const worker = startWorker({ database: herald.database, providers, now: herald.clock.now, log: silentLogger });
  await worker.settled();
  await worker.stop();
  await providers.close();
});
afterAll(() => herald.close());

describe('why deliveries failed or were skipped', () => {
  it('GET /v1/notifications/{id} counts deliveries per status per reason beside the counts', async () => {
    const notification = expectStatus(await api('GET', `/v1/notifications/${id}`), 200);
    expect(notification.counts).toMatchObject({ queued: 0, sent: 1, failed: 2, skipped: 1 });
    expect(notification.reasons).toEqual({ failed: { malformedToken: 2 }, skipped: { notificationsNotPermitted: 1 } });
  });

  it('gives each history item the same reasons, and an item with nothing to explain an empty object', async () => {
    const clean = expectStatus(await api('POST', '/v1/notifications', { title: 'All fine', body: 'Yes.', deviceId: 'good' }), 202).id;
    const { items } = expectStatus(await api('GET', '/v1/notifications'), 200);
    const byId = new Map(items.map((n: { id: string; reasons: unknown }) => [n.id, n.reasons]));
    expect(byId.get(id)).toEqual({ failed: { malformedToken: 2 }, skipped: { notificationsNotPermitted: 1 } });
    expect(byId.get(clean)).toEqual({});
  });

  it('names the failed devices in the delivery list, with their reason', async () => {
    const { items } = expectStatus(await api('GET', `/v1/notifications/${id}/deliveries?status=failed`), 200);
    expect(items.map((d: { deviceId: string; deviceName: string; reason: string }) => [d.deviceId, d.deviceName, d.reason])).toEqual([
      ['bad-1', 'Ann’s iPad', 'malformedToken'],
      ['bad-2', 'bad-2 phone', 'malformedToken'],
    ]);
  });
});

describe('the cost of the reasons', () => {
  it("counts in one pass over each notification's rows, found by its row-id range", async () => {
    const { sql: text, params } = tallyQuery(herald.database.db, [id]).toSQL();
    const plan = await herald.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args: params as InArgs });
    const details = plan.rows.map((row) => String(row.detail));
    expect(details.filter((d) => d.includes('deliveries'))).toEqual(['SEARCH deliveries USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']);
  });
});
