import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { deviceClient, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import type { Database } from '../../../server/db/client';
import { eraseExpiredText } from '../../../server/notifications/retention';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { apnsToken } from '../../helpers/push';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;
let api: Api;
let serial = 0;
const text = { title: 'Restart today', body: 'Restart your phone before 17:00 to finish the update.' };

/** A group of `n` users with one iPhone each, and a device client per phone. */
async function team(n: number, by: Api = api) {
  const s = ++serial;
  const phones = Array.from({ length: n }, (_, i) => ({ id: `r${s}-p${i}`, user: `r${s}-u${i}`, token: apnsToken(s * 100 + i + 90_000) }));
  await importDirectory(by, {
    users: phones.map((p) => user(p.user)),
    devices: phones.map((p) => phone(p.id, p.user, { push: { service: 'apns', token: p.token } })),
    groups: [
      group(
        `r${s}-g`,
        phones.map((p) => ({ type: 'user' as const, id: p.user })),
      ),
    ],
  });
  const devices = await Promise.all(phones.map((p) => deviceClient(herald, by, p.id)));
  return { groupId: `r${s}-g`, phones: phones.map((p, i) => ({ ...p, device: devices[i]! })) };
}

const receipt = (device: Api, id: string, state: string) => device('POST', `/v1/device/notifications/${id}/receipt`, { state });
/** A group send asking for acknowledgement, pushed, and acknowledged by `device`; returns its id. */
async function acknowledgedByFirst(groupId: string, device: Api): Promise<string> {
  const id = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: [groupId], requireAcknowledgement: true }), 202).id;
  await herald.drain();
  expectStatus(await receipt(device, id, 'acknowledged'), 200);
  return id;
}
const remind = (id: string, as: Api = api) => as('POST', `/v1/notifications/${id}/reminders`);
/** An APNs push's payload, as Herald builds it. */
const payloadOf = (push: { payload: unknown }) => push.payload as { aps: unknown; herald: { notificationId: string } };
const pushedTo = (token: string, notificationId: string) =>
  herald.apns.received.filter((r) => r.token === token && payloadOf(r).herald.notificationId === notificationId);

beforeAll(async () => {
  herald = await startDispatchHerald();
  api = herald.admin.api;
});
afterAll(() => herald.close());

