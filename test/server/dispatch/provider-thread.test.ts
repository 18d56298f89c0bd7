import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config';
import { startDispatcher } from '../../../server/dispatch/dispatcher';
import { startProviderThread, threadData } from '../../../server/dispatch/provider-thread';
import { apnsAnswers } from '../../fakes/apns';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { startTestHerald } from '../../helpers/herald';
import { apnsToken, pushMessage } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;

beforeAll(async () => {
  herald = await startDispatchHerald({ threaded: true });
});
afterAll(() => herald.close());

/** The fake APNs as `serve` would be configured for it. */
const apnsEnv = (h: DispatchHerald) => ({
  HERALD_APNS_KEY_FILE: h.apns.key.keyFile,
  HERALD_APNS_KEY_ID: h.apns.key.keyId,
  HERALD_APNS_TEAM_ID: h.apns.key.teamId,
  HERALD_APNS_TOPIC: h.apns.topic,
  HERALD_APNS_ORIGIN: h.apns.origin,
});

/** Both fakes as `serve` would be configured for them. */
const fakeConfig = (h: DispatchHerald) =>
  loadConfig({ ...apnsEnv(h), HERALD_FCM_SERVICE_ACCOUNT_FILE: h.fcm.serviceAccount.file, HERALD_FCM_ORIGIN: h.fcm.origin });

