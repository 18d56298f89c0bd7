import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { claimDue } from '../../../server/dispatch/claim';
import { deliveryUuid } from '../../../server/dispatch/delivery-id';
import { apnsAnswers, type ApnsAnswer } from '../../fakes/apns';
import type { FcmAnswer } from '../../fakes/fcm';
import { importDirectory, phone, user } from '../../helpers/directory';
import { deviceClient, onlyDelivery, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;
let serial = 0;

/** A new enrolled iPhone (or Android phone) with its own token, imported through the API. */
async function newDevice(android = false): Promise<{ id: string; token: string }> {
  const id = `dev-${++serial}`;
  const token = android ? `fcm-token-${serial}` : apnsToken(1000 + serial);
  await importDirectory(api, {
    users: [user(`u-${id}`)],
    devices: [
      phone(id, `u-${id}`, android ? { platform: 'android', push: { service: 'fcm', token } } : { push: { service: 'apns', token } }),
    ],
  });
  return { id, token };
}

/** A send to a new device whose push the fake APNs (or FCM, for an Android device) answers so, dispatched. */
async function pushAnswered(answer: { apns: ApnsAnswer } | { fcm: FcmAnswer }) {
  const { id, token } = await newDevice('fcm' in answer);
  if ('fcm' in answer) herald.fcm.script(token, answer.fcm);
  else herald.apns.script(token, answer.apns);
  const notificationId = await sendToDevice(api, id);
  await herald.drain();
  return { id, token, notificationId };
}

const apnsFor = (token: string) => herald.apns.received.filter((r) => r.token === token);
const fcmFor = (token: string) => herald.fcm.received.filter((r) => r.token === token);
const noPushTokenPreview = async (deviceId: string) =>
  expectStatus(await api('POST', '/v1/notifications/preview', { deviceId }), 200).audience;

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
});
afterAll(() => herald.close());

describe('pushing a queued delivery', () => {
  it('sends it to APNs with the delivery UUID as apns-id, the notification id as collapse id and the TTL as expiration, and records it sent by apns', async () => {
    const { id, token } = await newDevice();
    const sentAt = herald.clock.now();
    const notificationId = await sendToDevice(api, id, { title: 'Office closed', body: 'Work from home today.' });
    await herald.drain();

    const [push, ...others] = apnsFor(token);
    expect(others).toEqual([]);
    expect(push!.headers['apns-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(push!.headers['apns-id']!.slice(0, 24)).toBe(notificationId.slice(0, 24));
    expect(push!.headers['apns-collapse-id']).toBe(notificationId);
    const expiration = Number(push!.headers['apns-expiration']) * 1000;
    expect(expiration).toBeGreaterThan(sentAt + 24 * 3_600_000 - 2_000);
    expect(expiration).toBeLessThan(sentAt + 24 * 3_600_000 + 2_000);
    expect(push!.payload).toEqual({
      aps: { alert: { title: 'Office closed', body: 'Work from home today.' }, sound: 'default', 'interruption-level': 'active' },
      herald: { notificationId, deliveryId: push!.headers['apns-id'] },
    });
    expect(await onlyDelivery(api, notificationId)).toMatchObject({
      deviceId: id,
      status: 'sent',
      provider: 'apns',
      attempts: 1,
      reason: null,
    });
    const notification = expectStatus(await api('GET', `/v1/notifications/${notificationId}`), 200);
    expect(notification.counts).toMatchObject({ queued: 0, sent: 1 });
  });

  it('sends an Android device through FCM with the ids as data and the TTL, recorded sent by fcm', async () => {
    const { id, token } = await newDevice(true);
    const notificationId = await sendToDevice(api, id, { title: 'Badge update', body: 'New badges at reception.' });
    await herald.drain();

    const [push, ...others] = fcmFor(token);
    expect(others).toEqual([]);
    expect(push!.message).toMatchObject({
      notification: { title: 'Badge update', body: 'New badges at reception.' },
      data: { notificationId, deliveryId: expect.stringMatching(new RegExp(`^${notificationId.slice(0, 24)}[0-9a-f]{12}$`)) },
      android: { priority: 'high', ttl: expect.stringMatching(/^86[34]\d\d(\.\d+)?s$/) },
    });
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'sent', provider: 'fcm', attempts: 1 });
  });

  it('derives the delivery UUID from the notification UUID and the device alone, one function for every push', () => {
    const notification = '0c8f5d8e-6a4b-4c1e-9f3d-2b7a1e9c4d50';
    const id = deliveryUuid(notification, 'device-1');
    expect(id).toMatch(/^0c8f5d8e-6a4b-4c1e-9f3d-[0-9a-f]{12}$/);
    expect(deliveryUuid(notification, 'device-1')).toBe(id);
    expect(deliveryUuid(notification, 'device-2')).not.toBe(id);
    expect(deliveryUuid('0c8f5d8e-6a4b-4c1e-9f3d-2b7a1e9c4d51', 'device-1')).not.toBe(id);
  });

  it('keeps every delivery UUID it ever gave, so a push retried across an upgrade carries the same apns-id', () => {
    // sha256("<notification id>\n<device id>"), its first 12 hex digits
    const notification = '0c8f5d8e-6a4b-4c1e-9f3d-2b7a1e9c4d50';
    expect(deliveryUuid(notification, 'device-1')).toBe('0c8f5d8e-6a4b-4c1e-9f3d-d742baf2eab4');
    expect(deliveryUuid(notification, 'Ann’s iPhone 🙂')).toBe('0c8f5d8e-6a4b-4c1e-9f3d-7d882ec9aa45');
  });
});

