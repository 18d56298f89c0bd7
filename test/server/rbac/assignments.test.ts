import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalForToken } from '../../../server/rbac/authenticate';
import { reachOf, type Principal } from '../../../server/core/principal';
import { deviceInScope, requireOverDevice, userInScope } from '../../../server/rbac/scope';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
  // gA holds u1 and gA1, which holds u2 and gA again (a cycle); gB holds gB1, which holds u3 and the
  // user-less device d4 directly. u4 and its d5 are in no group.
  await importDirectory(herald.admin.api, {
    users: ['u1', 'u2', 'u3', 'u4'].map(user),
    devices: [phone('d1', 'u1'), phone('d2', 'u2'), phone('d3', 'u3'), phone('d4', null), phone('d5', 'u4')],
    groups: [
      group('gA', [{ type: 'user', id: 'u1' }]),
      group('gA1', [
        { type: 'user', id: 'u2' },
        { type: 'group', id: 'gA' },
      ]),
      group('gB', []),
      group('gB1', [
        { type: 'user', id: 'u3' },
        { type: 'device', id: 'd4' },
      ]),
    ],
  });
  await importDirectory(herald.admin.api, {
    groups: [
      group('gA', [
        { type: 'user', id: 'u1' },
        { type: 'group', id: 'gA1' },
      ]),
      group('gB', [{ type: 'group', id: 'gB1' }]),
    ],
  });
});
afterAll(() => herald.close());

async function principalOf(token: string): Promise<Principal> {
  const principal = await principalForToken(herald.database, token);
  if (!principal) throw new Error('token did not authenticate');
  return principal;
}