const statuses = async (database: DispatchHerald['database'], notificationId: string) =>
  (
    await database.db.all<{ status: string; provider: string | null; reason: string | null; n: number }>(
      sql`SELECT status, provider, reason, count(*) AS n FROM deliveries WHERE notification_id = ${notificationId} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
  ).map((r) => ({ ...r }));

describe('the providers in their push thread', () => {
  it('push a group send over HTTP/2 to the fake APNs and through firebase-admin to the fake FCM, each delivery recorded by its provider', async () => {
    const api = herald.admin.api;
    const users = Array.from({ length: 30 }, (_, i) => user(`gu${i}`));
    const devices = users.flatMap((u, i) => [
      phone(`gi${i}`, u.id, { push: { service: 'apns', token: apnsToken(5000 + i) } }),
      phone(`ga${i}`, u.id, { platform: 'android', push: { service: 'fcm', token: `fcm-thread-${i}` } }),
    ]);
    await importDirectory(api, {
      users,
      devices,
      groups: [
        group(
          'all',
          users.map((u) => ({ type: 'user', id: u.id })),
        ),
      ],
    });
    herald.apns.script(apnsToken(5000), apnsAnswers.unregistered);
    const { id } = expectStatus(await api('POST', '/v1/notifications', { title: 'Fire drill', body: 'At 11:00.', groupIds: ['all'] }), 202);
    await herald.drain();

    expect(await statuses(herald.database, id)).toEqual([
      { status: 'failed', provider: 'apns', reason: 'Unregistered', n: 1 },
      { status: 'sent', provider: 'apns', reason: null, n: 29 },
      { status: 'sent', provider: 'fcm', reason: null, n: 30 },
    ]);
    const apnsPushes = herald.apns.received.filter((r) => r.headers['apns-collapse-id'] === id);
    expect(new Set(apnsPushes.map((r) => r.headers['apns-id'])).size).toBe(30);
    expect(apnsPushes[1]!.payload).toMatchObject({ aps: { alert: { title: 'Fire drill', body: 'At 11:00.' } } });
    expect(herald.fcm.received.filter((r) => r.token.startsWith('fcm-thread-'))).toHaveLength(30);
    // the invalid token was cleared by the recording, on this side of the thread
    const [device] = await herald.database.db.all<{ token: string | null }>(sql`SELECT push_token AS token FROM devices WHERE id = 'gi0'`);
    expect(device!.token).toBeNull();
  });

  it('keep one batch per notification text apart: two notifications in one batch each carry their own text and ids', async () => {
    const provider = herald.providers.for('apns');
    const a = pushMessage(apnsToken(7001), { title: 'First', body: 'One' });
    const b = pushMessage(apnsToken(7002), { title: 'Second', body: 'Two', requireAcknowledgement: true });
    const a2 = pushMessage(apnsToken(7003), { title: 'First', body: 'One', notificationId: a.notificationId, expiresAt: a.expiresAt });
    expect(await provider.send([a, b, a2])).toEqual([{ outcome: 'ok' }, { outcome: 'ok' }, { outcome: 'ok' }]);
    const got = (token: string) => herald.apns.received.find((r) => r.token === token)!;
    expect(got(apnsToken(7001)).headers['apns-id']).toBe(a.deliveryId);
    expect(got(apnsToken(7002)).payload).toMatchObject({
      aps: { alert: { title: 'Second', body: 'Two' } },
      herald: { notificationId: b.notificationId, deliveryId: b.deliveryId, requireAcknowledgement: true },
    });
    expect(got(apnsToken(7003)).payload).toMatchObject({
      aps: { alert: { title: 'First', body: 'One' } },
      herald: { notificationId: a.notificationId, deliveryId: a2.deliveryId },
    });
  });

  it('pass on a retryable answer with its Retry-After', async () => {
    herald.apns.script(apnsToken(7100), apnsAnswers.tooManyRequests(120));
    expect(await herald.providers.for('apns').send([pushMessage(apnsToken(7100))])).toEqual([
      { outcome: 'retryable', reason: 'TooManyRequests', retryAfterMs: 120_000 },
    ]);
  });

  it("log through the dispatcher's logger: an unreachable APNs is reported, and its pushes are retryable", async () => {
    const entries: Array<Record<string, unknown>> = [];
    const providers = await startProviderThread(
      loadConfig({ ...apnsEnv(herald), HERALD_APNS_ORIGIN: 'https://127.0.0.1:1' }),
      (entry) => entries.push(entry),
      { ca: herald.apns.ca },
    );
    try {
      expect(await providers.for('apns').send([pushMessage(apnsToken(1))])).toEqual([{ outcome: 'retryable', reason: 'connectionFailed' }]);
      expect(entries).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'APNs connection failed', error: 'ECONNREFUSED' }));
    } finally {
      await providers.close();
    }
  });

  it('refuse to start with the error naming the variable, as building the providers here would', async () => {
    await expect(
      startProviderThread(loadConfig({ ...apnsEnv(herald), HERALD_APNS_KEY_FILE: '/nonexistent/AuthKey.p8' }), () => {}),
    ).rejects.toThrow('HERALD_APNS_KEY_FILE: cannot read /nonexistent/AuthKey.p8 (ENOENT).');
  });
});

describe('what crosses to the thread', () => {
  it('is the push settings only: no secret key, database token or other setting is copied into the thread', () => {
    const config = loadConfig({
      ...apnsEnv(herald),
      HERALD_SECRET_KEY: 'a'.repeat(64),
      HERALD_DB_URL: 'libsql://db.example.net',
      HERALD_DB_AUTH_TOKEN: 'db-token',
    });
    const { config: crossed } = threadData(config, {});
    expect(Object.keys(crossed).sort()).toEqual([
      'HERALD_APNS_KEY_FILE',
      'HERALD_APNS_KEY_ID',
      'HERALD_APNS_ORIGIN',
      'HERALD_APNS_TEAM_ID',
      'HERALD_APNS_TOPIC',
      'HERALD_FCM_ORIGIN',
      'HERALD_FCM_SERVICE_ACCOUNT_FILE',
    ]);
    expect(JSON.stringify(crossed)).not.toMatch(/db-token|aaaa/);
    expect(crossed.HERALD_APNS_KEY_ID).toBe(config.HERALD_APNS_KEY_ID);
  });
});

describe('the dispatcher of serve and worker', () => {
  it('pushes through its thread: a device send woken by the app ends sent by apns, and close records it and ends the thread', async () => {
    const local = await startTestHerald({ deps: { onQueued: () => dispatcher?.worker.wake() } });
    let dispatcher: Awaited<ReturnType<typeof startDispatcher>> | undefined;
    try {
      dispatcher = await startDispatcher(fakeConfig(herald), local.database, () => {}, { ca: herald.apns.ca });
      expect(dispatcher.services).toEqual([
        `apns: real (${herald.apns.origin}, topic ${herald.apns.topic})`,
        `fcm: real (project herald-test via ${herald.fcm.origin})`,
      ]);
      const api = local.admin.api;
      await importDirectory(api, {
        users: [user('u1')],
        devices: [phone('d1', 'u1', { push: { service: 'apns', token: apnsToken(8001) } })],
      });
      const id = await sendToDevice(api, 'd1');
      await dispatcher.worker.settled();
      expect(await statuses(local.database, id)).toEqual([{ status: 'sent', provider: 'apns', reason: null, n: 1 }]);
      expect(herald.apns.received.filter((r) => r.headers['apns-collapse-id'] === id)).toHaveLength(1);
    } finally {
      await dispatcher?.close();
      await local.close();
    }
  });
});
