import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const audit = async (query = '') => {
  const res = await herald.admin.api('GET', `/v1/audit${query}`);
  expect(res.status).toBe(200);
  return res.body as { items: any[]; nextCursor: string | null };
};
const adminActor = () => ({ accountId: herald.admin.accountId, email: 'admin@contoso.example' });

describe('audit log', () => {
  it('starts with the creation of the tenant, by no account', async () => {
    const { items } = await audit('?action=tenant.create');
    expect(items).toEqual([
      {
        id: expect.any(String),
        at: expect.stringMatching(iso),
        actor: null,
        action: 'tenant.create',
        target: herald.admin.tenantId,
        outcome: 'success',
        details: expect.any(Object),
      },
    ]);
  });

  it('records every role change with its actor, target and details', async () => {
    const created = expectStatus(
      await herald.admin.api('POST', '/v1/roles', { displayName: 'Auditors', permissions: ['Audit.Read'] }),
      201,
    );
    expectStatus(await herald.admin.api('PATCH', `/v1/roles/${created.id}`, { permissions: ['Audit.Read', 'Roles.Read'] }), 200);
    expectStatus(await herald.admin.api('DELETE', `/v1/roles/${created.id}`), 204);
    const [deleted, updated, create] = (await audit()).items;
    expect(create).toMatchObject({
      action: 'role.create',
      target: created.id,
      outcome: 'success',
      actor: adminActor(),
      details: { displayName: 'Auditors', permissions: ['Audit.Read'] },
    });
    expect(updated).toMatchObject({
      action: 'role.update',
      target: created.id,
      details: { before: { permissions: ['Audit.Read'] }, after: { permissions: ['Audit.Read', 'Roles.Read'] } },
    });
    expect(deleted).toMatchObject({ action: 'role.delete', target: created.id, details: { displayName: 'Auditors' } });
  });

  it('records account creation, assignment changes, token creation and revocation', async () => {
    const operator = await accountWith(herald, [{ roleId: 'readOnlyOperator' }]);
    const assignment = (await herald.admin.api('GET', '/v1/roleAssignments')).body.items.find((a: { accountIds: string[] }) =>
      a.accountIds.includes(operator.id),
    );
    expectStatus(await herald.admin.api('DELETE', `/v1/roleAssignments/${assignment.id}`), 204);
    expectStatus(await herald.admin.api('DELETE', `/v1/tokens/${operator.tokenId}`), 204);
    const items = (await audit('?limit=5')).items.map((e) => [e.action, e.target, e.outcome]);
    expect(items).toEqual([
      ['token.revoke', operator.tokenId, 'success'],
      ['roleAssignment.delete', assignment.id, 'success'],
      ['token.create', operator.tokenId, 'success'],
      ['roleAssignment.create', assignment.id, 'success'],
      ['account.create', operator.id, 'success'],
    ]);
    const token = (await audit('?action=token.create&limit=1')).items[0];
    expect(token.details).toEqual({ accountId: operator.id, name: 'test' });
    expect(JSON.stringify(token)).not.toContain(operator.token);
  });

  it('records a denied request with the caller and the missing permission', async () => {
    const operator = await accountWith(herald, [{ roleId: 'helpDeskOperator' }]);
    expect((await operator.api('POST', '/v1/roles', { displayName: 'Escalate', permissions: ['Roles.Update'] })).status).toBe(403);
    const [entry] = (await audit('?outcome=denied&limit=1')).items;
    expect(entry).toMatchObject({
      actor: { accountId: operator.id, email: operator.email },
      action: 'POST /v1/roles',
      target: '/v1/roles',
      outcome: 'denied',
      details: { message: expect.stringContaining('Roles.Update') },
    });
  });

  it("records a role-less user's repeated identical 403s once a minute per route, then how many were left out", async () => {
    const roleless = await accountWith(herald, []);
    const denied = async () =>
      (await audit('?outcome=denied&limit=100')).items.filter((e) => e.actor?.accountId === roleless.id).map((e) => [e.action, e.details]);
    herald.clock.freeze();
    try {
      for (let i = 0; i < 5; i++) expect((await roleless.api('GET', '/v1/roles')).status).toBe(403);
      expect((await roleless.api('GET', '/v1/audit')).status).toBe(403);
      const reason = (p: string) => ({ message: expect.stringContaining(p) });
      expect(await denied()).toEqual([
        ['GET /v1/audit', reason('Audit.Read')],
        ['GET /v1/roles', reason('Roles.Read')],
      ]);
      herald.clock.advance(60_000);
      expect((await roleless.api('GET', '/v1/roles')).status).toBe(403);
      expect((await denied())[0]).toEqual(['GET /v1/roles', { ...reason('Roles.Read'), omittedRepeats: 4 }]);
    } finally {
      herald.clock.thaw();
    }
  });

  it('coalesces 403s by their reason, not their message: ids the caller chose do not make each one new', async () => {
    await importDirectory(herald.admin.api, {
      users: [user('audit-u')],
      devices: [0, 1, 2, 3, 4].map((i) => phone(`audit-d${i}`, 'audit-u')),
      groups: [group('audit-scope', [])],
    });
    const roleId = await customRole(herald, ['ManagedDevices.Update']);
    const scoped = await accountWith(herald, [{ roleId, scope: { type: 'groups', groupIds: ['audit-scope'] } }]);
    herald.clock.freeze();
    try {
      // each 403 names the device asked for, outside the caller's scope
      for (let i = 0; i < 5; i++) expect((await scoped.api('POST', `/v1/devices/audit-d${i}/credentials`)).status).toBe(403);
      const entries = (await audit('?outcome=denied&limit=100')).items.filter((e) => e.actor?.accountId === scoped.id);
      expect(entries).toHaveLength(1);
    } finally {
      herald.clock.thaw();
    }
  });

  it('does not record refusals of requests without a valid token or of invalid bodies as changes', async () => {
    const before = (await audit('?limit=1')).items[0].id;
    expect((await herald.api('hrld_wrong')('POST', '/v1/roles', { displayName: 'x', permissions: ['Audit.Read'] })).status).toBe(401);
    expect((await herald.admin.api('POST', '/v1/roles', { displayName: 'x', permissions: ['Nope'] })).status).toBe(400);
    expect((await audit('?limit=1')).items[0].id).toBe(before);
  });

  it('filters by action and outcome', async () => {
    const denied = (await audit('?outcome=denied')).items;
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((e) => e.outcome === 'denied')).toBe(true);
    const creates = (await audit('?action=account.create')).items;
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.every((e) => e.action === 'account.create')).toBe(true);
    expect((await audit('?action=nothing.like.this')).items).toEqual([]);
  });

  it('pages newest first with a cursor, each entry once', async () => {
    for (let i = 0; i < 5; i++) await customRole(herald, ['Audit.Read']);
    const all = (await audit('?limit=200')).items.map((e) => Number(e.id));
    expect(all).toEqual([...all].sort((a, b) => b - a));
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: any[]; nextCursor: string | null } = await audit(
        `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((e) => Number(e.id)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it("numbers a tenant's entries by its own activity alone: another tenant's changes none of its ids or cursors", async () => {
    const [quiet, busy, other] = [await herald.newTenant('Quiet'), await herald.newTenant('Busy'), await herald.newTenant('Other')];
    let roles = 0;
    const act = async (t: typeof quiet) =>
      expectStatus(await t.api('POST', '/v1/roles', { displayName: `Auditors ${++roles}`, permissions: ['Audit.Read'] }), 201);
    await act(quiet);
    await act(quiet);
    await act(busy);
    for (let i = 0; i < 5; i++) await act(other);
    await act(busy);
    /** Every id and cursor the tenant is shown, a page of one entry at a time. */
    const seen = async (t: typeof quiet) => {
      const shown: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = expectStatus(
          await t.api('GET', `/v1/audit?limit=1${cursor ? `&cursor=${cursor}` : ''}`),
          200,
        );
        shown.push(...page.items.map((e) => e.id), page.nextCursor);
        cursor = page.nextCursor;
      } while (cursor);
      return shown;
    };
    const shown = await seen(quiet);
    expect(shown.length).toBeGreaterThan(4);
    expect(await seen(busy)).toEqual(shown);
  });

  it('refuses a bad cursor, outcome or limit with 400', async () => {
    for (const query of ['?cursor=garbage', '?outcome=maybe', '?limit=0', '?limit=1000', '?colour=red']) {
      const res = await herald.admin.api('GET', `/v1/audit${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});

describe('who may read the audit log', () => {
  it('refuses Audit.Read scoped to groups, naming the whole tenant, while /v1/me shows that scope', async () => {
    await importDirectory(herald.admin.api, { groups: [group('g-auditors')] });
    const roleId = await customRole(herald, ['Audit.Read']);
    const scoped = await accountWith(herald, [{ roleId, scope: { type: 'groups', groupIds: ['g-auditors'] } }]);
    const res = await scoped.api('GET', '/v1/audit');
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      code: 'forbidden',
      message:
        'This needs the Audit.Read permission over the whole tenant (the audit log covers every send, import, role and token change).',
    });
    const me = expectStatus(await scoped.api('GET', '/v1/me'), 200);
    expect(me.scopes).toEqual([
      {
        roleId,
        roleName: expect.any(String),
        permissions: ['Audit.Read'],
        scope: { type: 'groups', groupIds: ['g-auditors'] },
        source: { type: 'assignment' },
      },
    ]);
  });

  it('lets Audit.Read over the whole tenant read every entry', async () => {
    const reader = await accountWith(herald, [{ roleId: await customRole(herald, ['Audit.Read']) }]);
    const res = await reader.api('GET', '/v1/audit?action=tenant.create');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });
});
