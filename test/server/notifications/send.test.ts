import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWith, customRole } from '../../helpers/rbac';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
let api: Api;
const text = { title: 'Building closed', body: 'The Leeds office is closed today.' };

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('u1'), user('u2'), user('u3')],
    devices: [
      phone('d1', 'u1'),
      phone('d2', 'u2', { platform: 'android', push: { service: 'fcm', token: 'fcm-token-d2' } }),
      phone('mac', 'u3', { platform: 'macos' }),
      phone('gone', 'u3', { managementState: 'unenrolled' }),
      phone('quiet', 'u3', { notificationsPermitted: false }),
      phone('tokenless', 'u3', { push: null }),
    ],
    groups: [
      group('all', [{ type: 'group', id: 'staff' }]),
      group('staff', [
        { type: 'user', id: 'u1' },
        { type: 'user', id: 'u2' },
        { type: 'user', id: 'u3' },
        { type: 'group', id: 'all' },
      ]),
      group('devicesOnly', [{ type: 'device', id: 'd1' }]),
      ...Array.from({ length: 26 }, (_, i) => group(`g${i}`)),
    ],
  });
});
afterAll(() => herald.close());

describe('POST /v1/notifications to groups', () => {
  it('answers 202 with the snapshot audience: nested users, their devices, each skip reason', async () => {
    const res = await api('POST', '/v1/notifications', { ...text, groupIds: ['all'] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'queued',
      target: { type: 'groups', groupIds: ['all'] },
      audience: { users: 3, devices: 2, skipped: { unsupportedPlatform: 1, notEnrolled: 1, notificationsNotPermitted: 1, noPushToken: 1 } },
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores devices that are direct members of a group', async () => {
    const res = await api('POST', '/v1/notifications/preview', { groupIds: ['devicesOnly'] });
    expect(res.status).toBe(200);
    expect(res.body.audience).toEqual({ users: 0, devices: 0, skipped: {} });
  });

  it('accepts 25 distinct groups, counting duplicates once, and refuses 26 with a 400', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `g${i}`);
    const ok = await api('POST', '/v1/notifications', { ...text, groupIds: [...ids, 'g0', 'g1'] });
    expect(ok.status).toBe(202);
    expect(ok.body.target.groupIds).toEqual(ids);
    const tooMany = await api('POST', '/v1/notifications', { ...text, groupIds: [...ids, 'g25'] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'invalidRequest', message: expect.stringContaining('more than 25') });
  });

  it('refuses a group that does not exist, naming it', async () => {
    const res = await api('POST', '/v1/notifications', { ...text, groupIds: ['all', 'nope'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("'nope'");
  });
});

describe('message limits through HTTP', () => {
  const send = (title: string, body: string) => api('POST', '/v1/notifications', { title, body, deviceId: 'd1' });

  it('accepts a 50-emoji title and refuses 51, naming field, length and limit', async () => {
    expect((await send('😀'.repeat(50), 'ok')).status).toBe(202);
    const res = await send('😀'.repeat(51), 'ok');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('title: title is 51 characters; the limit is 50.');
    expect(res.body.error.details[0].path).toBe('title');
  });

  it('accepts a 500-character body of combining sequences and refuses 501', async () => {
    expect((await send('ok', 'a\u0301'.repeat(500))).status).toBe(202);
    const res = await send('ok', 'a\u0301'.repeat(501));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('body: body is 501 characters; the limit is 500.');
  });

  it('refuses an empty title and control characters in the body', async () => {
    expect((await send('   ', 'x')).body.error.message).toContain('title is empty');
    expect((await send('x', 'null\u0000byte')).body.error.message).toContain('control character');
  });

  it('answers malformed JSON with 400 and a non-JSON body with 415', async () => {
    const bad = await api('POST', '/v1/notifications', '{"title":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalidRequest');
    const form = await api('POST', '/v1/notifications', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });
});

describe('POST /v1/notifications to a device', () => {
  it('queues one delivery to an enrolled phone', async () => {
    const res = await api('POST', '/v1/notifications', { ...text, deviceId: 'd2' });
    expect(res.status).toBe(202);
    expect(res.body.audience).toEqual({ users: 1, devices: 1, skipped: {} });
  });

  it('refuses macOS with unsupportedPlatform, an unenrolled device with notEnrolled, an unknown one with 404', async () => {
    const mac = await api('POST', '/v1/notifications', { ...text, deviceId: 'mac' });
    expect([mac.status, mac.body.error.code]).toEqual([400, 'unsupportedPlatform']);
    const gone = await api('POST', '/v1/notifications', { ...text, deviceId: 'gone' });
    expect([gone.status, gone.body.error.code]).toEqual([400, 'notEnrolled']);
    const unknown = await api('POST', '/v1/notifications', { ...text, deviceId: 'nobody' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'notFound']);
  });

  it('accepts a device that cannot be pushed, recording it as skipped', async () => {
    const res = await api('POST', '/v1/notifications', { ...text, deviceId: 'tokenless' });
    expect(res.status).toBe(202);
    expect(res.body.audience).toEqual({ users: 1, devices: 0, skipped: { noPushToken: 1 } });
  });
});

describe('permissions', () => {
  it('lets a Help Desk Operator send to a device but not to groups, naming the permission', async () => {
    const helpDesk = (await accountWith(herald, [{ roleId: 'helpDeskOperator' }])).api;
    expect((await helpDesk('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    const groups = await helpDesk('POST', '/v1/notifications', { ...text, groupIds: ['all'] });
    expect(groups.status).toBe(403);
    expect(groups.body.error.message).toContain('Organization.Update');
  });

  it('refuses a Read Only Operator both kinds of send', async () => {
    const reader = (await accountWith(herald, [{ roleId: 'readOnlyOperator' }])).api;
    const device = await reader('POST', '/v1/notifications', { ...text, deviceId: 'd1' });
    expect(device.status).toBe(403);
    expect(device.body.error.message).toContain('RemoteTasks.SendCustomNotifications');
  });

  it('limits a scoped sender to groups nested in its scope and to devices of users in it', async () => {
    const scoped = (
      await accountWith(herald, [
        {
          roleId: await customRole(herald, ['Organization.Update', 'RemoteTasks.SendCustomNotifications']),
          scope: { type: 'groups', groupIds: ['all'] },
        },
      ])
    ).api;
    expect((await scoped('POST', '/v1/notifications/preview', { groupIds: ['staff'] })).status).toBe(200);
    const outside = await scoped('POST', '/v1/notifications', { ...text, groupIds: ['g3'] });
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toContain("'g3'");
    expect((await scoped('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(202);
    const narrow = (
      await accountWith(herald, [
        { roleId: await customRole(herald, ['RemoteTasks.SendCustomNotifications']), scope: { type: 'groups', groupIds: ['g4'] } },
      ])
    ).api;
    expect((await narrow('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(403);
  });

  it("never shows one tenant another tenant's groups or devices", async () => {
    const other = await herald.newTenant('Fabrikam');
    const group = await other.api('POST', '/v1/notifications', { ...text, groupIds: ['all'] });
    expect(group.status).toBe(400);
    const device = await other.api('POST', '/v1/notifications', { ...text, deviceId: 'd1' });
    expect(device.status).toBe(404);
  });

  it('answers a missing token with 401', async () => {
    expect((await herald.api()('POST', '/v1/notifications', { ...text, deviceId: 'd1' })).status).toBe(401);
  });
});

describe('audit', () => {
  it('records accepted and refused sends with target and outcome, never the text', async () => {
    const secret = 'Unique secret text 7f3a';
    await api('POST', '/v1/notifications', { title: secret, body: secret, deviceId: 'd1' });
    await api('POST', '/v1/notifications', { title: secret, body: secret, deviceId: 'mac' });
    const log = await api('GET', '/v1/audit?action=notification.send');
    expect(log.status).toBe(200);
    const entries = log.body.items.filter((e: { action: string }) => e.action === 'notification.send');
    expect(entries.some((e: any) => e.outcome === 'success' && e.target === 'device:d1')).toBe(true);
    expect(entries.some((e: any) => e.outcome === 'rejected' && e.target === 'device:mac')).toBe(true);
    expect(JSON.stringify(log.body)).not.toContain(secret);
  });
});
