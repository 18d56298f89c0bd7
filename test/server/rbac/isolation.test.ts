import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole } from '../../helpers/rbac';

let herald: TestHerald;
let other: Awaited<ReturnType<TestHerald['newTenant']>>;
/** Ids that exist only in the other tenant. */
const theirs = { roleId: '', accountId: '', tokenId: '', assignmentId: '' };

beforeAll(async () => {
  herald = await startTestHerald();
  other = await herald.newTenant('Fabrikam');
  theirs.roleId = await customRole(herald, ['Audit.Read'], other.api);
  const account = await accountWith(herald, [{ roleId: theirs.roleId }], other.api);
  theirs.accountId = account.id;
  theirs.tokenId = account.tokenId;
  theirs.assignmentId = (await other.api('GET', '/v1/roleAssignments')).body.items.find(
    (a: { roleId: string }) => a.roleId === theirs.roleId,
  ).id;
});
afterAll(() => herald.close());

describe('tenant isolation', () => {
  it("answers 404, never 403, for another tenant's role, account, token and assignment ids", async () => {
    const api = herald.admin.api;
    const calls: [string, string, unknown?][] = [
      ['GET', `/v1/roles/${theirs.roleId}`],
      ['PATCH', `/v1/roles/${theirs.roleId}`, { displayName: 'Taken over' }],
      ['DELETE', `/v1/roles/${theirs.roleId}`],
      ['GET', `/v1/accounts/${theirs.accountId}`],
      ['GET', `/v1/accounts/${theirs.accountId}/tokens`],
      ['POST', `/v1/accounts/${theirs.accountId}/tokens`, { name: 'backdoor' }],
      ['DELETE', `/v1/tokens/${theirs.tokenId}`],
      ['DELETE', `/v1/roleAssignments/${theirs.assignmentId}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('notFound');
    }
    const role = await other.api('GET', `/v1/roles/${theirs.roleId}`);
    expect(role.body.displayName).not.toBe('Taken over');
    expect(
      (await other.api('GET', `/v1/accounts/${theirs.accountId}/tokens`)).body.items.every(
        (t: { revokedAt: null }) => t.revokedAt === null,
      ),
    ).toBe(true);
  });

  it("refuses to assign another tenant's role or account, as if they did not exist", async () => {
    const mine = await accountWith(herald, []);
    const role = await herald.admin.api('POST', '/v1/roleAssignments', {
      roleId: theirs.roleId,
      accountIds: [mine.id],
      scope: { type: 'all' },
    });
    expect(role.status).toBe(400);
    expect(role.body.error.message).toContain(`role '${theirs.roleId}' does not exist`);
    const account = await herald.admin.api('POST', '/v1/roleAssignments', {
      roleId: 'administrator',
      accountIds: [theirs.accountId],
      scope: { type: 'all' },
    });
    expect(account.status).toBe(400);
    expect(account.body.error.message).toContain(`account '${theirs.accountId}' does not exist`);
  });

  it('refuses a scope group that exists only in another tenant', async () => {
    await importDirectory(other.api, { groups: [group('g-fabrikam')] });
    const mine = await accountWith(herald, []);
    const res = await herald.admin.api('POST', '/v1/roleAssignments', {
      roleId: 'readOnlyOperator',
      accountIds: [mine.id],
      scope: { type: 'groups', groupIds: ['g-fabrikam'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("group 'g-fabrikam' does not exist");
  });

  it("lists only the tenant's own custom roles, accounts and assignments", async () => {
    const roles = (await herald.admin.api('GET', '/v1/roles')).body.items.map((r: { id: string }) => r.id);
    expect(roles).not.toContain(theirs.roleId);
    const accounts = (await herald.admin.api('GET', '/v1/accounts')).body.items.map((a: { id: string }) => a.id);
    expect(accounts).not.toContain(theirs.accountId);
    expect(accounts).not.toContain(other.accountId);
    const assignments = (await herald.admin.api('GET', '/v1/roleAssignments')).body.items.map((a: { id: string }) => a.id);
    expect(assignments).not.toContain(theirs.assignmentId);
  });

  it('shows each tenant only its own audit entries', async () => {
    const entries = (await herald.admin.api('GET', '/v1/audit?limit=200')).body.items;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.map((e: { target: string }) => e.target)).not.toContain(theirs.roleId);
    const theirEntries = (await other.api('GET', '/v1/audit?action=role.create')).body.items;
    expect(theirEntries.map((e: { target: string }) => e.target)).toEqual([theirs.roleId]);
  });

  it('lets two tenants use the same role name and account email', async () => {
    const role = (await other.api('GET', `/v1/roles/${theirs.roleId}`)).body;
    expect((await herald.admin.api('POST', '/v1/roles', { displayName: role.displayName, permissions: ['Audit.Read'] })).status).toBe(201);
    const account = (await other.api('GET', `/v1/accounts/${theirs.accountId}`)).body;
    expect((await herald.admin.api('POST', '/v1/accounts', { email: account.email, displayName: 'Same email' })).status).toBe(201);
  });
});