describe('invalid tokens', () => {
  it('APNs 410 Unregistered fails the delivery and clears the token; later sends skip the device as noPushToken until it checks in with a new one', async () => {
    const { id, token } = await newDevice();
    herald.apns.script(token, apnsAnswers.unregistered);
    const first = await sendToDevice(api, id);
    await herald.drain();
    expect(await onlyDelivery(api, first)).toMatchObject({ status: 'failed', reason: 'Unregistered', provider: 'apns' });

    expect((await noPushTokenPreview(id)).skipped).toEqual({ noPushToken: 1 });
    const second = await sendToDevice(api, id);
    expect(await onlyDelivery(api, second)).toMatchObject({ status: 'skipped', reason: 'noPushToken' });

    const device = await deviceClient(herald, api, id);
    const newToken = apnsToken(900_000 + serial);
    expectStatus(await device('POST', '/v1/device/checkin', { push: { service: 'apns', token: newToken } }), 200);
    const third = await sendToDevice(api, id);
    await herald.drain();
    expect(await onlyDelivery(api, third)).toMatchObject({ status: 'sent' });
    expect(apnsFor(newToken)).toHaveLength(1);
    expect(apnsFor(token)).toHaveLength(1);
  });

  it('a check-in with the very token the provider rejected keeps the device skipped as noPushToken; only another token clears the mark', async () => {
    const { id, token } = await newDevice();
    herald.apns.script(token, apnsAnswers.unregistered);
    await sendToDevice(api, id);
    await herald.drain();
    const device = await deviceClient(herald, api, id);

    const same = expectStatus(await device('POST', '/v1/device/checkin', { push: { service: 'apns', token } }), 200);
    expect(same.push).toEqual({ service: 'apns', hasToken: false });
    expect((await noPushTokenPreview(id)).skipped).toEqual({ noPushToken: 1 });
    const skipped = await sendToDevice(api, id);
    expect(await onlyDelivery(api, skipped)).toMatchObject({ status: 'skipped', reason: 'noPushToken' });

    const other = expectStatus(
      await device('POST', '/v1/device/checkin', { push: { service: 'apns', token: apnsToken(600_000 + serial) } }),
      200,
    );
    expect(other.push).toEqual({ service: 'apns', hasToken: true });
    expect(await noPushTokenPreview(id)).toMatchObject({ devices: 1, skipped: {} });
  });

  it('a directory re-import bringing back the very token the provider rejected keeps the device skipped; another token clears the mark', async () => {
    const { id, token } = await newDevice();
    herald.apns.script(token, apnsAnswers.unregistered);
    await sendToDevice(api, id);
    await herald.drain();
    const reimport = (pushToken: string) =>
      importDirectory(api, { users: [user(`u-${id}`)], devices: [phone(id, `u-${id}`, { push: { service: 'apns', token: pushToken } })] });

    await reimport(token);
    expect((await noPushTokenPreview(id)).skipped).toEqual({ noPushToken: 1 });
    const skipped = await sendToDevice(api, id);
    expect(await onlyDelivery(api, skipped)).toMatchObject({ status: 'skipped', reason: 'noPushToken' });

    const fresh = apnsToken(700_000 + serial);
    await reimport(fresh);
    const sent = await sendToDevice(api, id);
    await herald.drain();
    expect(await onlyDelivery(api, sent)).toMatchObject({ status: 'sent' });
    expect(apnsFor(fresh)).toHaveLength(1);
    expect(apnsFor(token)).toHaveLength(1);
  });

  it.each([
    ['APNs 400 BadDeviceToken', { apns: apnsAnswers.badDeviceToken }, 'BadDeviceToken'],
    ['FCM UNREGISTERED', { fcm: { error: 'UNREGISTERED' } }, 'UNREGISTERED'],
  ] as const)('%s is an invalid token too', async (_, answer, reason) => {
    const { id, notificationId } = await pushAnswered(answer);
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'failed', reason });
    expect((await noPushTokenPreview(id)).skipped).toEqual({ noPushToken: 1 });
  });

  it('keeps a token that the device replaced while the push that found the old one invalid was in flight', async () => {
    const { id, token } = await newDevice();
    const device = await deviceClient(herald, api, id);
    const replacement = apnsToken(800_000 + serial);
    herald.apns.script(token, { ...apnsAnswers.unregistered, delayMs: 300 });
    const notificationId = await sendToDevice(api, id);
    const draining = herald.drain();
    await herald.apns.waitFor(herald.apns.count + 1);
    expectStatus(await device('POST', '/v1/device/checkin', { push: { service: 'apns', token: replacement } }), 200);
    await draining;
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'failed', reason: 'Unregistered' });
    expect(await noPushTokenPreview(id)).toMatchObject({ devices: 1, skipped: {} });
  });
});

