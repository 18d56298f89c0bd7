import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;
beforeAll(async () => {
  s = await startSyncedHerald({ fake: { verifiedDomains: ['contoso.example', 'Contoso.onmicrosoft.example'] } });
});
afterAll(() => s?.close());

/** GET /v1/auth/entra without any token, as the extension asks before signing in. */
const signInFor = (tenant: string) => s.herald.api()('GET', `/v1/auth/entra?tenant=${encodeURIComponent(tenant)}`);

describe('GET /v1/auth/entra', () => {
  it('answers, without a token, the authority, app registration and scopes of a connected Entra tenant by its id', async () => {
    expect((await signInFor(s.fake.entraTenantId)).status).toBe(404);
    await s.connect();
    const expected = {
      authority: `https://login.microsoftonline.com/${s.fake.entraTenantId}`,
      clientId: s.fake.clientId,
      scopes: [`api://${s.fake.clientId}/Notifications.Send`, 'offline_access'],
    };
    expect(expectStatus(await signInFor(s.fake.entraTenantId), 200)).toEqual(expected);
    expect(expectStatus(await signInFor(s.fake.entraTenantId.toUpperCase()), 200)).toEqual(expected);
  });

  it('answers for the verified domains the last sync read from /v1.0/organization, and 404 for others', async () => {
    await s.connect();
    expect((await signInFor('contoso.example')).status).toBe(404);
    await s.sync();
    const answer = expectStatus(await signInFor('contoso.example'), 200);
    expect(answer.authority).toBe(`https://login.microsoftonline.com/${s.fake.entraTenantId}`);
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

describe('one Herald tenant per Entra tenant', () => {
  it('a second Herald tenant connecting an Entra tenant already connected elsewhere gets 409 entraTenantTaken, by id or domain', async () => {
    await s.connect();
    await s.sync();
    const other = await s.herald.newTenant('Fabrikam');
    for (const entraTenantId of [s.fake.entraTenantId.toUpperCase(), 'contoso.onmicrosoft.example']) {
      const res = await other.api('PUT', '/v1/directory/connection', { entraTenantId, clientId: s.fake.clientId, clientSecret: 'x' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('entraTenantTaken');
    }
    expect((await other.api('GET', '/v1/directory/connection')).status).toBe(404);
    // the tenant that holds it may change its own connection
    expectStatus(
      await s.herald.admin.api('PUT', '/v1/directory/connection', {
        entraTenantId: s.fake.entraTenantId,
        clientId: s.fake.clientId,
        clientSecret: s.fake.clientSecret,
      }),
      200,
    );
  });
});
