import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;
let serial = 0;
const text = { title: 'Server room', body: 'Leave the building now.' };

/** An enrolled iPhone and an Android phone of one new user, in a group of their own. */
async function pair() {
  const n = ++serial;
  const ios = { id: `ios-${n}`, token: apnsToken(5000 + n) };
  const android = { id: `android-${n}`, token: `fcm-urgency-${n}` };
  await importDirectory(api, {
    users: [user(`u-${n}`)],
    devices: [
      phone(ios.id, `u-${n}`, { push: { service: 'apns', token: ios.token } }),
      phone(android.id, `u-${n}`, { platform: 'android', push: { service: 'fcm', token: android.token } }),
    ],
    groups: [group(`g-${n}`, [{ type: 'user', id: `u-${n}` }])],
  });
  return { ios, android, groupId: `g-${n}` };
}

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
});
afterAll(() => herald.close());

describe('urgency on the wire', () => {
  it.each([
    ['low', '5', 'passive', 'normal', 'PRIORITY_LOW'],
    ['normal', '10', 'active', 'high', 'PRIORITY_DEFAULT'],
    ['high', '10', 'time-sensitive', 'high', 'PRIORITY_HIGH'],
  ] as const)(
    '%s: APNs priority %s and interruption level %s, FCM priority %s and %s',
    async (urgency, apnsPriority, level, fcmPriority, shown) => {
      const { ios, android, groupId } = await pair();
      const id = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: [groupId], urgency }), 202).id;
      await herald.drain();

      const [apns, ...moreApns] = herald.apns.received.filter((r) => r.token === ios.token);
      expect(moreApns).toEqual([]);
      expect(apns!.headers['apns-priority']).toBe(apnsPriority);
      expect(apns!.payload).toEqual({
        aps: { alert: text, sound: 'default', 'interruption-level': level },
        herald: { notificationId: id, deliveryId: apns!.headers['apns-id'] },
      });
      const [fcm, ...moreFcm] = herald.fcm.received.filter((r) => r.token === android.token);
      expect(moreFcm).toEqual([]);
      expect(fcm!.message).toMatchObject({
        notification: text,
        android: { priority: fcmPriority, notification: { notification_priority: shown } },
      });
      expect(fcm!.message.data).toEqual({ notificationId: id, deliveryId: expect.any(String) });

      const view = expectStatus(await api('GET', `/v1/notifications/${id}`), 200);
      expect(view).toMatchObject({ urgency, requireAcknowledgement: false, reminderOf: null, counts: { sent: 2 } });
      const { items } = expectStatus(await api('GET', '/v1/notifications?limit=1'), 200);
      expect(items[0]).toMatchObject({ id, urgency });
    },
  );

  it('is normal when a send gives none, and anything but low, normal or high is a 400 naming the field', async () => {
    const { ios } = await pair();
    const id = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: ios.id }), 202).id;
    expect(expectStatus(await api('GET', `/v1/notifications/${id}`), 200).urgency).toBe('normal');
    const refused = await api('POST', '/v1/notifications', { ...text, deviceId: ios.id, urgency: 'urgent' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/urgency/);
  });

  it('spends the same quota whatever the urgency', async () => {
    const { ios } = await pair();
    for (const urgency of ['low', 'normal', 'high', 'low', 'normal', 'high', 'low', 'normal', 'high', 'high'])
      expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: ios.id, urgency }), 202);
    for (const urgency of ['low', 'high'])
      expect((await api('POST', '/v1/notifications', { ...text, deviceId: ios.id, urgency })).status).toBe(429);
  });
});

