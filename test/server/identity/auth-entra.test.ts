import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraAuthorityHost } from '../../../server/identity/routes';
import { startFakeEntra } from '../../fakes/entra-id';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { apiClient } from '../../helpers/herald';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;
beforeAll(async () => {
  s = await startSyncedHerald({ fake: { verifiedDomains: ['contoso.example', 'Contoso.onmicrosoft.example'] } });
});
afterAll(() => s?.close());

/** GET /v1/auth/entra without any token, as the extension asks before signing in. */
const signInFor = (tenant: string) => s.herald.api()('GET', `/v1/auth/entra?tenant=${encodeURIComponent(tenant)}`);

describe('GET /v1/auth/entra', () => {
  it('answers, without a token, the authority, app registration and scopes of an Entra tenant by its id once a sync proved it', async () => {
    expect((await signInFor(s.entra.tenantId)).status).toBe(404);
    await s.connect();
    // the id a connection was given proves nothing until a sync with working credentials read it
    expect((await signInFor(s.entra.tenantId)).status).toBe(404);
    await s.sync();
    const expected = {
      // the one Entra host Herald is configured with, which the sync reached too
      authority: `${s.entra.origin}/${s.entra.tenantId}`,
      clientId: s.entra.clientId,
      scopes: [`api://${s.entra.clientId}/Notifications.Send`, 'offline_access'],
    };
    expect(expectStatus(await signInFor(s.entra.tenantId), 200)).toEqual(expected);
    expect(expectStatus(await signInFor(s.entra.tenantId.toUpperCase()), 200)).toEqual(expected);
  });

  it('answers for the verified domains the last sync read from /v1.0/organization, and 404 for others', async () => {
    await s.herald.admin.api('DELETE', '/v1/directory/connection');
    await s.connect();
    expect((await signInFor('contoso.example')).status).toBe(404);
    await s.sync();
    const answer = expectStatus(await signInFor('contoso.example'), 200);
    expect(answer.authority).toBe(`${s.entra.origin}/${s.entra.tenantId}`);
    expect(expectStatus(await signInFor('CONTOSO.onmicrosoft.example'), 200)).toEqual(answer);
    expect((await signInFor('fabrikam.example')).status).toBe(404);
    // a domain the tenant no longer verifies is forgotten at the next sync
    s.fake.state.verifiedDomains = ['contoso.onmicrosoft.example'];
    await s.sync();
    expect((await signInFor('contoso.example')).status).toBe(404);
    expect((await signInFor('contoso.onmicrosoft.example')).status).toBe(200);
  });

  it('is 400 without a tenant or with one that is no id or domain', async () => {
    expect((await s.herald.api()('GET', '/v1/auth/entra')).status).toBe(400);
    expect((await signInFor('contoso/../x')).status).toBe(400);
  });
});

describe('the Entra host', () => {
  it('is Microsoft’s public cloud unless configured, and a configured one loses its trailing slashes', () => {
    expect(entraAuthorityHost({})).toBe('https://login.microsoftonline.com');
    expect(entraAuthorityHost({ entraAuthorityHost: 'https://login.microsoftonline.us//' })).toBe('https://login.microsoftonline.us');
  });
});

describe('one Herald tenant per Entra tenant', () => {
  it('a second Herald tenant connecting an Entra tenant already connected elsewhere gets 409 entraTenantTaken, by id or domain', async () => {
    await s.connect();
    await s.sync();
    const other = await s.herald.newTenant('Fabrikam');
    for (const entraTenantId of [s.entra.tenantId.toUpperCase(), 'contoso.onmicrosoft.example']) {
      const res = await other.api('PUT', '/v1/directory/connection', { entraTenantId, clientId: s.entra.clientId, clientSecret: 'x' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('entraTenantTaken');
    }
    expect((await other.api('GET', '/v1/directory/connection')).status).toBe(404);
    // the tenant that holds it may change its own connection
    expectStatus(
      await s.herald.admin.api('PUT', '/v1/directory/connection', {
        entraTenantId: s.entra.tenantId,
        clientId: s.entra.clientId,
        clientSecret: s.entra.app.clientSecret,
      }),
      200,
    );
  });
});

describe('an Entra tenant id claimed by a connection that never proved it', () => {
  it("neither blocks the organisation that owns it nor receives its users' sign-ins", async () => {
    const entra = await startFakeEntra();
    const t = await startSyncedHerald({ entra });
    try {
      const squatter = await t.herald.newTenant('Squatter');
      const claim = { entraTenantId: entra.tenantId.toUpperCase(), clientId: entra.clientId, clientSecret: 'a-guess' };
      expectStatus(await squatter.api('PUT', '/v1/directory/connection', claim), 200);
      // its sync cannot get a token for that tenant, so it proves nothing
      expect((await t.sync({}, squatter.api)).status).toBe('failed');
      const user = apiClient(t.herald.url, await entra.sign());
      const refused = await user('GET', '/v1/me');
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/not connected/);
      expect((await signInOf(t.herald.url, entra.tenantId)).status).toBe(404);

      // the owner connects and syncs as usual: no 409, and sign-in is theirs
      await t.connect();
      expect((await t.sync()).status).toBe('succeeded');
      expect(expectStatus(await signInOf(t.herald.url, entra.tenantId), 200).clientId).toBe(entra.clientId);
      expect(expectStatus(await user('GET', '/v1/me'), 200).tenant.id).toBe(t.herald.admin.tenantId);
      // once proven, the squatter can no longer even claim it
      const again = await squatter.api('PUT', '/v1/directory/connection', claim);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('entraTenantTaken');

      // the same tenant id in other case is the same directory: still proven
      expectStatus(
        await t.herald.admin.api('PUT', '/v1/directory/connection', {
          entraTenantId: entra.tenantId.toUpperCase(),
          clientId: entra.clientId,
          clientSecret: t.entra.app.clientSecret,
        }),
        200,
      );
      expect((await signInOf(t.herald.url, entra.tenantId)).status).toBe(200);
      // connecting another Entra tenant forgets the proof until a sync proves that one
      const elsewhere = { entraTenantId: 'fabrikam.example', clientId: randomUUID(), clientSecret: 'x' };
      expectStatus(await t.herald.admin.api('PUT', '/v1/directory/connection', elsewhere), 200);
      expect((await signInOf(t.herald.url, entra.tenantId)).status).toBe(404);
      expect((await user('GET', '/v1/me')).status).toBe(401);
    } finally {
      await t.close();
      await entra.close();
    }
  });
});

/** GET /v1/auth/entra of another Herald than the file's. */
const signInOf = (url: string, tenant: string) => apiClient(url)('GET', `/v1/auth/entra?tenant=${encodeURIComponent(tenant)}`);
