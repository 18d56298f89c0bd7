import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneDeviceSends, QUOTA_WINDOW_MS, quotaTimes } from '../../../server/notifications/quota';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { countedWrites } from '../../helpers/counted-writes';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
const text = { title: 'Restart', body: 'Restart your phone to finish the update.' };

async function tenantWithDevices(name: string) {
  const tenant = await herald.newTenant(name);
  await importDirectory(tenant.api, {
    users: [user('u1')],
    devices: [phone('d1', 'u1'), phone('d2', 'u1')],
    groups: [group('g1', [{ type: 'user', id: 'u1' }])],
  });
  return tenant;
}

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

// first: the tests below move the clock an hour on
describe('device send records', () => {
  it('are pruned by walking the table a few rows at a time, a write for each read that found old ones', async () => {
    const now = herald.clock.now();
    const old = now - QUOTA_WINDOW_MS;
    const young = now - 1_000;
    // in key order: ta/a (two old, one young), ta/b (young), ta/c (six old: more than one read takes), ta/d, tb/a
    const rows: Array<[string, string, number]> = [
      ['ta', 'a', old - 2],
      ['ta', 'a', old],
      ['ta', 'a', young],
      ['ta', 'b', young],
      ['ta', 'b', young + 1],
      ...Array.from({ length: 6 }, (_, i): [string, string, number] => ['ta', 'c', old - 10 + i]),
      ['ta', 'd', old - 1],
      ['ta', 'd', young],
      ['tb', 'a', old - 5],
    ];
    await herald.database.write((tx) =>
      tx.run(
        sql`INSERT INTO device_sends (tenant_id, device_id, created_at, notification_id) VALUES ${sql.join(
          rows.map(([tenant, device, at], i) => sql`(${`prune-${tenant}`}, ${device}, ${at}, ${`n${i}`})`),
          sql`, `,
        )}`,
      ),
    );
    const counted = countedWrites(herald.database);
    // ranges of 4 rows or more, whole devices: ta/a+ta/b (a's two old), ta/c (its six), ta/d+tb/a (the last two): three writes
    expect(await pruneDeviceSends(counted.database, now, 4)).toBe(10);
    expect(counted.writes()).toBe(3);
    const left = await herald.database.db.all<{ tenant_id: string; device_id: string; created_at: number }>(
      sql`SELECT tenant_id, device_id, created_at FROM device_sends ORDER BY tenant_id, device_id, created_at`,
    );
    expect(left).toEqual([
      { tenant_id: 'prune-ta', device_id: 'a', created_at: young },
      { tenant_id: 'prune-ta', device_id: 'b', created_at: young },
      { tenant_id: 'prune-ta', device_id: 'b', created_at: young + 1 },
      { tenant_id: 'prune-ta', device_id: 'd', created_at: young },
    ]);
    // nothing old left: reads only
    expect(await pruneDeviceSends(counted.database, now, 4)).toBe(0);
    expect(counted.writes()).toBe(3);
    await herald.database.write((tx) => tx.run(sql`DELETE FROM device_sends WHERE tenant_id LIKE 'prune-%'`));
  });

  it('are pruned once they left the quota window, keeping those still in it', async () => {
    const { api } = await tenantWithDevices('Prune');
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    herald.clock.advance(30 * 60_000);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    herald.clock.advance(30 * 60_000 + 1);
    expect(await pruneDeviceSends(herald.database, herald.clock.now())).toBeGreaterThanOrEqual(1);
    expect(await pruneDeviceSends(herald.database, herald.clock.now())).toBe(0);
    expect((await api('GET', '/v1/quotas?deviceId=d1')).body.device.used).toBe(1);
    const [left] = await herald.database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM device_sends`);
    expect(left?.n).toBe(1);
  });
});

describe('group send quota', () => {
  it('accepts 25 group sends in an hour; the 26th gets 429 with Retry-After and uses nothing', async () => {
    const { api } = await tenantWithDevices('GroupQuota');
    for (let i = 0; i < 25; i++) expect((await api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] })).status).toBe(202);
    const refused = await api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('quotaExceeded');
    expect(refused.body.error.message).toMatch(/group send .* 25 per hour/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const quotas = await api('GET', '/v1/quotas');
    expect(quotas.body.groupSends).toMatchObject({ limit: 25, used: 25 });
    expect(Date.parse(quotas.body.groupSends.resetsAt)).toBeGreaterThan(Date.now());
    const history = await api('GET', '/v1/notifications?limit=200');
    expect(history.body.items).toHaveLength(25);
  });

  it('does not spend device quotas on group sends, nor the group quota on device sends', async () => {
    const { api } = await tenantWithDevices('Separate');
    for (let i = 0; i < 10; i++) expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    expect((await api('GET', '/v1/quotas')).body.groupSends.used).toBe(0);
    await api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] });
    const q = await api('GET', '/v1/quotas?deviceId=d2');
    expect(q.body).toMatchObject({ groupSends: { used: 1 }, deviceSends: { limitPerDevice: 10 }, device: { used: 0, resetsAt: null } });
  });

  it('accepts exactly 25 of 40 simultaneous group sends on a fresh tenant', async () => {
    const { api } = await tenantWithDevices('ConcurrentGroups');
    const results = await Promise.all(Array.from({ length: 40 }, () => api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] })));
    expect(results.filter((r) => r.status === 202)).toHaveLength(25);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
  });
});

describe('device send quota', () => {
  it('accepts 10 sends an hour to one device, then 429 naming the device, while another device is free', async () => {
    const { api } = await tenantWithDevices('DeviceQuota');
    for (let i = 0; i < 10; i++) expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    const refused = await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain("'d1'");
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd2' })).status).toBe(202);
    expect((await api('GET', '/v1/quotas?deviceId=d1')).body.device.used).toBe(10);
  });

  it('accepts exactly 10 of 40 simultaneous sends to one device', async () => {
    const { api } = await tenantWithDevices('ConcurrentDevice');
    const results = await Promise.all(Array.from({ length: 40 }, () => api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })));
    expect(results.filter((r) => r.status === 202)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(30);
  });

  it('frees a slot when the oldest send leaves the rolling hour, and Retry-After says when', async () => {
    const { api } = await tenantWithDevices('Rolling');
    await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' });
    herald.clock.advance(30 * 60_000);
    for (let i = 0; i < 9; i++) await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' });
    const refused = await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(29 * 60);
    expect(retryAfter).toBeLessThanOrEqual(30 * 60);
    herald.clock.advance(retryAfter * 1000);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(429);
  });
});

describe('tenant settings', () => {
  it('changes both limits through PATCH /v1/tenant/settings', async () => {
    const { api } = await tenantWithDevices('Settings');
    const patched = await api('PATCH', '/v1/tenant/settings', { groupSendsPerHour: 2, deviceSendsPerHour: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      groupSendsPerHour: 2,
      deviceSendsPerHour: 1,
      retainMessageTextDays: 30,
      pushTtlHours: 24,
      contentFreePush: false,
    });
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(429);
    await api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] });
    await api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] });
    expect((await api('POST', '/v1/notifications', { ...text, groupIds: ['g1'] })).status).toBe(429);
    expect((await api('PATCH', '/v1/tenant/settings', { groupSendsPerHour: 0 })).status).toBe(400);
    expect((await api('PATCH', '/v1/tenant/settings', { unknown: 1 })).status).toBe(400);
  });
});

describe('preview', () => {
  it('answers the audience without sending or using quota', async () => {
    const { api } = await tenantWithDevices('Preview');
    const res = await api('POST', '/v1/notifications/preview', { ...text, groupIds: ['g1'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      target: { type: 'groups', groupIds: ['g1'] },
      audience: { users: 1, devices: 2, skipped: {} },
      languages: [{ language: null, devices: 2 }],
    });
    expect((await api('GET', '/v1/quotas')).body.groupSends.used).toBe(0);
    expect((await api('GET', '/v1/notifications')).body.items).toHaveLength(0);
  });
});

describe('quota indexes', () => {
  // A group send is written only to the groups' partial index, a device send to device_sends (keyed by the device
  // quota's columns); the reads must still find them through their key, or every quota check would scan all of a tenant's sends.
  it.each([
    ['groups', { kind: 'groups' as const }, 'USING (COVERING )?INDEX notifications_quota_groups\\b'],
    [
      'device',
      { kind: 'device' as const, deviceId: 'd1' },
      'device_sends USING PRIMARY KEY \\(tenant_id=\\? AND device_id=\\? AND created_at>\\?',
    ],
  ])('reads the %s quota through its index', async (_, target, using) => {
    const plan = await herald.database.db.all<{ detail: string }>(
      sql`EXPLAIN QUERY PLAN SELECT count(*) FROM (${quotaTimes('t1', target, Date.now() - QUOTA_WINDOW_MS, Date.now())})`,
    );
    expect(plan.map((row) => row.detail).join('\n')).toMatch(new RegExp(using));
  });
});
