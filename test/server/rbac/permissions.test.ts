import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../../shared/permissions';
import { group, importDirectory } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

let serial = 0;
const admin = () => herald.admin.api;
const newAccount = async () =>
  expectStatus(await admin()('POST', '/v1/accounts', { email: `target${++serial}@contoso.example`, displayName: 'Target' }), 201)
    .id as string;

/** Every route of accounts, roles, tokens and audit, with the permission it needs; `make` builds a fresh target. */
const routes: { permission: Permission; make: () => Promise<Call> }[] = [
  { permission: 'Roles.Read', make: async () => ({ method: 'GET', path: '/v1/roles' }) },
  { permission: 'Roles.Read', make: async () => ({ method: 'GET', path: '/v1/roles/administrator' }) },
  {
    permission: 'Roles.Update',
    make: async () => ({ method: 'POST', path: '/v1/roles', body: { displayName: `New role ${++serial}`, permissions: ['Audit.Read'] } }),
  },
  {
    permission: 'Roles.Update',
    make: async () => ({
      method: 'PATCH',
      path: `/v1/roles/${await customRole(herald, ['Audit.Read'])}`,
      body: { permissions: ['Roles.Read'] },
    }),
  },
  { permission: 'Roles.Update', make: async () => ({ method: 'DELETE', path: `/v1/roles/${await customRole(herald, ['Audit.Read'])}` }) },
  { permission: 'Roles.Read', make: async () => ({ method: 'GET', path: '/v1/roleAssignments' }) },
  {
    permission: 'Roles.Update',
    make: async () => ({
      method: 'POST',
      path: '/v1/roleAssignments',
      body: { roleId: 'readOnlyOperator', accountIds: [await newAccount()], scope: { type: 'all' } },
    }),
  },
  {
    permission: 'Roles.Update',
    make: async () => {
      const body = { roleId: 'readOnlyOperator', accountIds: [await newAccount()], scope: { type: 'all' } };
      return { method: 'DELETE', path: `/v1/roleAssignments/${expectStatus(await admin()('POST', '/v1/roleAssignments', body), 201).id}` };
    },
  },
  { permission: 'Roles.Read', make: async () => ({ method: 'GET', path: '/v1/accounts' }) },
  { permission: 'Roles.Read', make: async () => ({ method: 'GET', path: `/v1/accounts/${herald.admin.accountId}` }) },
  {
    permission: 'Roles.Update',
    make: async () => ({ method: 'POST', path: '/v1/accounts', body: { email: `new${++serial}@contoso.example`, displayName: 'New' } }),
  },
  { permission: 'Roles.Read', make: async () => ({ method: 'GET', path: `/v1/accounts/${herald.admin.accountId}/tokens` }) },
  {
    permission: 'Roles.Update',
    make: async () => ({ method: 'POST', path: `/v1/accounts/${await newAccount()}/tokens`, body: { name: 'x' } }),
  },
  {
    permission: 'Roles.Update',
    make: async () => ({
      method: 'DELETE',
      path: `/v1/tokens/${expectStatus(await admin()('POST', `/v1/accounts/${await newAccount()}/tokens`, { name: 'x' }), 201).id}`,
    }),
  },
  { permission: 'Audit.Read', make: async () => ({ method: 'GET', path: '/v1/audit' }) },
];

async function call(api: Api, route: (typeof routes)[number]) {
  const { method, path, body } = await route.make();
  return { label: `${method} ${path}`, res: await api(method, path, body) };
}

async function expectAllowed(api: Api, route: (typeof routes)[number]) {
  const { label, res } = await call(api, route);
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
}

async function expectDenied(api: Api, route: (typeof routes)[number]) {
  const { label, res } = await call(api, route);
  expect(res.status, label).toBe(403);
  expect(res.body.error.code, label).toBe('forbidden');
  expect(res.body.error.message, label).toContain(route.permission);
}

describe('permissions of the accounts, roles, tokens and audit routes', () => {
  it('lets the Administrator do everything', async () => {
    const administrator = await accountWith(herald, [{ roleId: 'administrator' }]);
    for (const route of routes) await expectAllowed(administrator.api, route);
  });

  it('denies the Help Desk Operator and the Read Only Operator every one of them, naming the permission', async () => {
    for (const roleId of ['helpDeskOperator', 'readOnlyOperator']) {
      const operator = await accountWith(herald, [{ roleId }]);
      for (const route of routes) await expectDenied(operator.api, route);
      expect((await operator.api('GET', '/v1/me')).status).toBe(200);
    }
  });

  it.each(['Roles.Read', 'Roles.Update', 'Audit.Read'] as const)(
    'allows exactly the routes of %s to a custom role holding only it',
    async (permission) => {
      const operator = await accountWith(herald, [{ roleId: await customRole(herald, [permission]) }]);
      for (const route of routes) {
        if (route.permission === permission) await expectAllowed(operator.api, route);
        else await expectDenied(operator.api, route);
      }
    },
  );

  it.each(['Roles.Read', 'Roles.Update', 'Audit.Read'] as const)(
    'denies the routes of %s to a custom role holding every other permission',
    async (permission) => {
      const operator = await accountWith(herald, [
        {
          roleId: await customRole(
            herald,
            PERMISSIONS.filter((p) => p !== permission),
          ),
        },
      ]);
      for (const route of routes) {
        if (route.permission === permission) await expectDenied(operator.api, route);
        else await expectAllowed(operator.api, route);
      }
    },
  );

  it('checks the permission before reading the body: a denied caller gets 403 even for a malformed one', async () => {
    const operator = await accountWith(herald, [{ roleId: 'readOnlyOperator' }]);
    const res = await operator.api('POST', '/v1/roles', '{not json');
    expect(res.status).toBe(403);
  });

  it('answers every route with 401 without a valid token', async () => {
    for (const route of routes) {
      const { label, res } = await call(herald.api('hrld_wrong'), route);
      expect(res.status, label).toBe(401);
    }
  });
});

describe('scoped grants and tenant-wide routes', () => {
  beforeAll(() => importDirectory(admin(), { groups: [group('g-scope')] }));

  it('refuses every roles, accounts, tokens and audit route to grants scoped to groups, saying the whole tenant is needed', async () => {
    const roleId = await customRole(herald, ['Roles.Read', 'Roles.Update', 'Audit.Read']);
    const operator = await accountWith(herald, [{ roleId, scope: { type: 'groups', groupIds: ['g-scope'] } }]);
    const why = {
      'Roles.Read': 'roles, assignments, accounts and tokens cover the whole tenant',
      'Roles.Update': 'an assignment scoped to groups is not enough',
      'Audit.Read': 'the audit log covers every send, import, role and token change',
    } as Partial<Record<Permission, string>>;
    for (const route of routes) {
      const { label, res } = await call(operator.api, route);
      expect(res.status, label).toBe(403);
      expect(res.body.error.message, label).toBe(
        `This needs the ${route.permission} permission over the whole tenant (${why[route.permission]}).`,
      );
    }
  });

  it('allows them once the same role is also held over the whole tenant', async () => {
    const roleId = await customRole(herald, ['Roles.Read', 'Roles.Update', 'Audit.Read']);
    const operator = await accountWith(herald, [
      { roleId, scope: { type: 'groups', groupIds: ['g-scope'] } },
      { roleId, scope: { type: 'all' } },
    ]);
    for (const route of routes) await expectAllowed(operator.api, route);
  });
});