describe('POST /v1/notifications/{id}/reminders', () => {
  it('sends the same message again, as a new linked notification, only to the devices that have not acknowledged', async () => {
    const { groupId, phones } = await team(3);
    const original = expectStatus(
      await api('POST', '/v1/notifications', {
        ...text,
        groupIds: [groupId],
        urgency: 'high',
        requireAcknowledgement: true,
        translations: { 'fr-FR': { title: 'Redémarrez', body: 'Redémarrez avant 17 h.' } },
      }),
      202,
    ).id;
    await herald.drain();
    expectStatus(await receipt(phones[0]!.device, original, 'acknowledged'), 200);
    // opened is not acknowledged: still reminded
    expectStatus(await receipt(phones[1]!.device, original, 'opened'), 200);

    const res = await remind(original);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'queued',
      target: { type: 'groups', groupIds: [groupId] },
      audience: { users: 2, devices: 2, skipped: {} },
    });
    const reminder = res.body.id;
    expect(reminder).not.toBe(original);
    await herald.drain();
    expect(pushedTo(phones[0]!.token, reminder)).toEqual([]);
    for (const p of phones.slice(1)) {
      const [push] = pushedTo(p.token, reminder);
      expect(push!.headers['apns-priority']).toBe('10');
      expect(payloadOf(push!).aps).toMatchObject({ alert: text, 'interruption-level': 'time-sensitive' });
      expect(payloadOf(push!).herald).toMatchObject({ notificationId: reminder, requireAcknowledgement: true });
    }

    const view = expectStatus(await api('GET', `/v1/notifications/${reminder}`), 200);
    expect(view).toMatchObject({
      ...text,
      urgency: 'high',
      requireAcknowledgement: true,
      reminderOf: original,
      translations: { 'fr-FR': { title: 'Redémarrez', body: 'Redémarrez avant 17 h.' } },
      counts: { sent: 2 },
    });
    const { items } = expectStatus(await api('GET', '/v1/notifications?limit=2'), 200);
    expect(items.map((n: { id: string; reminderOf: string | null }) => [n.id, n.reminderOf])).toEqual([
      [reminder, original],
      [original, null],
    ]);
  });

  it('reminds those that have not opened a message that asked for no acknowledgement', async () => {
    const { phones } = await team(2);
    const original = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: [`r${serial}-g`] }), 202).id;
    await herald.drain();
    expectStatus(await receipt(phones[0]!.device, original, 'opened'), 200);
    const res = expectStatus(await remind(original), 202);
    expect(res.audience).toEqual({ users: 1, devices: 1, skipped: {} });
    const { items } = expectStatus(await api('GET', `/v1/notifications/${res.id}/deliveries`), 200);
    expect(items.map((d: { deviceId: string }) => d.deviceId)).toEqual([phones[1]!.id]);
  });

  it('judges each device as a fresh send would: one that lost its token since is skipped, one removed is left out', async () => {
    const { groupId, phones } = await team(3);
    const original = expectStatus(
      await api('POST', '/v1/notifications', { ...text, groupIds: [groupId], requireAcknowledgement: true }),
      202,
    ).id;
    await herald.drain();
    expectStatus(await phones[1]!.device('POST', '/v1/device/checkin', { push: null }), 200);
    expectStatus(await api('DELETE', `/v1/devices/${phones[2]!.id}`), 204);
    const res = expectStatus(await remind(original), 202);
    expect(res.audience).toEqual({ users: 2, devices: 1, skipped: { noPushToken: 1 } });
  });

  it('answers 409 nothingToRemind when every device acknowledged, and when none left can receive it; nothing is written', async () => {
    const { groupId, phones } = await team(2);
    const original = await acknowledgedByFirst(groupId, phones[0]!.device);
    expectStatus(await phones[1]!.device('POST', '/v1/device/checkin', { notificationsPermitted: false }), 200);
    const before = expectStatus(await api('GET', '/v1/quotas'), 200).groupSends.used;
    const silenced = await remind(original);
    expect(silenced.status).toBe(409);
    expect(silenced.body.error).toMatchObject({ code: 'nothingToRemind', message: expect.stringMatching(/none of the 1 devices/) });

    expectStatus(await receipt(phones[1]!.device, original, 'acknowledged'), 200);
    const done = await remind(original);
    expect(done.status).toBe(409);
    expect(done.body.error).toMatchObject({ code: 'nothingToRemind', message: expect.stringMatching(/every device .* has acknowledged/) });
    expect(expectStatus(await api('GET', '/v1/quotas'), 200).groupSends.used).toBe(before);
    const { items } = expectStatus(await api('GET', '/v1/notifications?limit=1'), 200);
    expect(items[0].id).toBe(original);
  });

  it('answers 409 nothingToRemind, to a scoped sender too, when the devices it reached are no longer in the directory', async () => {
    const { groupId, phones } = await team(3);
    const role = await customRole(herald, ['RemoteTasks.SendCustomNotifications', 'Organization.Update']);
    const scoped = await accountWith(herald, [{ roleId: role, scope: { type: 'groups', groupIds: [groupId] } }]);
    const single = expectStatus(await scoped.api('POST', '/v1/notifications', { ...text, deviceId: phones[0]!.id }), 202).id;
    const bulk = expectStatus(await scoped.api('POST', '/v1/notifications', { ...text, deviceIds: [phones[1]!.id] }), 202).id;
    const grouped = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: [groupId] }), 202).id;
    for (const p of phones) expectStatus(await api('DELETE', `/v1/devices/${p.id}`), 204);
    for (const [id, as] of [
      [single, scoped.api],
      [single, api],
      [bulk, scoped.api],
      [bulk, api],
      [grouped, api],
    ] as const) {
      const res = await remind(id, as);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'nothingToRemind',
        message: `Notification '${id}': no device it reached is still in the directory.`,
      });
    }
  });

  it("uses a group send's slot of the tenant's hourly quota, and 429 when it is used up", async () => {
    const tenant = await herald.newTenant('GroupReminders');
    const { groupId } = await team(1, tenant.api);
    expectStatus(await tenant.api('PATCH', '/v1/tenant/settings', { groupSendsPerHour: 2 }), 200);
    const original = expectStatus(await tenant.api('POST', '/v1/notifications', { ...text, groupIds: [groupId] }), 202).id;
    expectStatus(await remind(original, tenant.api), 202);
    expect(expectStatus(await tenant.api('GET', '/v1/quotas'), 200).groupSends.used).toBe(2);
    const refused = await remind(original, tenant.api);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('quotaExceeded');
  });

  it("uses the device's own quota for a device send", async () => {
    const tenant = await herald.newTenant('DeviceReminders');
    const { phones } = await team(2, tenant.api);
    expectStatus(await tenant.api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 2 }), 200);
    const original = expectStatus(await tenant.api('POST', '/v1/notifications', { ...text, deviceId: phones[0]!.id }), 202).id;
    expectStatus(await remind(original, tenant.api), 202);
    const quotas = expectStatus(await tenant.api('GET', `/v1/quotas?deviceId=${phones[0]!.id}`), 200);
    expect(quotas).toMatchObject({ groupSends: { used: 0 }, device: { used: 2 } });
    expect(expectStatus(await tenant.api('GET', `/v1/quotas?deviceId=${phones[1]!.id}`), 200).device.used).toBe(0);
    expect((await remind(original, tenant.api)).status).toBe(429);
  });

  it("needs the original's permission over its target, its urgency's too, and is 404 for another tenant's notification", async () => {
    const { groupId, phones } = await team(1);
    const groupSend = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: [groupId] }), 202).id;
    const deviceSend = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: phones[0]!.id }), 202).id;
    const urgent = expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId: phones[0]!.id, urgency: 'high' }), 202).id;

    const helpDesk = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    const refused = await remind(groupSend, helpDesk.api);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Organization\.Update/);
    expect((await remind(deviceSend, helpDesk.api)).status).toBe(202);
    const urgentRefused = await remind(urgent, helpDesk.api);
    expect(urgentRefused.status).toBe(403);
    expect(urgentRefused.body.error.message).toMatch(/RemoteTasks\.SendUrgentNotifications/);

    const other = await team(1);
    const scopedRole = await customRole(herald, ['RemoteTasks.SendCustomNotifications']);
    const scoped = await accountWith(herald, [{ roleId: scopedRole, scope: { type: 'groups', groupIds: [other.groupId] } }]);
    const outside = await remind(deviceSend, scoped.api);
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toMatch(/outside your scope/);

    const stranger = await herald.newTenant('Stranger');
    const notFound = await remind(groupSend, stranger.api);
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.code).toBe('notFound');
  });
});

