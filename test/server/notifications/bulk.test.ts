import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWith } from '../../helpers/rbac';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
const text = { title: 'Restart', body: 'Restart your phone to finish the update.' };
const ids = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A tenant of its own (quotas are per tenant and device) with `phones` enrolled iPhones p0..pN of user u1. */
async function tenantWith(name: string, phones: number) {
  const tenant = await herald.newTenant(name);
  await importDirectory(tenant.api, {
    users: [user('u1'), user('inside'), user('outside')],
    devices: [
      ...ids(phones).map((id) => phone(id, 'u1')),
      phone('ok1', 'inside'),
      phone('ok2', 'inside'),
      phone('full', 'inside'),
      phone('gone', 'inside', { managementState: 'unenrolled' }),
      phone('mac', 'inside', { platform: 'macos' }),
      phone('out', 'outside'),
    ],
    groups: [group('scope', [{ type: 'user', id: 'inside' }])],
  });
  return tenant;
}

const used = async (api: Api, deviceId: string) => (await api('GET', `/v1/quotas?deviceId=${deviceId}`)).body.device.used;

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

describe('bulk device sends', () => {
  it('sends to 100 devices in one notification; 101 distinct ids is 400; duplicates count once', async () => {
    const { api } = await tenantWith('Hundred', 101);
    const sent = await api('POST', '/v1/notifications', { ...text, deviceIds: [...ids(100), 'p0', 'p99'] });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'queued', target: { type: 'devices', deviceIds: ids(100) }, refused: [] });
    expect(sent.body.audience).toEqual({ users: 1, devices: 100, skipped: {} });
    const history = (await api('GET', '/v1/notifications')).body.items;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: sent.body.id, target: { type: 'devices', deviceIds: ids(100) }, counts: { queued: 100 } });
    expect((await api('GET', `/v1/notifications/${sent.body.id}`)).body.target.deviceIds).toHaveLength(100);
    expect(await used(api, 'p0')).toBe(1);
    expect(await used(api, 'p100')).toBe(0);
    const tooMany = await api('POST', '/v1/notifications', { ...text, deviceIds: ids(101) });
    expect([tooMany.status, tooMany.body.error.message]).toEqual([400, 'deviceIds: names more than 100 distinct devices.']);
    const preview = await api('POST', '/v1/notifications/preview', { deviceIds: ids(101) });
    expect(preview.status).toBe(400);
    for (const body of [
      { ...text, deviceIds: [] },
      { ...text, deviceIds: ['p0'], deviceId: 'p1' },
      { ...text, deviceIds: ['p0'], groupIds: ['scope'] },
    ])
      expect((await api('POST', '/v1/notifications', body)).status).toBe(400);
    expect((await api('GET', '/v1/notifications')).body.items).toHaveLength(1);
  });

  it('sends to the devices that pass and lists each refused one with the code a single send would give', async () => {
    const { api } = await tenantWith('Mixed', 0);
    for (let i = 0; i < 10; i++) expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'full' })).status).toBe(202);
    const operator = (await accountWith(herald, [{ roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['scope'] } }], api)).api;
    const res = await operator('POST', '/v1/notifications', {
      ...text,
      deviceIds: ['missing', 'ok1', 'out', 'gone', 'mac', 'full', 'ok2'],
    });
    expect(res.status).toBe(202);
    expect(res.body.target).toEqual({ type: 'devices', deviceIds: ['ok1', 'ok2'] });
    expect(res.body.audience).toEqual({ users: 1, devices: 2, skipped: {} });
    expect(res.body.refused.map((r: { deviceId: string; code: string }) => [r.deviceId, r.code])).toEqual([
      ['missing', 'notFound'],
      ['out', 'forbidden'],
      ['gone', 'notEnrolled'],
      ['mac', 'unsupportedPlatform'],
      ['full', 'quotaExceeded'],
    ]);
    expect(res.body.refused[1].message).toContain('RemoteTasks.SendCustomNotifications');
    expect(res.body.refused[4].message).toMatch(/device send \(to device 'full'\) quota of 10 per hour/);
    // the refused devices used no quota slot, the sent ones one each
    expect(await used(api, 'ok1')).toBe(1);
    for (const id of ['out', 'gone', 'mac']) expect(await used(api, id)).toBe(0);
    expect(await used(api, 'full')).toBe(10);
    const deliveries = (await api('GET', `/v1/notifications/${res.body.id}/deliveries`)).body.items;
    expect(deliveries.map((d: { deviceId: string }) => d.deviceId)).toEqual(['ok1', 'ok2']);
    const audit = (await api('GET', '/v1/audit?limit=1')).body.items[0];
    expect(audit).toMatchObject({ action: 'notification.send', target: 'devices:ok1,ok2', outcome: 'success' });
    expect(audit.details.refused).toHaveLength(5);
  });

  it('makes no notification when no device passes: the error of the first, its details listing every device', async () => {
    const { api } = await tenantWith('AllRefused', 0);
    const res = await api('POST', '/v1/notifications', { ...text, deviceIds: ['missing', 'mac', 'gone'] });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'notFound',
      message: "Device 'missing' was not found.",
      details: [
        { deviceId: 'missing', code: 'notFound', message: "Device 'missing' was not found." },
        { deviceId: 'mac', code: 'unsupportedPlatform', message: expect.stringContaining('macos') },
        { deviceId: 'gone', code: 'notEnrolled', message: "Device 'gone' is not enrolled." },
      ],
    });
    for (let i = 0; i < 10; i++) await api('POST', '/v1/notifications', { ...text, deviceId: 'full' });
    const full = await api('POST', '/v1/notifications', { ...text, deviceIds: ['full', 'mac'] });
    expect([full.status, full.body.error.code, full.body.error.details.length]).toEqual([429, 'quotaExceeded', 2]);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect((await api('GET', '/v1/notifications?limit=200')).body.items).toHaveLength(10);
    expect(await used(api, 'full')).toBe(10);
  });

  it('uses each device quota exactly under 40 concurrent bulk sends overlapping on devices', async () => {
    const { api } = await tenantWith('Concurrent', 20);
    // send i goes to p(i)..p(i+9) mod 20: each device is named by 20 sends and has 10 slots
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api('POST', '/v1/notifications', { ...text, deviceIds: Array.from({ length: 10 }, (_, k) => `p${(i + k) % 20}`) }),
      ),
    );
    const sentTo = new Map<string, number>();
    const refusedFor = new Map<string, number>();
    for (const r of results) {
      if (r.status !== 202) {
        expect([r.status, r.body.error.code]).toEqual([429, 'quotaExceeded']);
        for (const d of r.body.error.details) refusedFor.set(d.deviceId, (refusedFor.get(d.deviceId) ?? 0) + 1);
        continue;
      }
      for (const id of r.body.target.deviceIds) sentTo.set(id, (sentTo.get(id) ?? 0) + 1);
      for (const d of r.body.refused) {
        expect(d.code).toBe('quotaExceeded');
        refusedFor.set(d.deviceId, (refusedFor.get(d.deviceId) ?? 0) + 1);
      }
    }
    for (const id of ids(20)) {
      expect([id, sentTo.get(id)]).toEqual([id, 10]);
      expect([id, refusedFor.get(id)]).toEqual([id, 10]);
      expect(await used(api, id)).toBe(10);
    }
    const items = (await api('GET', '/v1/notifications?limit=200')).body.items;
    const delivered = items.reduce((n: number, i: { audience: { devices: number } }) => n + i.audience.devices, 0);
    expect(delivered).toBe(200);
  });

  it("counts a device's share of bulk sends in its single device send quota", async () => {
    const { api } = await tenantWith('Shared', 2);
    for (let i = 0; i < 9; i++) expect((await api('POST', '/v1/notifications', { ...text, deviceIds: ['p0', 'p1'] })).status).toBe(202);
    expect((await api('POST', '/v1/notifications', { ...text, deviceId: 'p0' })).status).toBe(202);
    const refused = await api('POST', '/v1/notifications', { ...text, deviceId: 'p0' });
    expect([refused.status, refused.body.error.code]).toEqual([429, 'quotaExceeded']);
    expect(await used(api, 'p0')).toBe(10);
    // the single send counts in the bulk send's judgement too
    const bulk = await api('POST', '/v1/notifications', { ...text, deviceIds: ['p0', 'p1'] });
    expect(bulk.body.target.deviceIds).toEqual(['p1']);
    expect(bulk.body.refused).toEqual([{ deviceId: 'p0', code: 'quotaExceeded', message: expect.any(String) }]);
    // an hour later every slot is free again
    herald.clock.advance(3_600_001);
    expect(await used(api, 'p0')).toBe(0);
  });

  it('previews a bulk send: the audience of the devices that pass, the others listed, no quota used', async () => {
    const { api } = await tenantWith('Preview', 0);
    const res = await api('POST', '/v1/notifications/preview', { title: 'T', deviceIds: ['ok1', 'mac', 'ok2', 'missing'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      target: { type: 'devices', deviceIds: ['ok1', 'ok2'] },
      audience: { users: 1, devices: 2, skipped: {} },
      languages: [{ language: null, devices: 2 }],
      refused: [
        { deviceId: 'mac', code: 'unsupportedPlatform' },
        { deviceId: 'missing', code: 'notFound' },
      ],
    });
    expect(await used(api, 'ok1')).toBe(0);
    const none = await api('POST', '/v1/notifications/preview', { deviceIds: ['missing', 'mac'] });
    expect([none.status, none.body.error.details.length]).toEqual([404, 2]);
  });

  it("reminds a bulk send's unacknowledged devices, using each one's quota", async () => {
    const { api } = await tenantWith('Remind', 0);
    const sent = await api('POST', '/v1/notifications', { ...text, requireAcknowledgement: true, deviceIds: ['ok1', 'ok2', 'mac'] });
    expect(sent.status).toBe(202);
    const reminder = await api('POST', `/v1/notifications/${sent.body.id}/reminders`);
    expect(reminder.status).toBe(202);
    expect(reminder.body).toMatchObject({ target: { type: 'devices', deviceIds: ['ok1', 'ok2'] }, audience: { devices: 2 } });
    expect(await used(api, 'ok1')).toBe(2);
    for (let i = 0; i < 8; i++) await api('POST', '/v1/notifications', { ...text, deviceId: 'ok2' });
    const full = await api('POST', `/v1/notifications/${sent.body.id}/reminders`);
    expect([full.status, full.body.error.code]).toEqual([429, 'quotaExceeded']);
    expect(full.body.error.message).toContain("device 'ok2'");
    expect(await used(api, 'ok1')).toBe(2);
  });
});
