import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PERMISSIONS } from '../../../shared/permissions';
import { openApiDocument } from '../../../server/openapi/document';
import { startEntraHerald, type EntraHerald } from '../../helpers/entra';
import { group, importDirectory } from '../../helpers/directory';
import { apiClient } from '../../helpers/herald';
import { expectStatus } from '../../helpers/rbac';

let s: EntraHerald;
beforeAll(async () => {
  s = await startEntraHerald();
  await importDirectory(s.herald.admin.api, { users: [], devices: [], groups: [group('g-helpdesk')] });
});
afterAll(() => s?.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const HELP_DESK = ['ManagedDevices.Read', 'Organization.Read', 'RemoteTasks.SendCustomNotifications'];

/** GET /v1/me with a raw bearer token: its status and error. */
async function meWith(token: string) {
  return apiClient(s.herald.url, token)('GET', '/v1/me');
}

describe('allowed client applications', () => {
  it('with allowedClientIds set, a token obtained by another client application is 401 naming azp; a listed one signs in', async () => {
    const connection = { entraTenantId: s.entra.tenantId, clientId: s.entra.clientId, clientSecret: s.entra.app.clientSecret };
    const put = (allowedClientIds: string[] | null) =>
      s.herald.admin.api('PUT', '/v1/directory/connection', { ...connection, allowedClientIds });
    try {
      expectStatus(await put([s.entra.clientId]), 200);
      expectStatus(await meWith(await s.token()), 200);
      const res = await meWith(await s.token({ azp: randomUUID() }));
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/client application .* \(azp\), which is not among the connection's allowedClientIds/);
    } finally {
      expectStatus(await put(null), 200);
    }
    expectStatus(await meWith(await s.token({ azp: randomUUID() })), 200);
  });
});

describe('forged and invalid Entra ID tokens', () => {
  it.each([
    ['another audience', { aud: `api://${randomUUID()}` }, /aud/],
    ['another issuer', { iss: 'https://login.example.net/evil/v2.0' }, /iss/],
    ['an Entra tenant connected to no Herald tenant', { tid: '99999999-9999-4999-8999-999999999999' }, /not connected/],
    ['an expiry past the 5 minutes of skew', { exp: now() - 301 }, /expired/],
    ['a start 6 minutes ahead', { nbf: now() + 360 }, /not valid yet/],
  ])('a token with %s is 401 unauthenticated saying what failed', async (_, claims, reason) => {
    const token = await s.token(claims);
    const res = await meWith(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect(res.body.error.message).toMatch(reason);
    expect(res.body.error.message).not.toContain(token);
  });

  it('an unknown key, an altered payload, alg none, HS256 with the public key and garbage are each 401, never a 500', async () => {
    const signed = await s.entra.sign({ roles: ['Herald.Administrator'] });
    const [header, payload, signature] = signed.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: s.entra.publicJwk().kid })}.${b64(claims)}`;
    const forged: [string, RegExp][] = [
      [await s.entra.sign({}, { kid: await s.entra.unpublishedKey() }), /published keys/],
      [`${header}.${b64({ ...claims, oid: randomUUID() })}.${signature}`, /signature does not verify/],
      [`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, /"none" is not accepted/],
      [`${hsInput}.${createHmac('sha256', JSON.stringify(s.entra.publicJwk())).update(hsInput).digest('base64url')}`, /"HS256"/],
      ['a.b.c', /JSON Web Token/],
      [`${b64({ alg: 'RS256' })}.notjson.sig`, /JSON Web Token|tid/],
      ['garbage', /API token is unknown/],
    ];
    for (const [token, reason] of forged) {
      const res = await meWith(token);
      expect(res.status, token).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
      expect(res.body.error.message).toMatch(reason);
      if (token.length > 8) expect(res.body.error.message).not.toContain(token);
    }
  });

  it("a refusal is audited in the Herald tenant the token named, without the token; an unconnected tenant's is not", async () => {
    const refusals = async () =>
      expectStatus(await s.herald.admin.api('GET', '/v1/audit?action=signIn.entra&outcome=rejected&limit=100'), 200).items;
    const token = await s.token({ aud: `api://${randomUUID()}` });
    expect((await meWith(token)).status).toBe(401);
    const entries = await refusals();
    expect(entries[0]).toMatchObject({
      action: 'signIn.entra',
      outcome: 'rejected',
      actor: null,
      details: { message: expect.stringMatching(/aud/) },
    });
    expect(JSON.stringify(entries)).not.toContain(token);
    expect((await meWith(await s.token({ tid: '99999999-9999-4999-8999-999999999999' }))).status).toBe(401);
    expect(await refusals()).toHaveLength(entries.length);
  });

  it("a token whose signature does not verify is refused without a write to the tenant's audit log it names", async () => {
    const refusals = async () =>
      expectStatus(await s.herald.admin.api('GET', '/v1/audit?action=signIn.entra&outcome=rejected&limit=100'), 200).items.length;
    const before = await refusals();
    const [header, payload, signature] = (await s.entra.sign({})).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${header}.${b64({ ...claims, roles: ['Herald.Administrator'] })}.${signature}`;
    const unknownKey = await s.entra.sign({}, { kid: await s.entra.unpublishedKey() });
    for (const token of [altered, unknownKey]) expect((await meWith(token)).status).toBe(401);
    // anyone can name a connected tenant's id; only a token Entra signed is worth that tenant's audit entry
    expect(await refusals()).toBe(before);
  });

  it("a token for another scope of the app registration is refused, naming Herald's scope", async () => {
    const res = await meWith(await s.token({ scp: 'Other.Read' }));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/Notifications\.Send/);
  });
});

describe('accounts and roles from Entra ID', () => {
  it('a first sign-in creates the account just in time; with no role or assignment /v1/me shows no permission and the rest is 403', async () => {
    const oid = randomUUID();
    const email = `jit-${oid.slice(0, 8)}@contoso.example`;
    const api = await s.signedIn({ oid, preferred_username: email, roles: undefined });
    const me = expectStatus(await api('GET', '/v1/me'), 200);
    expect(me).toMatchObject({ account: { email }, signIn: { source: 'entra' }, permissions: [], scopes: [] });
    expect((await api('GET', '/v1/roles')).status).toBe(403);
    expect((await api('GET', '/v1/users')).status).toBe(403);
    const accounts = expectStatus(await s.herald.admin.api('GET', '/v1/accounts'), 200).items;
    expect(accounts.filter((a: { email: string }) => a.email === email).map((a: { id: string }) => a.id)).toEqual([me.account.id]);
    // found again by its oid, even when its username changed
    const again = expectStatus(await (await s.signedIn({ oid, preferred_username: 'renamed@contoso.example' }))('GET', '/v1/me'), 200);
    expect(again.account).toEqual(me.account);
  });

  it('an app role in the token grants its built-in role over the whole tenant, and /v1/me says it came from the app role', async () => {
    const api = await s.signedIn({ roles: ['Herald.HelpDeskOperator', 'Some.OtherRole'] });
    const me = expectStatus(await api('GET', '/v1/me'), 200);
    expect(me.permissions).toEqual(HELP_DESK);
    expect(me.scopes).toEqual([
      {
        roleId: 'helpDeskOperator',
        roleName: 'Help Desk Operator',
        permissions: HELP_DESK,
        scope: { type: 'all' },
        source: { type: 'appRole', appRole: 'Herald.HelpDeskOperator' },
      },
    ]);
    expect((await api('GET', '/v1/users')).status).toBe(200);
    expect((await api('GET', '/v1/roles')).status).toBe(403);
    const admin = await s.signedIn({ roles: ['Herald.Administrator'] });
    expect(expectStatus(await admin('GET', '/v1/me'), 200).permissions).toEqual([...PERMISSIONS].sort());
    expect((await admin('GET', '/v1/roles')).status).toBe(200);
  });

  it("links a prepared account by its email once, keeping its scoped assignment, unioned with the token's app role", async () => {
    const email = `prepared-${randomUUID().slice(0, 8)}@contoso.example`;
    const admin = s.herald.admin.api;
    const prepared = expectStatus(await admin('POST', '/v1/accounts', { email, displayName: 'Prepared' }), 201);
    const scope = { type: 'groups', groupIds: ['g-helpdesk'] };
    expectStatus(await admin('POST', '/v1/roleAssignments', { roleId: 'helpDeskOperator', accountIds: [prepared.id], scope }), 201);
    const oid = randomUUID();
    const api = await s.signedIn({ oid, preferred_username: email.toUpperCase(), roles: ['Herald.ReadOnlyOperator'] });
    const me = expectStatus(await api('GET', '/v1/me'), 200);
    expect(me.account).toEqual({ id: prepared.id, email });
    expect(me.permissions).toEqual(HELP_DESK);
    expect(me.scopes).toEqual([
      expect.objectContaining({
        roleId: 'readOnlyOperator',
        scope: { type: 'all' },
        source: { type: 'appRole', appRole: 'Herald.ReadOnlyOperator' },
      }),
      expect.objectContaining({ roleId: 'helpDeskOperator', scope, source: { type: 'assignment' } }),
    ]);
    // linked once: another Entra user with the same username does not get the account
    const other = await meWith(await s.entra.sign({ oid: randomUUID(), preferred_username: email }));
    expect(other.status).toBe(401);
    expect(other.body.error.message).toMatch(/linked to another Entra ID user/);
    expect(expectStatus(await (await s.signedIn({ oid }))('GET', '/v1/me'), 200).account.id).toBe(prepared.id);
  });

  it('never links an account already in use with API tokens, even by its exact email', async () => {
    // preferred_username is whatever an Entra user administrator names a user: it must not take over an admin or script account
    const email = `script-${randomUUID().slice(0, 8)}@contoso.example`;
    const admin = s.herald.admin.api;
    const account = expectStatus(await admin('POST', '/v1/accounts', { email, displayName: 'Nightly script' }), 201);
    expectStatus(
      await admin('POST', '/v1/roleAssignments', { roleId: 'administrator', accountIds: [account.id], scope: { type: 'all' } }),
      201,
    );
    const issued = expectStatus(await admin('POST', `/v1/accounts/${account.id}/tokens`, { name: 'nightly' }), 201);
    expectStatus(await admin('DELETE', `/v1/tokens/${issued.id}`), 204);
    const res = await meWith(await s.entra.sign({ oid: randomUUID(), preferred_username: email, roles: undefined }));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/already signs in with Herald API tokens/);
  });

  it('every bearer route of /v1, /beta and /v1.0 takes an Entra token (a user with no role is refused by permission, not sign-in)', async () => {
    const api = await s.signedIn({ roles: undefined });
    const bearer = Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, { security: unknown[] }>)
        .filter(([, op]) => JSON.stringify(op.security) === JSON.stringify([{ bearer: [] }]))
        .map(([method]) => [method.toUpperCase(), path.replace(/\{\w+\}/g, 'x')] as const),
    );
    expect(bearer.some(([, p]) => p.startsWith('/beta/')) && bearer.some(([, p]) => p.startsWith('/v1.0/'))).toBe(true);
    for (const [method, path] of bearer) {
      const res = await api(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect([401, 500].includes(res.status), `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`).toBe(false);
      expect((await apiClient(s.herald.url)(method, path)).status, `${method} ${path} without a token`).toBe(401);
    }
  });
});

describe("the tenant's signing keys, over HTTP", () => {
  it('a key Entra rotated in signs in within 30 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      expect((await meWith(await s.token())).status).toBe(200);
      const kid = await s.entra.rotate();
      const rotated = await s.entra.sign({ oid: randomUUID(), preferred_username: 'rotated@contoso.example' }, { kid });
      vi.setSystemTime(Date.now() + 30_001);
      expect((await meWith(rotated)).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keep signing in from the cache while the JWKS endpoint is down', async () => {
    expect((await meWith(await s.token())).status).toBe(200);
    s.entra.jwksDown = true;
    try {
      const fetches = s.entra.jwksFetches;
      expect((await meWith(await s.token())).status).toBe(200);
      expect(s.entra.jwksFetches).toBe(fetches);
    } finally {
      s.entra.jwksDown = false;
    }
  });
});
