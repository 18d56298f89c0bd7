import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory } from '../../helpers/directory';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

/** Each test works in a tenant of its own, whose admin holds the only Administrator assignment. */
let tenants = 0;
async function freshTenant() {
  const tenant = await herald.newTenant(`Lockout ${++tenants}`);
  const items = (await tenant.api('GET', '/v1/roleAssignments')).body.items;
  return { ...tenant, adminAssignmentId: items[0].id as string };
}
const deleteAssignment = (api: Api, id: string) => api('DELETE', `/v1/roleAssignments/${id}`);

describe('keeping a role administrator', () => {
  it('refuses with 409 to delete the last assignment that gives Roles.Update over the whole tenant', async () => {
    const tenant = await freshTenant();
    const res = await deleteAssignment(tenant.api, tenant.adminAssignmentId);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('no account with Roles.Update over the whole tenant');
    expect((await tenant.api('GET', '/v1/roleAssignments')).body.items.map((a: { id: string }) => a.id)).toEqual([
      tenant.adminAssignmentId,
    ]);
  });

  it('does not count a Roles.Update assignment limited to scope groups', async () => {
    const tenant = await freshTenant();
    await importDirectory(tenant.api, { groups: [group('g-lockout')] });
    await accountWith(herald, [{ roleId: 'administrator', scope: { type: 'groups', groupIds: ['g-lockout'] } }], tenant.api);
    expect((await deleteAssignment(tenant.api, tenant.adminAssignmentId)).status).toBe(409);
  });

  it('lets the admin step down once a custom role holds Roles.Update over everything, and then keeps that role', async () => {
    const tenant = await freshTenant();
    const roleId = await customRole(herald, ['Roles.Read', 'Roles.Update'], tenant.api);
    const successor = await accountWith(herald, [{ roleId }], tenant.api);
    expectStatus(await deleteAssignment(tenant.api, tenant.adminAssignmentId), 204);
    expect((await tenant.api('GET', '/v1/roles')).status).toBe(403);
    const res = await successor.api('PATCH', `/v1/roles/${roleId}`, { permissions: ['Roles.Read'] });
    expect(res.status).toBe(409);
    expect((await successor.api('GET', `/v1/roles/${roleId}`)).body.permissions).toEqual(['Roles.Read', 'Roles.Update']);
    expect((await successor.api('PATCH', `/v1/roles/${roleId}`, { displayName: 'Role admins' })).status).toBe(200);
  });
});
