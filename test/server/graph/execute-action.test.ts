import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWith } from '../../helpers/rbac';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
let api: Api;
const text = { notificationTitle: 'Restart', notificationBody: 'Please restart.' };

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('inside'), user('outside')],
    devices: [
      phone('ok1', 'inside'),
      phone('ok2', 'inside'),
      phone('full', 'inside'),
      phone('gone', 'inside', { managementState: 'unenrolled' }),
      phone('mac', 'inside', { platform: 'macos' }),
      phone('win', 'inside', { platform: 'windows' }),
      phone('out', 'outside'),
    ],
    groups: [group('scope', [{ type: 'user', id: 'inside' }])],
  });
  for (let i = 0; i < 10; i++) await api('POST', '/v1/notifications', { title: 'a', body: 'b', deviceId: 'full' });
});
afterAll(() => herald.close());

describe.each(['/beta', '/v1.0'])('Graph executeAction under %s', (version) => {
  const path = `${version}/deviceManagement/managedDevices/executeAction`;

  it("answers customTextNotification with Graph's four lists, sending one notification via graph", async () => {
    const operator = (await accountWith(herald, [{ roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['scope'] } }])).api;
    const res = await operator('POST', path, {
      actionName: 'customTextNotification',
      deviceIds: ['ok1', 'missing', 'mac', 'gone', 'win', 'out', 'full', 'ok2', 'ok1'],
      ...text,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      successfulDeviceIds: ['ok1', 'ok2'],
      failedDeviceIds: ['out', 'full'],
      notFoundDeviceIds: ['missing'],
      notSupportedDeviceIds: ['mac', 'gone', 'win'],
    });
    const [latest] = (await api('GET', '/v1/notifications?limit=1')).body.items;
    expect(latest).toMatchObject({ via: 'graph', title: 'Restart', target: { type: 'devices', deviceIds: ['ok1', 'ok2'] } });
  });

  it('answers 200 with no successful device when none passes, sending nothing', async () => {
    const before = (await api('GET', '/v1/notifications?limit=200')).body.items.length;
    const res = await api('POST', path, { actionName: 'customTextNotification', deviceIds: ['missing', 'mac'], ...text });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      successfulDeviceIds: [],
      failedDeviceIds: [],
      notFoundDeviceIds: ['missing'],
      notSupportedDeviceIds: ['mac'],
    });
    expect((await api('GET', '/v1/notifications?limit=200')).body.items).toHaveLength(before);
  });

  it('refuses another actionName with a 400 naming it, and bad bodies and missing permissions as any send', async () => {
    const other = await api('POST', path, { actionName: 'retire', deviceIds: ['ok1'] });
    expect([other.status, other.body.error.code]).toEqual([400, 'invalidRequest']);
    expect(other.body.error.message).toContain("'retire'");
    const tooMany = await api('POST', path, {
      actionName: 'customTextNotification',
      deviceIds: Array.from({ length: 101 }, (_, i) => `d${i}`),
      ...text,
    });
    expect([tooMany.status, tooMany.body.error.message]).toEqual([400, 'deviceIds: names more than 100 distinct devices.']);
    const long = await api('POST', path, {
      actionName: 'customTextNotification',
      deviceIds: ['ok1'],
      ...text,
      notificationTitle: 'x'.repeat(51),
    });
    expect([long.status, long.body.error.message]).toEqual([400, expect.stringContaining('notificationTitle')]);
    const reader = (await accountWith(herald, [{ roleId: 'readOnlyOperator' }])).api;
    const denied = await reader('POST', path, { actionName: 'customTextNotification', deviceIds: ['ok1'], ...text });
    expect([denied.status, denied.body.error.message]).toEqual([403, expect.stringContaining('RemoteTasks.SendCustomNotifications')]);
  });
});
