import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../shared/permissions';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

describe('GET /v1/me', () => {
  it('shows the admin its tenant, account, every permission and one all-scope Administrator grant', async () => {
    const res = await herald.admin.api('GET', '/v1/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: { id: herald.admin.tenantId, name: 'Contoso' },
      account: { id: herald.admin.accountId, email: 'admin@contoso.example' },
      signIn: { source: 'apiToken' },
      permissions: [...PERMISSIONS].sort(),
      scopes: [
        {
          roleId: 'administrator',
          roleName: 'Administrator',
          permissions: [...PERMISSIONS].sort(),
          scope: { type: 'all' },
          source: { type: 'assignment' },
        },
      ],
    });
  });

  it('answers an account with no role assignment: no permissions, no scopes', async () => {
    const operator = await accountWith(herald, []);
    const res = await operator.api('GET', '/v1/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: { id: herald.admin.tenantId, name: 'Contoso' },
      account: { id: operator.id, email: operator.email },
      signIn: { source: 'apiToken' },
      permissions: [],
      scopes: [],
    });
  });

  it('lists each grant with its role name and scope, and the union of permissions sorted', async () => {
    const roleId = await customRole(herald, ['Audit.Read', 'Roles.Read']);
    const operator = await accountWith(herald, [{ roleId: 'readOnlyOperator' }, { roleId }]);
    const res = await operator.api('GET', '/v1/me');
    expect(res.body.permissions).toEqual(['Audit.Read', 'ManagedDevices.Read', 'Organization.Read', 'Roles.Read']);
    expect(res.body.scopes).toHaveLength(2);
    expect(res.body.scopes).toContainEqual({
      roleId: 'readOnlyOperator',
      roleName: 'Read Only Operator',
      permissions: ['ManagedDevices.Read', 'Organization.Read'],
      scope: { type: 'all' },
      source: { type: 'assignment' },
    });
    const role = (await herald.admin.api('GET', `/v1/roles/${roleId}`)).body;
    expect(res.body.scopes).toContainEqual({
      roleId,
      roleName: role.displayName,
      permissions: ['Audit.Read', 'Roles.Read'],
      scope: { type: 'all' },
      source: { type: 'assignment' },
    });
  });

  it('answers 401 without a token, with an unknown token and with a non-Bearer header', async () => {
    for (const res of [
      await herald.api()('GET', '/v1/me'),
      await herald.api('hrld_not-a-real-token')('GET', '/v1/me'),
      await herald.api()('GET', '/v1/me', undefined, { authorization: `Basic ${herald.admin.token}` }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });
});
