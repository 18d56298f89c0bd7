import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/client';
import { skipReasonSql } from '../../../server/directory/audience';
import { apnsAnswers } from '../../fakes/apns';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { deviceClient, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { fakeUser, managedIphone as iphone, startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

/**
 * `user_reach` (each user's devices by skip reason, kept by triggers on devices) read as the preview reads it, against
 * the same counts recomputed from every device with skipReasonSql: after every kind of write to devices they must be
 * equal, and a preview must read exactly as the send made right after it (whose audience counts its delivery rows).
 */
async function expectReachExact(database: Database) {
  const kept = await database.db.all(sql`SELECT tenant_id, user_id, reachable, unsupported_platform, not_enrolled,
      notifications_not_permitted, no_push_token FROM user_reach
    WHERE reachable + unsupported_platform + not_enrolled + notifications_not_permitted + no_push_token > 0
    ORDER BY tenant_id, user_id`);
  const recomputed = await database.db.all(sql`SELECT tenant_id, user_id, sum(r IS NULL) AS reachable,
      sum(r IS 'unsupportedPlatform') AS unsupported_platform, sum(r IS 'notEnrolled') AS not_enrolled,
      sum(r IS 'notificationsNotPermitted') AS notifications_not_permitted, sum(r IS 'noPushToken') AS no_push_token
    FROM (SELECT d.tenant_id, d.enrolled_by_user_id AS user_id, ${skipReasonSql('d')} AS r FROM devices d WHERE d.enrolled_by_user_id IS NOT NULL)
    GROUP BY tenant_id, user_id ORDER BY tenant_id, user_id`);
  expect(kept).toEqual(recomputed);
  return kept;
}

/** The preview of a group send, then that send: the same audience. */
async function expectPreviewAsSent(api: Api, groupIds: string[]) {
  const message = { title: 'Reach', body: 'Counted twice, once each way.', groupIds };
  const preview = expectStatus(await api('POST', '/v1/notifications/preview', message), 200);
  const sent = expectStatus(await api('POST', '/v1/notifications', message), 202);
  expect(preview.audience).toEqual(sent.audience);
  return preview.audience;
}

describe('user_reach through imports, check-ins, the dispatcher and deletes', () => {
  let herald: DispatchHerald;
  let api: Api;
  const token = (i: number) => ({ service: 'apns' as const, token: apnsToken(i) });

  beforeAll(async () => {
    herald = await startDispatchHerald();
    api = herald.admin.api;
    await importDirectory(api, {
      users: ['u1', 'u2', 'u3', 'u4'].map(user),
      devices: [
        phone('d1', 'u1', { push: token(1) }),
        phone('d2', 'u1', { push: token(2) }),
        phone('d3', 'u2', { push: token(3) }),
        phone('d4', 'u2', { platform: 'macos', push: null }),
        phone('d5', 'u3', { push: token(5) }),
        phone('d6', 'u3', { push: token(6) }),
        phone('d7', null, { push: token(7) }),
      ],
      groups: [
        group('all', [
          { type: 'user', id: 'u1' },
          { type: 'group', id: 'sub' },
        ]),
        group('sub', [
          { type: 'user', id: 'u2' },
          { type: 'user', id: 'u3' },
          { type: 'user', id: 'u4' },
          { type: 'group', id: 'all' },
        ]),
      ],
    });
    // the same ids in another tenant, which must count only there
    const other = await herald.newTenant('Fabrikam');
    await importDirectory(other.api, { users: [user('u1')], devices: [phone('d1', 'u1', { push: null })] });
  });
  afterAll(() => herald.close());

  it('counts an import: every enrolled device once, under its user and tenant, none for a device without a user', async () => {
    expect(await expectReachExact(herald.database)).toHaveLength(4);
    expect(await expectPreviewAsSent(api, ['all'])).toEqual({ users: 4, devices: 5, skipped: { unsupportedPlatform: 1 } });
  });

  it('follows a re-import that moves devices between users, to and from no user, and changes each skip reason', async () => {
    await importDirectory(api, {
      devices: [
        phone('d1', 'u2', { push: token(1) }),
        phone('d2', 'u1', { platform: 'windows', push: token(2) }),
        phone('d3', 'u2', { managementState: 'unenrolled', push: token(3) }),
        phone('d4', 'u4', { push: token(4) }),
        phone('d5', 'u3', { notificationsPermitted: false, push: token(5) }),
        phone('d6', null, { push: token(6) }),
        phone('d7', 'u3', { push: null }),
        phone('d8', 'u4', { platform: 'android', push: { service: 'fcm', token: 'fcm-8' } }),
      ],
    });
    await expectReachExact(herald.database);
    expect(await expectPreviewAsSent(api, ['sub'])).toEqual({
      users: 4,
      devices: 3,
      skipped: { unsupportedPlatform: 1, notEnrolled: 1, notificationsNotPermitted: 1, noPushToken: 1 },
    });
  });

  it("follows a device's check-in and the dispatcher clearing a token a provider rejected", async () => {
    const device = await deviceClient(herald, api, 'd7');
    expectStatus(await device('POST', '/v1/device/checkin', { push: token(70) }), 200);
    const d5 = await deviceClient(herald, api, 'd5');
    expectStatus(await d5('POST', '/v1/device/checkin', { notificationsPermitted: true }), 200);
    await expectReachExact(herald.database);

    herald.apns.script(apnsToken(1), apnsAnswers.unregistered);
    await sendToDevice(api, 'd1');
    await herald.drain();
    await expectReachExact(herald.database);
    // d1 (u2's) lost its token to the dispatcher; d5 and d7 (u3's) are reachable again
    expect(await expectPreviewAsSent(api, ['sub'])).toEqual({
      users: 4,
      devices: 4,
      skipped: { unsupportedPlatform: 1, notEnrolled: 1, noPushToken: 1 },
    });
  });

  it('follows deleting a device and deleting a user (whose devices keep no user)', async () => {
    expectStatus(await api('DELETE', '/v1/devices/d8'), 204);
    await expectReachExact(herald.database);
    expectStatus(await api('DELETE', '/v1/users/u3'), 204);
    await expectReachExact(herald.database);
    expect(await expectPreviewAsSent(api, ['all'])).toEqual({
      users: 3,
      devices: 1,
      skipped: { unsupportedPlatform: 1, notEnrolled: 1, noPushToken: 1 },
    });
  });
});

describe('user_reach through a bulk import, recounted in one pass instead of per device', () => {
  let herald: DispatchHerald;
  beforeAll(async () => {
    herald = await startDispatchHerald();
  });
  afterAll(() => herald.close());

  it('counts 1,200 imported devices of 300 users, then a re-import that moves and changes them all, exactly', async () => {
    const { api } = herald.admin;
    const users = Array.from({ length: 300 }, (_, i) => user(`u${i}`));
    const devices = (shift: number) =>
      Array.from({ length: 1_200 }, (_, i) =>
        phone(`d${i}`, `u${(i + shift) % 300}`, {
          platform: (['ios', 'android', 'windows', 'ipados'] as const)[(i + shift) % 4],
          managementState: (i + shift) % 7 === 0 ? 'unenrolled' : 'enrolled',
          notificationsPermitted: (i + shift) % 5 !== 0,
          push: (i + shift) % 3 === 0 ? null : { service: 'apns', token: apnsToken(i) },
        }),
      );
    const members = [
      group(
        'half',
        users.slice(0, 150).map((u) => ({ type: 'user' as const, id: u.id })),
      ),
    ];
    await importDirectory(api, { users, devices: devices(0), groups: members });
    await expectReachExact(herald.database);
    const first = await expectPreviewAsSent(api, ['half']);

    await importDirectory(api, { devices: devices(1) });
    await expectReachExact(herald.database);
    expect(await expectPreviewAsSent(api, ['half'])).not.toEqual(first);
    expect(await herald.database.db.all(sql`SELECT * FROM user_reach_recounts`)).toEqual([]);
  });
});

describe('user_reach through directory syncs from Microsoft Graph', () => {
  let s: SyncedHerald;
  beforeAll(async () => {
    s = await startSyncedHerald();
    for (const id of ['u1', 'u2', 'u3']) s.fake.addUser(fakeUser(id));
    s.fake.addGroup('g1', 'Leeds', [
      { type: 'user', id: 'u1' },
      { type: 'user', id: 'u2' },
      { type: 'user', id: 'u3' },
    ]);
    s.fake.setDevice(iphone('d1', 'u1'));
    s.fake.setDevice(iphone('d2', 'u2', { operatingSystem: 'macOS' }));
    s.fake.setDevice(iphone('d3', 'u3', { managementState: 'retirePending' }));
    await s.connect();
  });
  afterAll(() => s.close());

  it('counts what a full sync writes, then what an incremental one changes: owners, states, removed devices and users', async () => {
    expect(await s.sync({ full: true })).toMatchObject({ status: 'succeeded' });
    await expectReachExact(s.herald.database);
    await expectPreviewAsSent(s.herald.admin.api, ['g1']);

    s.fake.setDevice(iphone('d1', 'u2'));
    s.fake.setDevice(iphone('d3', 'u3'));
    s.fake.setDevice(iphone('d4', 'u3', { operatingSystem: 'Android' }));
    s.fake.removeDevice('d2');
    s.fake.removeUser('u1');
    expect(await s.sync()).toMatchObject({ kind: 'incremental', status: 'succeeded' });
    const device = await deviceClient(s.herald, s.herald.admin.api, 'd3');
    expectStatus(await device('POST', '/v1/device/checkin', { push: { service: 'apns', token: apnsToken(3) } }), 200);
    await expectReachExact(s.herald.database);
    expect(await expectPreviewAsSent(s.herald.admin.api, ['g1'])).toEqual({ users: 2, devices: 1, skipped: { noPushToken: 2 } });

    expect(await s.sync({ full: true })).toMatchObject({ kind: 'full', status: 'succeeded' });
    await expectReachExact(s.herald.database);
  });

  it('counts a sync that writes over a thousand devices (recounted in one pass), then one that removes them (per device)', async () => {
    const many = Array.from({ length: 1_100 }, (_, i) => `bulk-${i}`);
    for (const [i, id] of many.entries()) s.fake.setDevice(iphone(id, i % 2 ? 'u2' : 'u3', i % 3 ? {} : { operatingSystem: 'Windows' }));
    expect(await s.sync()).toMatchObject({ status: 'succeeded', counts: { devices: { added: 1_100, updated: 0, removed: 0 } } });
    await expectReachExact(s.herald.database);
    await expectPreviewAsSent(s.herald.admin.api, ['g1']);

    for (const id of many.slice(0, 600)) s.fake.removeDevice(id);
    expect(await s.sync()).toMatchObject({ status: 'succeeded', counts: { devices: { added: 0, updated: 0, removed: 600 } } });
    await expectReachExact(s.herald.database);
    await expectPreviewAsSent(s.herald.admin.api, ['g1']);
  });
});