describe('permanent errors', () => {
  it.each([
    ['APNs 413 PayloadTooLarge', { apns: apnsAnswers.payloadTooLarge }, 'PayloadTooLarge'],
    ['FCM INVALID_ARGUMENT', { fcm: { error: 'INVALID_ARGUMENT' } }, expect.stringMatching(/^INVALID_ARGUMENT/)],
  ] as const)('%s fails the delivery with the reason and keeps the token', async (_, answer, reason) => {
    const { id, notificationId } = await pushAnswered(answer);
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'failed', reason, attempts: 1 });
    expect(await noPushTokenPreview(id)).toMatchObject({ devices: 1, skipped: {} });
  });
});

describe('retries', () => {
  it.each([
    ['APNs 429 with Retry-After: 120', { apns: apnsAnswers.tooManyRequests(120) }, 'TooManyRequests', 120_000],
    ['FCM QUOTA_EXCEEDED', { fcm: { error: 'QUOTA_EXCEEDED' } }, 'QUOTA_EXCEEDED', 60_000], // Google's "the following minute"
    ['FCM UNAVAILABLE', { fcm: { error: 'UNAVAILABLE' } }, 'UNAVAILABLE', 45_000], // at least 30 s: random() = 0.5 gives 3/4 of 60 s
    ['FCM INTERNAL', { fcm: { error: 'INTERNAL' } }, 'INTERNAL', 45_000],
  ] as const)(
    '%s puts the delivery back in the queue, not failed, and it is sent once the service answers success %i ms later',
    async (_, answer, reason, wait) => {
      // frozen, so the 100 ms margin below is the clock's and not eaten by a busy machine
      herald.clock.freeze();
      onTestFinished(() => herald.clock.thaw());
      const { token, notificationId } = await pushAnswered(answer);
      const received = () => ('fcm' in answer ? fcmFor(token) : apnsFor(token));
      expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'queued', reason, attempts: 1 });

      herald.clock.advance(wait - 100);
      await herald.drain();
      expect(received()).toHaveLength(1);

      herald.clock.advance(100);
      await herald.drain();
      expect(received()).toHaveLength(2);
      expect(await onlyDelivery(api, notificationId)).toMatchObject({
        status: 'sent',
        reason: null,
        attempts: 2,
        provider: 'fcm' in answer ? 'fcm' : 'apns',
      });
    },
  );

  it('backs off exponentially without Retry-After: 2 s, then 4 s, then 8 s (jitter pinned to its middle here)', async () => {
    const { id, token } = await newDevice();
    herald.apns.script(token, apnsAnswers.serviceUnavailable(), apnsAnswers.serviceUnavailable(), apnsAnswers.serviceUnavailable());
    await sendToDevice(api, id);
    const waits = [1_500, 3_000, 6_000]; // random() = 0.5 gives 3/4 of 2 s, 4 s, 8 s
    for (const [i, wait] of waits.entries()) {
      await herald.drain();
      expect(apnsFor(token)).toHaveLength(i + 1);
      herald.clock.advance(wait - 100);
      await herald.drain();
      expect(apnsFor(token)).toHaveLength(i + 1);
      herald.clock.advance(100);
    }
    await herald.drain();
    expect(apnsFor(token)).toHaveLength(4);
  });

  it('an outage (every push answered 503 or reset) delays deliveries and fails none; they go out when the service is back', async () => {
    const devices = await Promise.all([newDevice(), newDevice(), newDevice()]);
    herald.apns.setDefault(apnsAnswers.serviceUnavailable());
    herald.apns.script(devices[2]!.token, { reset: true }, { reset: true });
    const ids = [];
    for (const d of devices) ids.push(await sendToDevice(api, d.id));
    try {
      for (let i = 0; i < 3; i++) {
        await herald.drain();
        for (const n of ids) expect(await onlyDelivery(api, n)).toMatchObject({ status: 'queued', attempts: i + 1 });
        herald.clock.advance(10 * 60_000);
      }
    } finally {
      herald.apns.setDefault(apnsAnswers.ok);
    }
    await herald.drain();
    for (const n of ids) expect(await onlyDelivery(api, n)).toMatchObject({ status: 'sent', attempts: 4 });
  });

  it('ends expired when the next try would come after the notification expires', async () => {
    const { id, token } = await newDevice();
    herald.apns.script(token, apnsAnswers.serviceUnavailable(25 * 3600));
    const notificationId = await sendToDevice(api, id);
    await herald.drain();
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'expired', reason: 'ServiceUnavailable', attempts: 1 });
  });

  it('ends expired without a push when no worker reached it before the TTL', async () => {
    const { id, token } = await newDevice();
    const notificationId = await sendToDevice(api, id);
    herald.clock.advance(24 * 3_600_000);
    await herald.drain();
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'expired', reason: 'ttlElapsed', attempts: 0 });
    expect(apnsFor(token)).toEqual([]);
  });

  it('one claim pushes the reachable, skips the unreachable and expires the overdue, which keeps its last failure as reason', async () => {
    const overdue = await newDevice();
    herald.apns.script(overdue.token, apnsAnswers.serviceUnavailable(23 * 3600));
    const overdueSend = await sendToDevice(api, overdue.id);
    await herald.drain();
    expect(await onlyDelivery(api, overdueSend)).toMatchObject({ status: 'queued', reason: 'ServiceUnavailable', attempts: 1 });
    herald.clock.advance(24 * 3_600_000);
    const [reachable, gone] = [await newDevice(), await newDevice()];
    const reachableSend = await sendToDevice(api, reachable.id);
    const goneSend = await sendToDevice(api, gone.id);
    await importDirectory(api, {
      devices: [phone(gone.id, `u-${gone.id}`, { managementState: 'unenrolled', push: { service: 'apns', token: gone.token } })],
    });
    const claim = await claimDue(herald.database, herald.clock.now(), 500, 60_000);
    const ours = claim.deliveries.filter((d) => [overdue.id, reachable.id, gone.id].includes(d.deviceId));
    expect(ours).toMatchObject([{ deviceId: reachable.id, token: reachable.token, attempts: 1, title: 'Fire drill' }]);
    expect(claim.closed.skipped).toBeGreaterThanOrEqual(1);
    expect(claim.closed.expired).toBeGreaterThanOrEqual(1);
    expect(await onlyDelivery(api, overdueSend)).toMatchObject({ status: 'expired', reason: 'ServiceUnavailable', attempts: 1 });
    expect(await onlyDelivery(api, goneSend)).toMatchObject({ status: 'skipped', reason: 'notEnrolled', attempts: 0 });
    expect(await onlyDelivery(api, reachableSend)).toMatchObject({ status: 'queued', attempts: 1 });
    herald.clock.advance(60_000);
    await herald.drain();
    expect(await onlyDelivery(api, reachableSend)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(apnsFor(overdue.token)).toHaveLength(1);
    expect(apnsFor(gone.token)).toEqual([]);
  });

  it("a crashed worker's claimed deliveries return to the queue when its lease ends, and are sent then", async () => {
    const { id, token } = await newDevice();
    const notificationId = await sendToDevice(api, id);
    const claim = await claimDue(herald.database, herald.clock.now(), 500, 60_000);
    expect(claim.deliveries.map((d) => d.deviceId)).toContain(id);
    await herald.drain();
    expect(apnsFor(token)).toEqual([]);
    herald.clock.advance(60_000);
    await herald.drain();
    expect(apnsFor(token)).toHaveLength(1);
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it("one claim of several notifications gives each delivery its own notification's text", async () => {
    const sends = [];
    for (const i of [0, 1, 2]) {
      const device = await newDevice();
      sends.push({ device, i, id: await sendToDevice(api, device.id, { title: `Title ${i}`, body: `Body ${i}` }) });
    }
    const claim = await claimDue(herald.database, herald.clock.now(), 500, 60_000);
    for (const { device, i, id } of sends) {
      const ours = claim.deliveries.filter((d) => d.deviceId === device.id);
      expect(ours).toMatchObject([
        { notificationId: id, token: device.token, title: `Title ${i}`, body: `Body ${i}`, urgency: 'normal', contentFree: false },
      ]);
      expect(ours[0]!.expiresAt).toBeGreaterThan(herald.clock.now());
    }
    herald.clock.advance(60_000);
    await herald.drain();
  });
});

describe('the device as it is at push time', () => {
  it('skips a device unenrolled after the send as notEnrolled, and one that turned notifications off as notificationsNotPermitted, without pushing', async () => {
    const gone = await newDevice();
    const quiet = await newDevice(true);
    const goneSend = await sendToDevice(api, gone.id);
    const quietSend = await sendToDevice(api, quiet.id);
    await importDirectory(api, {
      devices: [phone(gone.id, `u-${gone.id}`, { managementState: 'unenrolled', push: { service: 'apns', token: gone.token } })],
    });
    const device = await deviceClient(herald, api, quiet.id);
    expectStatus(await device('POST', '/v1/device/checkin', { notificationsPermitted: false }), 200);
    await herald.drain();
    expect(await onlyDelivery(api, goneSend)).toMatchObject({ status: 'skipped', reason: 'notEnrolled', attempts: 0 });
    expect(await onlyDelivery(api, quietSend)).toMatchObject({ status: 'skipped', reason: 'notificationsNotPermitted', attempts: 0 });
    expect(apnsFor(gone.token)).toEqual([]);
    expect(fcmFor(quiet.token)).toEqual([]);
  });

  it('pushes to the token the device reported last, not the one it had at send time', async () => {
    const { id, token } = await newDevice();
    const notificationId = await sendToDevice(api, id);
    const device = await deviceClient(herald, api, id);
    const moved = apnsToken(700_000 + serial);
    expectStatus(await device('POST', '/v1/device/checkin', { push: { service: 'apns', token: moved } }), 200);
    await herald.drain();
    expect(apnsFor(token)).toEqual([]);
    expect(apnsFor(moved)).toHaveLength(1);
    expect(await onlyDelivery(api, notificationId)).toMatchObject({ status: 'sent' });
  });
});

describe('waking', () => {
  it('a device send reaches APNs at once: the send wakes the worker, which would otherwise poll only every minute', async () => {
    const { id, token } = await newDevice();
    herald.live({ pollMs: 60_000 });
    const before = herald.apns.count;
    await sendToDevice(api, id);
    await herald.apns.waitFor(before + 1);
    expect(apnsFor(token)).toHaveLength(1);
  });
});