describe('a reminder of a translated message', () => {
  it("gives each device its user's language, chosen again as a fresh send would", async () => {
    const { groupId, phones } = await team(2);
    const translations = { 'fr-FR': { title: 'Redémarrez', body: 'Redémarrez avant 17 h.' } };
    const original = expectStatus(
      await api('POST', '/v1/notifications', { ...text, groupIds: [groupId], requireAcknowledgement: true, translations }),
      202,
    ).id;
    // the second user now prefers Canadian French: the reminder gives them the fr-FR text
    await importDirectory(api, { users: [{ ...user(phones[1]!.user), preferredLanguage: 'fr-CA' }] });
    const reminder = expectStatus(await remind(original), 202).id;
    const { items } = expectStatus(await api('GET', `/v1/notifications/${reminder}/deliveries`), 200);
    expect(items.map((d: { deviceId: string; language: string | null }) => [d.deviceId, d.language])).toEqual([
      [phones[0]!.id, null],
      [phones[1]!.id, 'fr-FR'],
    ]);
  });
});

/** The devices a notification's snapshot holds, in order. */
const deliveredTo = async (id: string) =>
  expectStatus(await api('GET', `/v1/notifications/${id}/deliveries`), 200).items.map((d: { deviceId: string }) => d.deviceId);