describe('RemoteTasks.SendUrgentNotifications', () => {
  it('is refused to a Help Desk Operator: high is 403 forbidden naming the permission on send and preview, normal goes', async () => {
    const { ios } = await pair();
    const operator = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    for (const path of ['/v1/notifications', '/v1/notifications/preview']) {
      const refused = await operator.api('POST', path, { ...text, deviceId: ios.id, urgency: 'high' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('RemoteTasks.SendUrgentNotifications'),
      });
    }
    // before the text is read, as every send permission is
    const early = await operator.api('POST', '/v1/notifications', { title: '', body: '', deviceId: ios.id, urgency: 'high' });
    expect(early.status).toBe(403);
    expect((await operator.api('POST', '/v1/notifications', { ...text, deviceId: ios.id, urgency: 'low' })).status).toBe(202);
    expect((await operator.api('POST', '/v1/notifications', { ...text, deviceId: ios.id })).status).toBe(202);
  });

  it('lets an Administrator send high to a device and to groups, and preview it', async () => {
    const { ios, groupId } = await pair();
    expect((await api('POST', '/v1/notifications/preview', { deviceId: ios.id, urgency: 'high' })).status).toBe(200);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: ios.id, urgency: 'high' })).status).toBe(202);
    expect((await api('POST', '/v1/notifications', { ...text, groupIds: [groupId], urgency: 'high' })).status).toBe(202);
  });

  it('is scoped like the target permission: held over one group, high reaches that group and its devices, not another', async () => {
    const inside = await pair();
    const outside = await pair();
    const role = await customRole(herald, ['Organization.Update', 'RemoteTasks.SendCustomNotifications']);
    const urgentRole = await customRole(herald, ['RemoteTasks.SendUrgentNotifications']);
    const sender = await accountWith(herald, [
      { roleId: role },
      { roleId: urgentRole, scope: { type: 'groups', groupIds: [inside.groupId] } },
    ]);
    expect((await sender.api('POST', '/v1/notifications', { ...text, groupIds: [inside.groupId], urgency: 'high' })).status).toBe(202);
    expect((await sender.api('POST', '/v1/notifications', { ...text, deviceId: inside.ios.id, urgency: 'high' })).status).toBe(202);
    for (const body of [{ groupIds: [outside.groupId] }, { deviceId: outside.ios.id }]) {
      const refused = await sender.api('POST', '/v1/notifications', { ...text, ...body, urgency: 'high' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/RemoteTasks\.SendUrgentNotifications.*outside your scope/);
      expect((await sender.api('POST', '/v1/notifications', { ...text, ...body })).status).toBe(202);
    }
  });

  it('is part of Administrator and not of Help Desk Operator', async () => {
    const { items } = expectStatus(await api('GET', '/v1/roles'), 200);
    const permissionsOf = (id: string) => items.find((r: { id: string }) => r.id === id).permissions;
    expect(permissionsOf('administrator')).toContain('RemoteTasks.SendUrgentNotifications');
    expect(permissionsOf('helpDeskOperator')).not.toContain('RemoteTasks.SendUrgentNotifications');
  });
});

describe('from a template', () => {
  it("takes the template's urgency and acknowledgement unless the send gives its own, and checks high's permission on it", async () => {
    const { ios } = await pair();
    const template = expectStatus(
      await api('POST', '/v1/templates', { name: `urgent-${serial}`, ...text, urgency: 'high', requireAcknowledgement: true }),
      201,
    ).id;
    const fromTemplate = expectStatus(await api('POST', '/v1/notifications', { templateId: template, deviceId: ios.id }), 202).id;
    expect(expectStatus(await api('GET', `/v1/notifications/${fromTemplate}`), 200)).toMatchObject({
      urgency: 'high',
      requireAcknowledgement: true,
    });
    const overridden = expectStatus(
      await api('POST', '/v1/notifications', { templateId: template, deviceId: ios.id, urgency: 'low', requireAcknowledgement: false }),
      202,
    ).id;
    expect(expectStatus(await api('GET', `/v1/notifications/${overridden}`), 200)).toMatchObject({
      urgency: 'low',
      requireAcknowledgement: false,
    });

    const operator = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    for (const path of ['/v1/notifications', '/v1/notifications/preview']) {
      const refused = await operator.api('POST', path, { templateId: template, deviceId: ios.id });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/RemoteTasks\.SendUrgentNotifications/);
    }
    expect((await operator.api('POST', '/v1/notifications', { templateId: template, deviceId: ios.id, urgency: 'normal' })).status).toBe(
      202,
    );
  });
});
