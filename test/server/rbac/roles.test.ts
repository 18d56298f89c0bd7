import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '../../../shared/permissions';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

describe('roles', () => {
  it('lists the three built-in roles, read-only, before custom ones', async () => {
    const res = await herald.admin.api('GET', '/v1/roles');
    expect(res.status).toBe(200);
    expect(res.body.items.slice(0, 3)).toEqual(
      BUILT_IN_ROLES.map((r) => ({ id: r.id, displayName: r.displayName, permissions: [...r.permissions], builtIn: true })),
    );
    expect(res.body.items.map((r: { displayName: string }) => r.displayName)).toEqual(
      expect.arrayContaining(['Administrator', 'Help Desk Operator', 'Read Only Operator']),
    );
  });

  it('creates a custom role with 201, sorted distinct permissions, and shows it in the list and by id', async () => {
    const res = await herald.admin.api('POST', '/v1/roles', {
      displayName: '  Auditors ',
      permissions: ['Roles.Read', 'Audit.Read', 'Roles.Read'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      displayName: 'Auditors',
      permissions: ['Audit.Read', 'Roles.Read'],
      builtIn: false,
    });
    expect((await herald.admin.api('GET', `/v1/roles/${res.body.id}`)).body).toEqual(res.body);
    expect((await herald.admin.api('GET', '/v1/roles')).body.items).toContainEqual(res.body);
  });

  it('refuses an unknown permission with 400 naming it', async () => {
    const res = await herald.admin.api('POST', '/v1/roles', { displayName: 'Typo', permissions: ['Audit.Read', 'Devices.Wipe'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalidRequest');
    expect(res.body.error.message).toContain("'Devices.Wipe' is not a permission");
    expect(res.body.error.details[0].path).toBe('permissions.1');
  });

  it('refuses a role without permissions or without a name, naming the field', async () => {
    const empty = await herald.admin.api('POST', '/v1/roles', { displayName: 'Nothing', permissions: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/^permissions:/);
    const nameless = await herald.admin.api('POST', '/v1/roles', { displayName: ' ', permissions: ['Audit.Read'] });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.message).toMatch(/^displayName:/);
  });

  it('answers 409 for a name already used by a custom or built-in role, ignoring case', async () => {
    expectStatus(await herald.admin.api('POST', '/v1/roles', { displayName: 'Night shift', permissions: ['Audit.Read'] }), 201);
    for (const displayName of ['NIGHT SHIFT', 'administrator']) {
      const res = await herald.admin.api('POST', '/v1/roles', { displayName, permissions: ['Audit.Read'] });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
  });

  it('answers malformed JSON with 400 and a non-JSON body with 415', async () => {
    const malformed = await herald.admin.api('POST', '/v1/roles', '{"displayName": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalidRequest');
    const text = await herald.admin.api('POST', '/v1/roles', 'displayName=x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupportedMediaType');
  });

  it('updates a custom role, and its holders get the new permissions on their next request', async () => {
    const roleId = await customRole(herald, ['Audit.Read']);
    const operator = await accountWith(herald, [{ roleId }]);
    expect((await operator.api('GET', '/v1/roles')).status).toBe(403);
    const res = await herald.admin.api('PATCH', `/v1/roles/${roleId}`, { permissions: ['Roles.Read'] });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['Roles.Read']);
    expect((await operator.api('GET', '/v1/roles')).status).toBe(200);
    expect((await operator.api('GET', '/v1/audit')).status).toBe(403);
  });

  it('refuses an empty PATCH with 400', async () => {
    const roleId = await customRole(herald, ['Audit.Read']);
    const res = await herald.admin.api('PATCH', `/v1/roles/${roleId}`, {});
    expect(res.status).toBe(400);
  });

  it('refuses to change or delete a built-in role with 403 saying it is read-only', async () => {
    for (const res of [
      await herald.admin.api('PATCH', '/v1/roles/helpDeskOperator', { permissions: ['Audit.Read'] }),
      await herald.admin.api('DELETE', '/v1/roles/administrator'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/built-in role '.+' is read-only/);
    }
    const helpDesk = (await herald.admin.api('GET', '/v1/roles/helpDeskOperator')).body;
    expect(helpDesk.permissions).toEqual(['Organization.Read', 'ManagedDevices.Read', 'RemoteTasks.SendCustomNotifications']);
  });

  it('refuses to delete a role in use with 409, and deletes it with 204 once unassigned', async () => {
    const roleId = await customRole(herald, ['Audit.Read']);
    const operator = await accountWith(herald, [{ roleId }]);
    const inUse = await herald.admin.api('DELETE', `/v1/roles/${roleId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain('1 role assignment');
    const assignment = (await herald.admin.api('GET', '/v1/roleAssignments')).body.items.find((a: { accountIds: string[] }) =>
      a.accountIds.includes(operator.id),
    );
    expectStatus(await herald.admin.api('DELETE', `/v1/roleAssignments/${assignment.id}`), 204);
    const res = await herald.admin.api('DELETE', `/v1/roles/${roleId}`);
    expect(res.status).toBe(204);
    expect((await herald.admin.api('GET', `/v1/roles/${roleId}`)).status).toBe(404);
    expect((await herald.admin.api('DELETE', `/v1/roles/${roleId}`)).status).toBe(404);
  });

  it('answers 404 for an unknown role id', async () => {
    const res = await herald.admin.api('GET', '/v1/roles/no-such-role');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'notFound', message: "Role 'no-such-role' was not found." });
    expect((await herald.admin.api('PATCH', '/v1/roles/no-such-role', { displayName: 'x' })).status).toBe(404);
  });
});
