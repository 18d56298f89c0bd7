import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWith } from '../../helpers/rbac';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
let api: Api;

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('u1')],
    devices: [phone('d1', 'u1'), phone('mac', 'u1', { platform: 'macos' })],
    groups: [group('11111111-2222-3333-4444-555555555555', [{ type: 'user', id: 'u1' }])],
  });
});
afterAll(() => herald.close());

const groupBody = {
  notificationTitle: 'Office closed',
  notificationBody: 'Snow day.',
  groupsToNotify: ['11111111-2222-3333-4444-555555555555'],
};

describe.each(['/beta', '/v1.0'])('Graph-compatible routes under %s', (version) => {
  it('sends to groups with 204 and records a notification sent via graph', async () => {
    const res = await api('POST', `${version}/deviceManagement/sendCustomNotificationToCompanyPortal`, groupBody);
    expect(res.status).toBe(204);
    const [latest] = (await api('GET', '/v1/notifications?limit=1')).body.items;
    expect(latest).toMatchObject({ via: 'graph', title: 'Office closed', target: { type: 'groups' }, audience: { users: 1, devices: 1 } });
  });

  it('sends to one managed device with 204', async () => {
    const res = await api('POST', `${version}/deviceManagement/managedDevices/d1/sendCustomNotificationToCompanyPortal`, {
      notificationTitle: 'Restart',
      notificationBody: 'Please restart.',
    });
    expect(res.status).toBe(204);
    const [latest] = (await api('GET', '/v1/notifications?limit=1')).body.items;
    expect(latest).toMatchObject({ via: 'graph', target: { type: 'device', deviceId: 'd1' } });
  });

  it('answers errors in the same shape: too long a title, unknown device, unsupported platform, missing permission', async () => {
    const long = await api('POST', `${version}/deviceManagement/sendCustomNotificationToCompanyPortal`, {
      ...groupBody,
      notificationTitle: 'x'.repeat(51),
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain('notificationTitle');
    const tooMany = await api('POST', `${version}/deviceManagement/sendCustomNotificationToCompanyPortal`, {
      ...groupBody,
      groupsToNotify: Array.from({ length: 26 }, (_, i) => `g${i}`),
    });
    expect(tooMany.body.error.message).toBe('groupsToNotify: names more than 25 distinct groups.');
    const longId = await api(
      'POST',
      `${version}/deviceManagement/managedDevices/${'x'.repeat(129)}/sendCustomNotificationToCompanyPortal`,
      { notificationTitle: 'a', notificationBody: 'b' },
    );
    expect([longId.status, longId.body.error.message]).toEqual([400, expect.stringMatching(/^managedDeviceId: /)]);
    const unknown = await api('POST', `${version}/deviceManagement/managedDevices/zzz/sendCustomNotificationToCompanyPortal`, {
      notificationTitle: 'a',
      notificationBody: 'b',
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'notFound']);
    const mac = await api('POST', `${version}/deviceManagement/managedDevices/mac/sendCustomNotificationToCompanyPortal`, {
      notificationTitle: 'a',
      notificationBody: 'b',
    });
    expect([mac.status, mac.body.error.code]).toEqual([400, 'unsupportedPlatform']);
    const reader = (await accountWith(herald, [{ roleId: 'readOnlyOperator' }])).api;
    const denied = await reader('POST', `${version}/deviceManagement/sendCustomNotificationToCompanyPortal`, groupBody);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('Organization.Update');
    expect((await herald.api('bad')('POST', `${version}/deviceManagement/sendCustomNotificationToCompanyPortal`, groupBody)).status).toBe(
      401,
    );
  });
});

describe('Graph quotas', () => {
  it('shares the device quota with the native API', async () => {
    await api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 1 });
    const body = { notificationTitle: 'a', notificationBody: 'b' };
    const path = '/beta/deviceManagement/managedDevices/d1/sendCustomNotificationToCompanyPortal';
    herald.clock.advance(2 * 3_600_000);
    expect((await api('POST', path, body)).status).toBe(204);
    const refused = await api('POST', path, body);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect((await api('POST', '/v1/notifications', { title: 'a', body: 'b', deviceId: 'd1' })).status).toBe(429);
  });
});
