import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDirectory, phone, user } from '../../helpers/directory';
import { deviceClient, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;
let serial = 0;
const text = { title: 'Restart today', body: 'Restart your phone before 17:00 to finish the update.' };

async function newPhone(android = false) {
  const n = ++serial;
  const id = `ack-${n}`;
  const token = android ? `fcm-ack-${n}` : apnsToken(7000 + n);
  await importDirectory(api, {
    users: [user(`u-${id}`)],
    devices: [
      phone(id, `u-${id}`, android ? { platform: 'android', push: { service: 'fcm', token } } : { push: { service: 'apns', token } }),
    ],
  });
  return { id, token, device: await deviceClient(herald, api, id) };
}

/** An APNs push's payload, as Herald builds it. */
const payloadOf = (push: { payload: unknown }) => push.payload as { herald: { notificationId: string } };

const receipt = (device: Api, id: string, state: string) => device('POST', `/v1/device/notifications/${id}/receipt`, { state });

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
});
afterAll(() => herald.close());

describe('requireAcknowledgement', () => {
  it('is in the APNs custom keys, the FCM data and the inbox item, and absent when not asked for', async () => {
    const ios = await newPhone();
    const android = await newPhone(true);
    const asked = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: ios.id, requireAcknowledgement: true }), 202).id;
    const askedAndroid = expectStatus(
      await api('POST', '/v1/notifications', { ...text, deviceId: android.id, requireAcknowledgement: true }),
      202,
    ).id;
    const plain = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: ios.id }), 202).id;
    await herald.drain();

    const pushes = herald.apns.received.filter((r) => r.token === ios.token);
    expect(payloadOf(pushes.find((p) => payloadOf(p).herald.notificationId === asked)!).herald).toEqual({
      notificationId: asked,
      deliveryId: expect.any(String),
      requireAcknowledgement: true,
    });
    expect(payloadOf(pushes.find((p) => payloadOf(p).herald.notificationId === plain)!).herald).not.toHaveProperty(
      'requireAcknowledgement',
    );
    const [fcm] = herald.fcm.received.filter((r) => r.token === android.token);
    expect(fcm!.message.data).toEqual({ notificationId: askedAndroid, deliveryId: expect.any(String), requireAcknowledgement: 'true' });

    const { items } = expectStatus(await ios.device('GET', '/v1/device/notifications'), 200);
    expect(items.map((i: { id: string; requireAcknowledgement: boolean }) => [i.id, i.requireAcknowledgement])).toEqual([
      [plain, false],
      [asked, true],
    ]);
    expect(expectStatus(await api('GET', `/v1/notifications/${asked}`), 200).requireAcknowledgement).toBe(true);
  });
});

describe('the acknowledged receipt', () => {
  it('moves a delivery from any earlier state, counts it, lists it, and nothing moves it back', async () => {
    const phones = await Promise.all([newPhone(), newPhone(), newPhone()]);
    const ids: string[] = [];
    for (const p of phones)
      ids.push(expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: p.id, requireAcknowledgement: true }), 202).id);
    // sent ones and an opened one: each may be acknowledged (a queued one: below)
    await herald.drain();
    expectStatus(await receipt(phones[2]!.device, ids[2]!, 'opened'), 200);
    for (const [i, p] of phones.entries())
      expect(expectStatus(await receipt(p.device, ids[i]!, 'acknowledged'), 200)).toEqual({ id: ids[i], state: 'acknowledged' });

    for (const state of ['delivered', 'opened', 'acknowledged'])
      expect(expectStatus(await receipt(phones[0]!.device, ids[0]!, state), 200).state).toBe('acknowledged');
    const view = expectStatus(await api('GET', `/v1/notifications/${ids[0]}`), 200);
    expect(view.counts).toMatchObject({ sent: 0, opened: 0, acknowledged: 1 });
    const listed = expectStatus(await api('GET', `/v1/notifications/${ids[0]}/deliveries?status=acknowledged`), 200);
    expect(listed.items).toMatchObject([{ deviceId: phones[0]!.id, status: 'acknowledged' }]);
    const inbox = expectStatus(await phones[0]!.device('GET', '/v1/device/notifications'), 200);
    expect(inbox.items[0]).toMatchObject({ id: ids[0], state: 'acknowledged' });
  });

  it('acknowledges a delivery still queued, and the dispatcher then leaves it alone', async () => {
    const p = await newPhone();
    const id = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: p.id, requireAcknowledgement: true }), 202).id;
    expectStatus(await receipt(p.device, id, 'acknowledged'), 200);
    await herald.drain();
    expect(herald.apns.received.filter((r) => r.token === p.token)).toEqual([]);
    expect(expectStatus(await api('GET', `/v1/notifications/${id}`), 200).counts).toMatchObject({ queued: 0, acknowledged: 1 });
  });

  it("is refused for another device's message and for an unknown state", async () => {
    const mine = await newPhone();
    const other = await newPhone();
    const id = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: mine.id, requireAcknowledgement: true }), 202).id;
    expect((await receipt(other.device, id, 'acknowledged')).status).toBe(404);
    expect((await receipt(mine.device, id, 'read')).status).toBe(400);
  });
});
