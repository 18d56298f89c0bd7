import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceApi } from '../../helpers/dispatch';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
let api: Api;

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('u1'), user('u2')],
    devices: [phone('d1', 'u1'), phone('d2', 'u2'), phone('with:colon', 'u1')],
    groups: [group('scope', [{ type: 'user', id: 'u1' }])],
  });
});
afterAll(() => herald.close());

const issue = (deviceId: string, by: Api = api) => by('POST', `/v1/devices/${encodeURIComponent(deviceId)}/credentials`);

describe('POST /v1/devices/{id}/credentials', () => {
  it('answers 201 with a secret shown once, with which the device authenticates as itself', async () => {
    const res = await issue('d1');
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['secret']);
    expect(res.body.secret).toMatch(/^hrdv_[A-Za-z0-9_-]{43}$/);
    const device = deviceApi(herald, 'd1', res.body.secret);
    expect((await device('GET', '/v1/device/notifications')).status).toBe(200);
  });

  it('stores only a hash of the secret', async () => {
    const { secret } = expectStatus(await issue('d2'), 201);
    const rows = await herald.database.client.execute("SELECT credential_hash FROM devices WHERE id = 'd2'");
    expect(rows.rows[0]!.credential_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.rows[0]!.credential_hash).not.toContain(secret);
  });

  it('replacing the credential revokes the old one', async () => {
    const old = expectStatus(await issue('d1'), 201).secret;
    const next = expectStatus(await issue('d1'), 201).secret;
    const refused = await deviceApi(herald, 'd1', old)('GET', '/v1/device/notifications');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthenticated');
    expect((await deviceApi(herald, 'd1', next)('GET', '/v1/device/notifications')).status).toBe(200);
  });

  it('works for ids that contain a colon', async () => {
    const { secret } = expectStatus(await issue('with:colon'), 201);
    expect((await deviceApi(herald, 'with:colon', secret)('GET', '/v1/device/notifications')).status).toBe(200);
  });

  it('needs ManagedDevices.Update (403 naming it), and over the device for a scoped account', async () => {
    const reader = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const denied = await issue('d1', reader.api);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('ManagedDevices.Update');

    const scoped = await accountWith(herald, [{ roleId: 'administrator', scope: { type: 'groups', groupIds: ['scope'] } }]);
    expect((await issue('d1', scoped.api)).status).toBe(201);
    const outside = await issue('d2', scoped.api);
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toContain("device 'd2'");
  });

  it('is a 404 for an unknown device and for a device of another tenant', async () => {
    const other = await herald.newTenant('Fabrikam');
    await importDirectory(other.api, { users: [user('x1')], devices: [phone('only-in-fabrikam', 'x1')] });
    expect((await issue('nope')).status).toBe(404);
    expect((await issue('only-in-fabrikam')).status).toBe(404);
  });

  it('needs an admin token: 401 without one, and a device credential is not one', async () => {
    const { secret } = expectStatus(await issue('d2'), 201);
    expect((await herald.api()('POST', '/v1/devices/d1/credentials')).status).toBe(401);
    expect((await deviceApi(herald, 'd2', secret)('POST', '/v1/devices/d2/credentials')).status).toBe(401);
  });
});

describe('device authentication', () => {
  it('refuses a missing or malformed header, a wrong secret, and a right secret under another device id', async () => {
    const { secret } = expectStatus(await issue('d2'), 201);
    const anonymous = herald.api();
    expect((await anonymous('GET', '/v1/device/notifications')).status).toBe(401);
    expect((await anonymous('GET', '/v1/device/notifications', undefined, { authorization: `Device ${secret}` })).status).toBe(401);
    expect((await anonymous('GET', '/v1/device/notifications', undefined, { authorization: `Bearer ${herald.admin.token}` })).status).toBe(
      401,
    );
    expect((await deviceApi(herald, 'd2', 'hrdv_wrong')('GET', '/v1/device/notifications')).status).toBe(401);
    expect((await deviceApi(herald, 'd1', secret)('GET', '/v1/device/notifications')).status).toBe(401);
  });

  it('refuses a device once it is unenrolled (403), and again accepts it when it is enrolled again', async () => {
    await importDirectory(api, { users: [user('u9')], devices: [phone('leaver', 'u9')] });
    const device = deviceApi(herald, 'leaver', expectStatus(await issue('leaver'), 201).secret);
    await importDirectory(api, { devices: [phone('leaver', 'u9', { managementState: 'unenrolled' })] });
    const refused = await device('GET', '/v1/device/notifications');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe("Device 'leaver' is not enrolled.");
    await importDirectory(api, { devices: [phone('leaver', 'u9')] });
    expect((await device('GET', '/v1/device/notifications')).status).toBe(200);
  });

  it("never matches another tenant's device with the same id", async () => {
    const other = await herald.newTenant('Northwind');
    await importDirectory(other.api, { users: [user('u1')], devices: [phone('d1', 'u1')] });
    const mine = expectStatus(await issue('d1'), 201).secret;
    const theirs = expectStatus(await issue('d1', other.api), 201).secret;
    expect(mine).not.toBe(theirs);
    // Both stay valid: each finds its own tenant's d1.
    expect((await deviceApi(herald, 'd1', mine)('GET', '/v1/device/notifications')).status).toBe(200);
    expect((await deviceApi(herald, 'd1', theirs)('GET', '/v1/device/notifications')).status).toBe(200);
  });
});

describe('POST /v1/device/checkin', () => {
  it('updates the push token, app, version and permission, and leaves out what the device did not report', async () => {
    const { secret } = expectStatus(await issue('d2'), 201);
    const device = deviceApi(herald, 'd2', secret);
    const res = await device('POST', '/v1/device/checkin', {
      push: { service: 'fcm', token: 'fresh-token' },
      app: 'intuneApp',
      appVersion: '2024.01.02',
      notificationsPermitted: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'd2',
      push: { service: 'fcm', hasToken: true },
      app: 'intuneApp',
      appVersion: '2024.01.02',
      notificationsPermitted: false,
    });
    expect(JSON.stringify(res.body)).not.toContain('fresh-token');

    const again = await device('POST', '/v1/device/checkin', { notificationsPermitted: true });
    expect(again.body).toMatchObject({
      push: { service: 'fcm', hasToken: true },
      app: 'intuneApp',
      appVersion: '2024.01.02',
      notificationsPermitted: true,
    });
    const preview = expectStatus(await api('POST', '/v1/notifications/preview', { deviceId: 'd2' }), 200);
    expect(preview.audience).toMatchObject({ devices: 1, skipped: {} });

    expect((await device('POST', '/v1/device/checkin', { push: null })).body.push).toBeNull();
    const tokenless = expectStatus(await api('POST', '/v1/notifications/preview', { deviceId: 'd2' }), 200);
    expect(tokenless.audience.skipped).toEqual({ noPushToken: 1 });
  });

  it('refuses an unknown field or a bad value with a 400 naming it', async () => {
    const { secret } = expectStatus(await issue('d2'), 201);
    const device = deviceApi(herald, 'd2', secret);
    const bad = await device('POST', '/v1/device/checkin', { push: { service: 'wns', token: 't' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^push\.service/);
    expect((await device('POST', '/v1/device/checkin', { platform: 'ios' })).status).toBe(400);
    expect((await device('POST', '/v1/device/checkin', 'push', { 'content-type': 'text/plain' })).status).toBe(415);
  });
});