describe('role assignments', () => {
  it('creates an assignment with 201 and lists it with its role name, accounts and scope', async () => {
    const first = await accountWith(herald, []);
    const second = await accountWith(herald, []);
    const res = await herald.admin.api('POST', '/v1/roleAssignments', {
      roleId: 'helpDeskOperator',
      accountIds: [second.id, first.id, first.id],
      scope: { type: 'groups', groupIds: ['gA', 'gB', 'gA'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      roleId: 'helpDeskOperator',
      roleName: 'Help Desk Operator',
      accountIds: [first.id, second.id].sort(),
      scope: { type: 'groups', groupIds: ['gA', 'gB'] },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const list = await herald.admin.api('GET', '/v1/roleAssignments');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(res.body);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ roleId: 'administrator', accountIds: [herald.admin.accountId], scope: { type: 'all' } }),
    );
  });

  it('refuses an unknown role, account or scope group with 400 naming it, and keeps nothing', async () => {
    const operator = await accountWith(herald, []);
    const cases: [unknown, RegExp][] = [
      [{ roleId: 'superUser', accountIds: [operator.id], scope: { type: 'all' } }, /^roleId: role 'superUser' does not exist/],
      [
        { roleId: 'readOnlyOperator', accountIds: [operator.id, 'ghost'], scope: { type: 'all' } },
        /^accountIds: account 'ghost' does not exist/,
      ],
      [
        { roleId: 'readOnlyOperator', accountIds: [operator.id], scope: { type: 'groups', groupIds: ['gA', 'gNone', 'gMissing'] } },
        /^scope\.groupIds: groups 'gNone', 'gMissing' do not exist/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await herald.admin.api('POST', '/v1/roleAssignments', body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await operator.api('GET', '/v1/me')).body.scopes).toEqual([]);
  });

  it('refuses a malformed scope with 400 naming the field', async () => {
    const operator = await accountWith(herald, []);
    for (const scope of [{ type: 'groups', groupIds: [] }, { type: 'some' }, { type: 'all', groupIds: ['gA'] }]) {
      const res = await herald.admin.api('POST', '/v1/roleAssignments', { roleId: 'readOnlyOperator', accountIds: [operator.id], scope });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^scope/);
    }
  });

  it('deletes an assignment with 204; its permissions are gone on the next request', async () => {
    const roleId = await customRole(herald, ['Roles.Read']);
    const operator = await accountWith(herald, [{ roleId }]);
    expect((await operator.api('GET', '/v1/roleAssignments')).status).toBe(200);
    const mine = (await herald.admin.api('GET', '/v1/roleAssignments')).body.items.find((a: { roleId: string }) => a.roleId === roleId);
    expect((await herald.admin.api('DELETE', `/v1/roleAssignments/${mine.id}`)).status).toBe(204);
    expect((await operator.api('GET', '/v1/roleAssignments')).status).toBe(403);
    expect((await herald.admin.api('DELETE', `/v1/roleAssignments/${mine.id}`)).status).toBe(404);
  });
});

describe('scope groups', () => {
  it('shows the scope groups of each grant in /v1/me', async () => {
    const operator = await accountWith(herald, [
      { roleId: 'readOnlyOperator', scope: { type: 'groups', groupIds: ['gA'] } },
      { roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['gB'] } },
    ]);
    const me = (await operator.api('GET', '/v1/me')).body;
    expect(me.scopes.map((s: { roleId: string; scope: unknown }) => [s.roleId, s.scope]).sort()).toEqual([
      ['helpDeskOperator', { type: 'groups', groupIds: ['gB'] }],
      ['readOnlyOperator', { type: 'groups', groupIds: ['gA'] }],
    ]);
  });

  it('grants only over transitive members of the scope groups, through nesting and cycles', async () => {
    const operator = await accountWith(herald, [{ roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['gA'] } }]);
    const principal = await principalOf(operator.token);
    const reach = reachOf(principal, 'RemoteTasks.SendCustomNotifications');
    expect(reach).toEqual(['gA']);
    const { db } = herald.database;
    const tenantId = herald.admin.tenantId;
    const inScope = async (ids: string[]) => {
      const flags = await Promise.all(ids.map((id) => deviceInScope(db, tenantId, ['gA'], id)));
      return ids.filter((_, i) => flags[i]);
    };
    expect(await inScope(['d1', 'd2', 'd3', 'd4', 'd5'])).toEqual(['d1', 'd2']);
    expect(await userInScope(db, tenantId, ['gA'], 'u2')).toBe(true);
    expect(await userInScope(db, tenantId, ['gA'], 'u3')).toBe(false);
    await expect(requireOverDevice(db, principal, 'RemoteTasks.SendCustomNotifications', 'd2')).resolves.toBeUndefined();
    await expect(requireOverDevice(db, principal, 'RemoteTasks.SendCustomNotifications', 'd3')).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('RemoteTasks.SendCustomNotifications'),
    });
  });

  it('counts a device in scope when it is itself a member, even without its user', async () => {
    expect(await deviceInScope(herald.database.db, herald.admin.tenantId, ['gB'], 'd4')).toBe(true);
    expect(await deviceInScope(herald.database.db, herald.admin.tenantId, ['gB'], 'd5')).toBe(false);
  });

  it('unites the scopes of several assignments, per permission', async () => {
    const operator = await accountWith(herald, [
      { roleId: 'readOnlyOperator', scope: { type: 'groups', groupIds: ['gA'] } },
      { roleId: 'helpDeskOperator', scope: { type: 'groups', groupIds: ['gB'] } },
    ]);
    const principal = await principalOf(operator.token);
    const { db } = herald.database;
    expect(reachOf(principal, 'ManagedDevices.Read')).toEqual(['gA', 'gB']);
    expect(reachOf(principal, 'RemoteTasks.SendCustomNotifications')).toEqual(['gB']);
    expect(reachOf(principal, 'Roles.Read')).toBeNull();
    for (const id of ['d1', 'd2', 'd3', 'd4']) await requireOverDevice(db, principal, 'ManagedDevices.Read', id);
    await expect(requireOverDevice(db, principal, 'ManagedDevices.Read', 'd5')).rejects.toMatchObject({ status: 403 });
    await expect(requireOverDevice(db, principal, 'RemoteTasks.SendCustomNotifications', 'd1')).rejects.toMatchObject({ status: 403 });
    await requireOverDevice(db, principal, 'RemoteTasks.SendCustomNotifications', 'd3');
  });

  it('lets an all-scope grant of a permission override scoped ones of the same permission', async () => {
    const operator = await accountWith(herald, [
      { roleId: 'readOnlyOperator', scope: { type: 'groups', groupIds: ['gA'] } },
      { roleId: 'readOnlyOperator' },
    ]);
    const principal = await principalOf(operator.token);
    expect(reachOf(principal, 'ManagedDevices.Read')).toBe('all');
    await requireOverDevice(herald.database.db, principal, 'ManagedDevices.Read', 'd5');
  });
});
