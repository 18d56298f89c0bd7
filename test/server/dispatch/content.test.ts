import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FREE_TITLE } from '../../../server/dispatch/compose';
import { eraseExpiredText } from '../../../server/notifications/retention';
import { apnsAnswers } from '../../fakes/apns';
import { deviceClient, onlyDelivery, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { importDirectory, phone, user } from '../../helpers/directory';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;
const text = { title: 'Payroll', body: 'Payslips are out.' };

const android = (id: string, app: 'companyPortal' | 'intuneApp', appVersion: string) =>
  phone(id, 'u1', { platform: 'android', app, appVersion, push: { service: 'fcm', token: `fcm-${id}` } });

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('u1')],
    devices: [
      android('cp-old', 'companyPortal', '5.0.5290.9'),
      android('cp-min', 'companyPortal', '5.0.5291.0'),
      android('cp-new', 'companyPortal', '5.0.10000.0'),
      android('intune-old', 'intuneApp', '2021.09.03'),
      android('intune-min', 'intuneApp', '2021.9.4'),
      phone('iphone-old', 'u1', { app: 'companyPortal', appVersion: '4.0.0', push: { service: 'apns', token: apnsToken(1) } }),
    ],
  });
});
afterAll(() => herald.close());

const fcmPush = (deviceId: string) => herald.fcm.received.find((r) => r.token === `fcm-${deviceId}`)?.message;

describe('old Android apps', () => {
  it.each([
    ['Company Portal 5.0.5290.9', 'cp-old', 'Company Portal'],
    ['Intune app 2021.09.03', 'intune-old', 'Intune'],
  ])(
    '%s gets a prompt to update the app instead of the message, which waits in its inbox; the delivery records the fallback',
    async (_, id, appName) => {
      const notificationId = await sendToDevice(api, id, text);
      await herald.drain();
      const push = fcmPush(id);
      expect(push).toMatchObject({ notification: { title: `Update ${appName} to read a message` }, data: { notificationId } });
      expect(JSON.stringify(push)).not.toContain('Payslips');
      expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'sent', provider: 'fcm', fallback: 'appUpdateRequired' });
      const device = await deviceClient(herald, api, id);
      const inbox = expectStatus(await device('GET', '/v1/device/notifications'), 200);
      expect(inbox.items[0]).toMatchObject({ id: notificationId, ...text, state: 'sent' });
    },
  );

  it.each([
    ['Company Portal 5.0.5291.0 (the minimum)', 'cp-min'],
    ['Company Portal 5.0.10000.0 (numerically newer, though not as text)', 'cp-new'],
    ['Intune app 2021.9.4 (the minimum, written without leading zeros)', 'intune-min'],
  ])('%s gets the message itself', async (_, id) => {
    const notificationId = await sendToDevice(api, id, text);
    await herald.drain();
    expect(fcmPush(id)).toMatchObject({ notification: text });
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'sent', fallback: null });
  });

  it('an iPhone with an old app gets the message itself: the fallback is for Android only', async () => {
    const notificationId = await sendToDevice(api, 'iphone-old', text);
    await herald.drain();
    const push = herald.apns.received.find((r) => r.token === apnsToken(1));
    expect(push?.payload).toMatchObject({ aps: { alert: text } });
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ fallback: null });
  });
});

describe('content-free push', () => {
  it('carries only the generic title and the ids, over APNs and FCM; the inbox holds the text', async () => {
    expectStatus(await api('PATCH', '/v1/tenant/settings', { contentFreePush: true }), 200);
    try {
      const toIphone = await sendToDevice(api, 'iphone-old', text);
      const toAndroid = await sendToDevice(api, 'cp-new', text);
      await herald.drain();

      const apns = herald.apns.received.filter((r) => r.token === apnsToken(1)).at(-1)!;
      expect(apns.payload).toEqual({
        aps: { alert: { title: CONTENT_FREE_TITLE, body: '' }, sound: 'default', 'interruption-level': 'active' },
        herald: { notificationId: toIphone, deliveryId: apns.headers['apns-id'] },
      });
      const fcm = herald.fcm.received.filter((r) => r.token === 'fcm-cp-new').at(-1)!.message;
      expect(fcm.notification).toEqual({ title: CONTENT_FREE_TITLE, body: '' });
      expect(fcm.data).toEqual({ notificationId: toAndroid, deliveryId: expect.any(String) });
      expect(JSON.stringify([apns, fcm])).not.toContain('Payslips');

      const device = await deviceClient(herald, api, 'iphone-old');
      const inbox = expectStatus(await device('GET', '/v1/device/notifications'), 200);
      expect(inbox.items[0]).toMatchObject({ id: toIphone, ...text });
    } finally {
      expectStatus(await api('PATCH', '/v1/tenant/settings', { contentFreePush: false }), 200);
    }
  });

  it('is what a retried push carries once retention has erased the text it was sent with', async () => {
    expectStatus(await api('PATCH', '/v1/tenant/settings', { retainMessageTextDays: 1, pushTtlHours: 48 }), 200);
    try {
      herald.apns.script(apnsToken(1), apnsAnswers.serviceUnavailable(25 * 3600));
      const id = await sendToDevice(api, 'iphone-old', text);
      await herald.drain();
      expect(await onlyDelivery(api, id)).toMatchObject({ status: 'queued' });
      herald.clock.advance(25 * 3_600_000 + 1_000);
      expect(await eraseExpiredText(herald.database, herald.clock.now())).toBeGreaterThan(0);
      await herald.drain();
      const push = herald.apns.received.filter((r) => r.token === apnsToken(1)).at(-1)!;
      expect(push.payload).toMatchObject({ aps: { alert: { title: CONTENT_FREE_TITLE, body: '' } }, herald: { notificationId: id } });
      expect(await onlyDelivery(api, id)).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      expectStatus(await api('PATCH', '/v1/tenant/settings', { retainMessageTextDays: 30, pushTtlHours: 24 }), 200);
    }
  });
});
