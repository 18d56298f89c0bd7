import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, expectStatus } from '../../helpers/rbac';

/**
 * Two tenants import objects under the same ids with different members: every read that counts or expands
 * must see only its own tenant's rows (ids are chosen by whoever imports, so another tenant can copy them).
 */
let herald: TestHerald;
let mine: Api;
let theirs: Api;
const text = { title: 'Office closed', body: 'Work from home today.' };

beforeAll(async () => {
  herald = await startTestHerald();
  mine = herald.admin.api;
  theirs = (await herald.newTenant('Fabrikam')).api;
  // Contoso: g1 holds one user (with one phone); g2 is empty.
  await importDirectory(mine, {
    users: [user('u1')],
    devices: [phone('d1', 'u1')],
    groups: [group('g1', [{ type: 'user', id: 'u1' }]), group('g2')],
  });
  // Fabrikam: the same ids, far more members, and a nested group.
  await importDirectory(theirs, {
    users: [user('u1'), user('u2'), user('u3')],
    devices: [phone('d1', 'u1'), phone('d2', 'u2'), phone('d3', 'u3')],
    groups: [
      group('g2', [{ type: 'user', id: 'u3' }]),
      group('g1', [
        { type: 'user', id: 'u1' },
        { type: 'user', id: 'u2' },
        { type: 'device', id: 'd1' },
        { type: 'device', id: 'd2' },
        { type: 'group', id: 'g2' },
      ]),
    ],
  });
});
afterAll(() => herald.close());

describe('reads over ids two tenants share', () => {
  it("counts a group's members in its own tenant only, read alone or in a list", async () => {
    expect(expectStatus(await mine('GET', '/v1/groups/g1'), 200).memberCounts).toEqual({ users: 1, devices: 0, groups: 0 });
    expect(expectStatus(await theirs('GET', '/v1/groups/g1'), 200).memberCounts).toEqual({ users: 2, devices: 2, groups: 1 });
    const list = expectStatus(await mine('GET', '/v1/groups'), 200).items;
    expect(list).toEqual([
      { id: 'g1', displayName: 'Group g1', memberCounts: { users: 1, devices: 0, groups: 0 } },
      { id: 'g2', displayName: 'Group g2', memberCounts: { users: 0, devices: 0, groups: 0 } },
    ]);
    const searched = expectStatus(await theirs('GET', '/v1/groups?search=g2'), 200).items;
    expect(searched).toEqual([{ id: 'g2', displayName: 'Group g2', memberCounts: { users: 1, devices: 0, groups: 0 } }]);
  });

  it('expands a preview and a send to its own tenant only, and the history counts only its deliveries', async () => {
    const preview = expectStatus(await mine('POST', '/v1/notifications/preview', { ...text, groupIds: ['g1'] }), 200);
    expect(preview.audience).toEqual({ users: 1, devices: 1, skipped: {} });
    const sent = expectStatus(await mine('POST', '/v1/notifications', { ...text, groupIds: ['g1'] }), 202);
    expect(sent.audience).toEqual({ users: 1, devices: 1, skipped: {} });
    const theirSend = expectStatus(await theirs('POST', '/v1/notifications', { ...text, groupIds: ['g1'] }), 202);
    expect(theirSend.audience).toEqual({ users: 3, devices: 3, skipped: {} });

    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total(expectStatus(await mine('GET', `/v1/notifications/${sent.id}`), 200).counts)).toBe(1);
    expect(total(expectStatus(await theirs('GET', `/v1/notifications/${theirSend.id}`), 200).counts)).toBe(3);
    const deliveries = expectStatus(await mine('GET', `/v1/notifications/${sent.id}/deliveries`), 200).items;
    expect(deliveries.map((d: { deviceId: string; userId: string }) => [d.deviceId, d.userId])).toEqual([['d1', 'u1']]);
    expect((await mine('GET', `/v1/notifications/${theirSend.id}`)).status).toBe(404);
  });

  it("counts each tenant's group and device quotas apart, for the same device id", async () => {
    const before = expectStatus(await mine('GET', '/v1/quotas?deviceId=d1'), 200);
    for (let i = 0; i < 2; i++) expectStatus(await theirs('POST', '/v1/notifications', { ...text, deviceId: 'd1' }), 202);
    expectStatus(await theirs('POST', '/v1/notifications', { ...text, groupIds: ['g2'] }), 202);
    const after = expectStatus(await mine('GET', '/v1/quotas?deviceId=d1'), 200);
    expect(after.groupSends.used).toBe(before.groupSends.used);
    expect(after.device.used).toBe(before.device.used);
    expect(expectStatus(await theirs('GET', '/v1/quotas?deviceId=d1'), 200).device.used).toBe(2);
  });

  it("keeps a reader scoped to a shared group id within its own tenant's members", async () => {
    const scoped = await accountWith(herald, [{ roleId: 'readOnlyOperator', scope: { type: 'groups', groupIds: ['g1'] } }]);
    const ids = async (path: string) => expectStatus(await scoped.api('GET', path), 200).items.map((i: { id: string }) => i.id);
    expect(await ids('/v1/users')).toEqual(['u1']);
    expect(await ids('/v1/devices')).toEqual(['d1']);
    expect(await ids('/v1/groups')).toEqual(['g1']);
    expect((await scoped.api('GET', '/v1/users/u2')).status).toBe(404);
  });
});
