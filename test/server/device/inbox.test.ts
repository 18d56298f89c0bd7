import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseExpiredText } from '../../../server/notifications/retention';
import { deviceClient, onlyDelivery, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import type { Api } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('u1'), user('u2'), user('u3')],
    devices: [
      phone('inbox', 'u1'),
      phone('receipts', 'u1'),
      phone('early', 'u1', { push: { service: 'apns', token: apnsToken(42) } }),
      phone('other', 'u2'),
      phone('back', 'u3', { managementState: 'unenrolled' }),
    ],
    groups: [
      group('others', [
        { type: 'user', id: 'u2' },
        { type: 'user', id: 'u3' },
      ]),
    ],
  });
});
afterAll(() => herald.close());

const receipt = (device: Api, id: string, state: string) => device('POST', `/v1/device/notifications/${id}/receipt`, { state });

describe('GET /v1/device/notifications', () => {
  it("lists the device's messages newest first with id, title, body, sentAt and state, not-yet-pushed ones included", async () => {
    const device = await deviceClient(herald, api, 'inbox');
    const first = await sendToDevice(api, 'inbox', { title: 'First', body: 'One' });
    herald.clock.advance(1_000);
    await herald.drain();
    const second = await sendToDevice(api, 'inbox', { title: 'Second', body: 'Two' });
    const res = await device('GET', '/v1/device/notifications');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: second,
        title: 'Second',
        body: 'Two',
        language: null,
        sentAt: expect.any(String),
        state: 'queued',
        urgency: 'normal',
        requireAcknowledgement: false,
      },
      {
        id: first,
        title: 'First',
        body: 'One',
        language: null,
        sentAt: expect.any(String),
        state: 'sent',
        urgency: 'normal',
        requireAcknowledgement: false,
      },
    ]);
    expect(Date.parse(res.body.items[0].sentAt)).toBeGreaterThan(Date.parse(res.body.items[1].sentAt));
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages with a cursor', async () => {
    const device = await deviceClient(herald, api, 'inbox');
    const page1 = expectStatus(await device('GET', '/v1/device/notifications?limit=1'), 200);
    expect(page1.items).toHaveLength(1);
    const page2 = expectStatus(await device('GET', `/v1/device/notifications?limit=1&cursor=${page1.nextCursor}`), 200);
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0].id).not.toBe(page1.items[0].id);
    expect((await device('GET', '/v1/device/notifications?cursor=garbage')).status).toBe(400);
  });

  it('holds group sends too, and not one sent while the device was not enrolled, even once it is enrolled again', async () => {
    const other = await deviceClient(herald, api, 'other');
    const back = await deviceClient(herald, api, 'back');
    const id = expectStatus(await api('POST', '/v1/notifications', { title: 'All hands', body: 'At noon.', groupIds: ['others'] }), 202).id;
    expect(expectStatus(await other('GET', '/v1/device/notifications'), 200).items.map((i: { id: string }) => i.id)).toContain(id);
    await importDirectory(api, { devices: [phone('back', 'u3')] });
    expect(expectStatus(await back('GET', '/v1/device/notifications'), 200).items).toEqual([]);
  });

  it("shows another tenant's device with the same id only its own messages", async () => {
    const fabrikam = await herald.newTenant('Fabrikam');
    await importDirectory(fabrikam.api, { users: [user('u1')], devices: [phone('inbox', 'u1')] });
    const theirs = await deviceClient(herald, fabrikam.api, 'inbox');
    const theirSend = await sendToDevice(fabrikam.api, 'inbox', { title: 'Fabrikam only', body: 'Hi' });
    const ours = await deviceClient(herald, api, 'inbox');
    const theirInbox = expectStatus(await theirs('GET', '/v1/device/notifications'), 200);
    expect(theirInbox.items.map((i: { id: string }) => i.id)).toEqual([theirSend]);
    const ourInbox = expectStatus(await ours('GET', '/v1/device/notifications'), 200);
    expect(ourInbox.items.map((i: { id: string }) => i.id)).not.toContain(theirSend);
    expect((await receipt(ours, theirSend, 'opened')).status).toBe(404);
  });
});

describe('POST /v1/device/notifications/{id}/receipt', () => {
  it('moves the delivery sent -> delivered -> opened, and the notification counts follow', async () => {
    const device = await deviceClient(herald, api, 'receipts');
    const id = await sendToDevice(api, 'receipts');
    await herald.drain();
    const counts = async () => expectStatus(await api('GET', `/v1/notifications/${id}`), 200).counts;
    expect(await counts()).toMatchObject({ sent: 1, delivered: 0, opened: 0 });

    const delivered = await receipt(device, id, 'delivered');
    expect(delivered.status).toBe(200);
    expect(delivered.body).toEqual({ id, state: 'delivered' });
    expect(await counts()).toMatchObject({ sent: 0, delivered: 1, opened: 0 });

    expect((await receipt(device, id, 'opened')).body).toEqual({ id, state: 'opened' });
    expect(await counts()).toMatchObject({ sent: 0, delivered: 0, opened: 1 });
    expect(await onlyDelivery(api, id)).toMatchObject({ status: 'opened', provider: 'apns' });
  });

  it('never moves backward, and repeated receipts are harmless', async () => {
    const device = await deviceClient(herald, api, 'receipts');
    const id = await sendToDevice(api, 'receipts');
    await herald.drain();
    expect((await receipt(device, id, 'opened')).body.state).toBe('opened');
    const late = await receipt(device, id, 'delivered');
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ id, state: 'opened' });
    expect((await receipt(device, id, 'opened')).body.state).toBe('opened');
    expect(await onlyDelivery(api, id)).toMatchObject({ status: 'opened' });
  });

  it('a receipt that arrives before the push goes out stands, and the delivery is not pushed after all', async () => {
    const device = await deviceClient(herald, api, 'early');
    const id = await sendToDevice(api, 'early');
    expect((await receipt(device, id, 'delivered')).body.state).toBe('delivered');
    await herald.drain();
    expect(herald.apns.received.filter((r) => r.token === apnsToken(42))).toEqual([]);
    expect(await onlyDelivery(api, id)).toMatchObject({ status: 'delivered' });
  });

  it('is a 404 for a message not in its inbox and a 400 for a state that is not a receipt', async () => {
    const device = await deviceClient(herald, api, 'receipts');
    const others = await sendToDevice(api, 'other');
    expect((await receipt(device, others, 'delivered')).status).toBe(404);
    expect((await receipt(device, 'no-such-notification', 'delivered')).status).toBe(404);
    const mine = await sendToDevice(api, 'receipts');
    const bad = await receipt(device, mine, 'sent');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^state/);
  });
});

describe('retention', () => {
  it("shows a message's text as null once the tenant's retention erased it", async () => {
    const device = await deviceClient(herald, api, 'inbox');
    const id = await sendToDevice(api, 'inbox', { title: 'Soon gone', body: 'Read me while you can.' });
    herald.clock.advance(31 * 86_400_000);
    await eraseExpiredText(herald.database, herald.clock.now());
    const item = expectStatus(await device('GET', '/v1/device/notifications'), 200).items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ id, title: null, body: null, sentAt: expect.any(String) });
  });
});