describe('a scoped sender reminds only the devices still in scope', () => {
  it('leaves out a device of a group send whose user has left the scope group since', async () => {
    const { groupId, phones } = await team(2);
    const role = await customRole(herald, ['Organization.Update', 'Organization.Read']);
    const scoped = await accountWith(herald, [{ roleId: role, scope: { type: 'groups', groupIds: [groupId] } }]);
    const original = expectStatus(await scoped.api('POST', '/v1/notifications', { ...text, groupIds: [groupId] }), 202).id;
    expect(await deliveredTo(original)).toEqual([phones[0]!.id, phones[1]!.id]);
    // the mover's user now belongs only to another group, outside the sender's scope
    await importDirectory(api, {
      groups: [group(groupId, [{ type: 'user', id: phones[0]!.user }]), group(`${groupId}-other`, [{ type: 'user', id: phones[1]!.user }])],
    });
    const res = expectStatus(await remind(original, scoped.api), 202);
    expect(res.audience).toEqual({ users: 1, devices: 1, skipped: {} });
    expect(await deliveredTo(res.id)).toEqual([phones[0]!.id]);
    // an admin over everything still reaches both
    expect(await deliveredTo(expectStatus(await remind(original), 202).id)).toEqual([phones[0]!.id, phones[1]!.id]);
  });

  it('reminds a bulk send whose devices were removed or left scope, and is 403 only when none is left in scope', async () => {
    const { groupId, phones } = await team(3);
    const role = await customRole(herald, ['RemoteTasks.SendCustomNotifications']);
    const scoped = await accountWith(herald, [{ roleId: role, scope: { type: 'groups', groupIds: [groupId] } }]);
    const original = expectStatus(await scoped.api('POST', '/v1/notifications', { ...text, deviceIds: phones.map((p) => p.id) }), 202).id;
    expectStatus(await api('DELETE', `/v1/devices/${phones[2]!.id}`), 204);
    await importDirectory(api, {
      groups: [group(groupId, [{ type: 'user', id: phones[0]!.user }]), group(`${groupId}-other`, [{ type: 'user', id: phones[1]!.user }])],
    });
    const res = expectStatus(await remind(original, scoped.api), 202);
    expect(res.target).toEqual({ type: 'devices', deviceIds: phones.map((p) => p.id) });
    expect(await deliveredTo(res.id)).toEqual([phones[0]!.id]);

    await importDirectory(api, { groups: [group(groupId, [])] });
    const refused = await remind(original, scoped.api);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(new RegExp(`device '${phones[0]!.id}' \\(it is outside your scope`));
  });
});

describe('answering a reminder answers the original', () => {
  it('a device that acknowledged a reminder is not reminded again, and a reminder of a reminder links to the original', async () => {
    const { groupId, phones } = await team(3);
    const original = await acknowledgedByFirst(groupId, phones[0]!.device);
    const first = expectStatus(await remind(original), 202).id;
    await herald.drain();
    expectStatus(await receipt(phones[1]!.device, first, 'acknowledged'), 200);

    const again = expectStatus(await remind(original), 202);
    expect(await deliveredTo(again.id)).toEqual([phones[2]!.id]);
    const ofReminder = expectStatus(await remind(first), 202);
    expect(await deliveredTo(ofReminder.id)).toEqual([phones[2]!.id]);
    expect(expectStatus(await api('GET', `/v1/notifications/${ofReminder.id}`), 200).reminderOf).toBe(original);
  });

  it('an opened reminder of a message that asked for no acknowledgement counts as opened', async () => {
    const { groupId, phones } = await team(2);
    const original = expectStatus(await api('POST', '/v1/notifications', { ...text, groupIds: [groupId] }), 202).id;
    const first = expectStatus(await remind(original), 202).id;
    await herald.drain();
    expectStatus(await receipt(phones[0]!.device, first, 'opened'), 200);
    expect(await deliveredTo(expectStatus(await remind(original), 202).id)).toEqual([phones[1]!.id]);
  });
});

describe('a reminder whose text retention erases while it is being sent', () => {
  let erasing: TestHerald;
  /** Set by the test: runs before the next write transaction is queued, then is cleared. */
  let beforeWrite: ((database: Database) => Promise<void>) | undefined;
  beforeAll(async () => {
    erasing = await startTestHerald({
      deps: (base) => ({
        database: {
          ...base.database,
          write: async (fn) => {
            const hook = beforeWrite;
            beforeWrite = undefined;
            await hook?.(base.database);
            return base.database.write(fn);
          },
        },
      }),
    });
  });
  afterAll(() => erasing.close());

  it('is 409 textErased, checked in the write, and writes nothing', async () => {
    const admin = erasing.admin.api;
    await importDirectory(admin, { users: [user('e-u')], devices: [phone('e-p', 'e-u')] });
    expectStatus(await admin('PATCH', '/v1/tenant/settings', { retainMessageTextDays: 1 }), 200);
    const original = expectStatus(await admin('POST', '/v1/notifications', { ...text, deviceId: 'e-p' }), 202).id;
    // the original's text is read with the text still there; retention erases it just before the reminder's write
    let erased = 0;
    beforeWrite = async (database) => {
      erased = await eraseExpiredText(database, erasing.clock.now() + 2 * 86_400_000);
    };
    const res = await remind(original, admin);
    expect(erased).toBe(1);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('textErased');
    const { items } = expectStatus(await admin('GET', '/v1/notifications?limit=1'), 200);
    expect(items[0].id).toBe(original);
  });
});
