import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole } from '../../helpers/rbac';

let herald: TestHerald;
let api: Api;
let notificationId: string;
const text = { title: 'Access', body: 'Who may read this?' };

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
  await importDirectory(api, {
    users: [user('inside'), user('outside')],
    devices: [phone('in-phone', 'inside'), phone('out-phone', 'outside')],
    groups: [group('scope', [{ type: 'user', id: 'inside' }])],
  });
  notificationId = (await api('POST', '/v1/notifications', { ...text, deviceId: 'in-phone' })).body.id;
});
afterAll(() => herald.close());

const historyReads = () => ['/v1/notifications', `/v1/notifications/${notificationId}`, `/v1/notifications/${notificationId}/deliveries`];

describe('reading history, quotas and settings', () => {
  it('lets a Read Only Operator read them, but not change settings', async () => {
    const reader = (await accountWith(herald, [{ roleId: 'readOnlyOperator' }])).api;
    for (const path of [...historyReads(), '/v1/quotas?deviceId=in-phone', '/v1/tenant/settings'])
      expect((await reader('GET', path)).status, path).toBe(200);
    const patch = await reader('PATCH', '/v1/tenant/settings', { groupSendsPerHour: 5 });
    expect(patch.status).toBe(403);
    expect(patch.body.error.message).toContain('Organization.Update');
  });

  it('refuses them without Organization.Read, naming it', async () => {
    const sender = (await accountWith(herald, [{ roleId: await customRole(herald, ['RemoteTasks.SendCustomNotifications']) }])).api;
    for (const path of [...historyReads(), '/v1/quotas', '/v1/tenant/settings']) {
      const res = await sender('GET', path);
      expect(res.status, path).toBe(403);
      expect(res.body.error.message, path).toContain('Organization.Read');
    }
  });

  it('keeps the whole-tenant history from a reader scoped to groups, and devices outside the scope from its quota view', async () => {
    const scoped = (await accountWith(herald, [{ roleId: 'readOnlyOperator', scope: { type: 'groups', groupIds: ['scope'] } }])).api;
    for (const path of historyReads()) {
      const res = await scoped('GET', path);
      expect(res.status, path).toBe(403);
      expect(res.body.error.message, path).toContain('whole tenant');
    }
    expect((await scoped('GET', '/v1/quotas?deviceId=in-phone')).body.device).toMatchObject({ used: 1 });
    expect((await scoped('GET', '/v1/quotas?deviceId=out-phone')).status).toBe(404);
  });

  it("answers another tenant's device in the quota view with 404", async () => {
    const other = await herald.newTenant('Elsewhere');
    expect((await other.api('GET', '/v1/quotas?deviceId=in-phone')).status).toBe(404);
  });
});

describe('audit of refused sends', () => {
  it('records a 403 and a 429 refusal with target and outcome, never the text', async () => {
    const secret = 'Refusal-Marker-9c1d';
    const reader = (await accountWith(herald, [{ roleId: 'readOnlyOperator' }])).api;
    expect((await reader('POST', '/v1/notifications', { title: secret, body: secret, groupIds: ['scope'] })).status).toBe(403);
    await api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 1 });
    expect((await api('POST', '/v1/notifications', { title: secret, body: secret, deviceId: 'in-phone' })).status).toBe(429);
    const log = (await api('GET', '/v1/audit?action=notification.send')).body.items as {
      outcome: string;
      target: string;
      details: { status?: number };
    }[];
    expect(log.some((e) => e.outcome === 'denied' && e.target === 'groups:scope' && e.details.status === 403)).toBe(true);
    expect(log.some((e) => e.outcome === 'rejected' && e.target === 'device:in-phone' && e.details.status === 429)).toBe(true);
    expect(JSON.stringify(log)).not.toContain(secret);
  });
});
