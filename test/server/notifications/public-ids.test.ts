import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryUuid } from '../../../server/dispatch/delivery-id';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { deviceClient, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

// Delivery rows are numbered by one sequence across every tenant: what a tenant sees of its deliveries (cursors,
// push ids) must carry none of it, or it could count what other tenants send.

let herald: DispatchHerald;
let api: Api;
let other: Api;
let groupSend: string;
let deviceSend: string;

/** What a cursor holds, read as anyone could read it. */
const opened = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString());

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
  other = (await herald.newTenant('Fabrikam')).api;
  await importDirectory(api, {
    users: [user('u1'), user('u2')],
    devices: [phone('a1', 'u1', { push: { service: 'apns', token: apnsToken(501) } }), phone('a2', 'u2')],
    groups: [
      group('both', [
        { type: 'user', id: 'u1' },
        { type: 'user', id: 'u2' },
      ]),
    ],
  });
  await importDirectory(other, { users: [user('v1')], devices: [phone('b1', 'v1')] });
  groupSend = expectStatus(await api('POST', '/v1/notifications', { title: 'All hands', body: 'At noon.', groupIds: ['both'] }), 202).id;
  for (let i = 0; i < 3; i++) await sendToDevice(other, 'b1');
  deviceSend = await sendToDevice(api, 'a1');
});
afterAll(() => herald.close());

describe("ids a tenant sees say nothing of other tenants' activity", () => {
  it("a notification's deliveries page on the device id the page shows, not on a delivery row id", async () => {
    const page1 = expectStatus(await api('GET', `/v1/notifications/${groupSend}/deliveries?limit=1`), 200);
    expect(page1.items.map((d: { deviceId: string }) => d.deviceId)).toEqual(['a1']);
    expect(opened(page1.nextCursor)).toEqual(['a1']);
    const page2 = expectStatus(await api('GET', `/v1/notifications/${groupSend}/deliveries?limit=1&cursor=${page1.nextCursor}`), 200);
    expect(page2.items.map((d: { deviceId: string }) => d.deviceId)).toEqual(['a2']);
    expect(page2.nextCursor).toBeNull();
    const sent = expectStatus(
      await api('GET', `/v1/notifications/${groupSend}/deliveries?status=queued&limit=1&cursor=${page1.nextCursor}`),
      200,
    );
    expect(sent.items.map((d: { deviceId: string }) => d.deviceId)).toEqual(['a2']);
  });

  it("a device's inbox pages on the notification id the page shows, not on a delivery row id", async () => {
    const device = await deviceClient(herald, api, 'a1');
    const page1 = expectStatus(await device('GET', '/v1/device/notifications?limit=1'), 200);
    expect(page1.items.map((i: { id: string }) => i.id)).toEqual([deviceSend]);
    expect(opened(page1.nextCursor)).toEqual([deviceSend]);
    const page2 = expectStatus(await device('GET', `/v1/device/notifications?limit=1&cursor=${page1.nextCursor}`), 200);
    expect(page2.items.map((i: { id: string }) => i.id)).toEqual([groupSend]);
    expect(page2.nextCursor).toBeNull();
  });

  it("a push's delivery id is made of the notification and device ids alone", async () => {
    await herald.drain();
    const pushes = herald.apns.received.filter((r) => r.token === apnsToken(501));
    expect(pushes.map((p) => [p.headers['apns-id'], (p.payload as { herald: { deliveryId: string } }).herald.deliveryId]).sort()).toEqual(
      [groupSend, deviceSend].map((n) => [deliveryUuid(n, 'a1'), deliveryUuid(n, 'a1')]).sort(),
    );
  });
});
