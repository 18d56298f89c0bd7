import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFileFor } from '../../../server/directory/graph/crypto';
import { tempFile } from '../../fakes/files';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { accountWith, expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;

afterEach(() => s.close());

describe('the directory connection', () => {
  beforeEach(async () => {
    s = await startSyncedHerald();
  });

  it('is stored with PUT and shown by GET without its secret, only its kind and when it was set', async () => {
    const put = await s.connect();
    const got = expectStatus(await s.herald.admin.api('GET', '/v1/directory/connection'), 200);
    expect(got).toEqual(put);
    expect(got).toEqual({
      entraTenantId: s.entra.tenantId,
      clientId: s.entra.clientId,
      allowedClientIds: null,
      credential: { type: 'secret', setAt: expect.any(String), thumbprintSha256: null },
      updatedAt: expect.any(String),
    });
  });

  it('keeps the allowed client applications it is given (lower case) and shows them; refuses ids that are not GUIDs', async () => {
    const upper = 'AAAAAAAA-1111-4111-8111-AAAAAAAAAAAA';
    const body = { entraTenantId: s.entra.tenantId, clientId: s.entra.clientId, clientSecret: 'x', allowedClientIds: [upper] };
    expectStatus(await s.herald.admin.api('PUT', '/v1/directory/connection', body), 200);
    const got = expectStatus(await s.herald.admin.api('GET', '/v1/directory/connection'), 200);
    expect(got.allowedClientIds).toEqual([upper.toLowerCase()]);
    for (const allowedClientIds of [['not-a-guid'], [], [upper, upper.toLowerCase()]]) {
      const res = await s.herald.admin.api('PUT', '/v1/directory/connection', { ...body, allowedClientIds });
      expect(res.status, JSON.stringify(allowedClientIds)).toBe(400);
      expect(res.body.error.message).toContain('allowedClientIds');
    }
    // a PUT that only rotates the secret keeps the list; only `null` lifts it
    const { allowedClientIds: _, ...withoutList } = body;
    // (the app's id written in capitals is the same app)
    const rotated = { ...withoutList, clientId: s.entra.clientId.toUpperCase(), clientSecret: 'rotated' };
    const kept = expectStatus(await s.herald.admin.api('PUT', '/v1/directory/connection', rotated), 200);
    expect(kept.allowedClientIds).toEqual([upper.toLowerCase()]);
    expect(kept.clientId).toBe(s.entra.clientId.toLowerCase());
    expect(
      expectStatus(await s.herald.admin.api('PUT', '/v1/directory/connection', { ...rotated, allowedClientIds: null }), 200)
        .allowedClientIds,
    ).toBeNull();
  });

  it('starts another app registration without the list it does not name', async () => {
    const id = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb';
    const body = { entraTenantId: s.entra.tenantId, clientId: s.entra.clientId, clientSecret: 'x', allowedClientIds: [id] };
    expectStatus(await s.herald.admin.api('PUT', '/v1/directory/connection', body), 200);
    const otherApp = { entraTenantId: s.entra.tenantId, clientId: 'cccccccc-3333-4333-8333-cccccccccccc', clientSecret: 'y' };
    expect(expectStatus(await s.herald.admin.api('PUT', '/v1/directory/connection', otherApp), 200).allowedClientIds).toBeNull();
  });

  it('refuses a body with both or neither credential, naming the field', async () => {
    const base = { entraTenantId: s.entra.tenantId, clientId: s.entra.clientId };
    const neither = await s.herald.admin.api('PUT', '/v1/directory/connection', base);
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toContain('exactly one credential');
    const both = await s.herald.admin.api('PUT', '/v1/directory/connection', {
      ...base,
      clientSecret: 'x',
      clientCertificate: { pem: 'y' },
    });
    expect(both.status).toBe(400);
  });

  it('needs Organization.Update over the whole tenant to change, Organization.Read to read', async () => {
    await s.connect();
    const reader = await accountWith(s.herald, [{ roleId: 'readOnlyOperator' }]);
    expect((await reader.api('GET', '/v1/directory/connection')).status).toBe(200);
    const body = { entraTenantId: s.entra.tenantId, clientId: s.entra.clientId, clientSecret: 'other' };
    expect((await reader.api('PUT', '/v1/directory/connection', body)).status).toBe(403);
    expect((await reader.api('POST', '/v1/directory/sync')).status).toBe(403);
    expectStatus(await s.herald.admin.api('POST', '/v1/directory/import', { groups: [{ id: 'g1', displayName: 'Leeds' }] }), 200);
    const scoped = await accountWith(s.herald, [{ roleId: 'administrator', scope: { type: 'groups', groupIds: ['g1'] } }]);
    const refused = await scoped.api('PUT', '/v1/directory/connection', body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('permission over the whole tenant');
    expect((await scoped.api('DELETE', '/v1/directory/connection')).status).toBe(403);
    expect((await scoped.api('POST', '/v1/directory/sync')).status).toBe(403);
  });

  it('DELETE removes it and stops syncing, and the directory stays', async () => {
    s.fake.addUser({ id: 'u1', userPrincipalName: 'u1@contoso.example', displayName: 'U1' });
    await s.connect();
    expect((await s.sync()).status).toBe('succeeded');
    expect((await s.herald.admin.api('DELETE', '/v1/directory/connection')).status).toBe(204);
    expect((await s.herald.admin.api('GET', '/v1/directory/connection')).status).toBe(404);
    const sync = await s.herald.admin.api('POST', '/v1/directory/sync');
    expect(sync.status).toBe(404);
    expect(sync.body.error.code).toBe('notConnected');
    expect((await s.herald.admin.api('GET', '/v1/users/u1')).status).toBe(200);
  });

  it('a wrong secret is found at the first sync: the sync fails with authenticationFailed; a corrected secret syncs at once', async () => {
    expectStatus(
      await s.herald.admin.api('PUT', '/v1/directory/connection', {
        entraTenantId: s.entra.tenantId,
        clientId: s.entra.clientId,
        clientSecret: 'wrong-secret-value',
      }),
      200,
    );
    const failed = await s.sync();
    expect(failed).toMatchObject({ status: 'failed', counts: null, error: { code: 'authenticationFailed' } });
    expect(failed.error!.message).toContain('invalid_client');

    await s.connect();
    expect((await s.sync()).status).toBe('succeeded');
  });

  it('changing the secret drops the token cached for the old one', async () => {
    await s.connect();
    await s.sync();
    const before = s.entra.app.tokenRequests;
    await s.sync();
    // MSAL's cache: no new token for the same connection
    expect(s.entra.app.tokenRequests).toBe(before);
    s.entra.app.rotateSecret('rotated-secret~2');
    await s.connect('rotated-secret~2');
    expect((await s.sync()).status).toBe('succeeded');
    expect(s.entra.app.tokenRequests).toBe(before + 1);
  });

  it('keeps the secret out of every response, log line, audit entry and the raw database file', async () => {
    const secret = `Sup3r-S3cret-Value-that-must-not-leak~${'x'.repeat(12)}`;
    s.entra.app.rotateSecret(secret);
    const responses = [
      await s.herald.admin.api('PUT', '/v1/directory/connection', {
        entraTenantId: s.entra.tenantId,
        clientId: s.entra.clientId,
        clientSecret: secret,
      }),
      await s.herald.admin.api('GET', '/v1/directory/connection'),
    ];
    const sync = await s.sync();
    expect(sync.status).toBe('succeeded');
    await s.herald.admin.api('PUT', '/v1/directory/connection', {
      entraTenantId: s.entra.tenantId,
      clientId: s.entra.clientId,
      clientSecret: 'not-it',
    });
    // and a failing one, whose error could have quoted it
    const failed = await s.sync();
    expect(failed.status).toBe('failed');
    responses.push(await s.herald.admin.api('GET', '/v1/directory/syncs'), await s.herald.admin.api('GET', '/v1/audit'));

    const audit = responses.at(-1)!.body;
    expect(audit.items.map((i: any) => i.action)).toEqual(expect.arrayContaining(['directory.connection.update', 'directory.sync']));
    for (const res of responses) expect(JSON.stringify(res.body)).not.toContain(secret);
    expect(s.logs.length).toBeGreaterThan(0);
    expect(s.logs.join('\n')).not.toContain(secret);
    s.herald.database.close();
    for (const file of [s.herald.dbFile, `${s.herald.dbFile}-wal`]) {
      const bytes = (() => {
        try {
          return readFileSync(file);
        } catch {
          return Buffer.alloc(0);
        }
      })();
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(Buffer.from(secret).toString('base64').slice(0, 24))).toBe(false);
    }
    // HERALD_SECRET_KEY is unset here: the key was generated into a 0600 file beside the database
    const keyFile = keyFileFor(s.herald.dbFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
  });
});

describe('a certificate credential', () => {
  const pem = () => {
    const key = tempFile('entra-app.key', '');
    const cert = join(key, '..', 'entra-app.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=herald-entra-app'],
      { stdio: 'ignore' },
    );
    return readFileSync(key, 'utf8') + readFileSync(cert, 'utf8');
  };
  const certificatePem = pem();

  beforeEach(async () => {
    s = await startSyncedHerald({ app: { certificatePem } });
  });

  it('signs the token request with the key: the sync succeeds, and GET shows the thumbprint, never the key', async () => {
    s.fake.addUser({ id: 'u1', userPrincipalName: 'u1@contoso.example', displayName: 'U1' });
    const put = expectStatus(
      await s.herald.admin.api('PUT', '/v1/directory/connection', {
        entraTenantId: s.entra.tenantId,
        clientId: s.entra.clientId,
        clientCertificate: { pem: certificatePem },
      }),
      200,
    );
    expect(put.credential).toEqual({
      type: 'certificate',
      setAt: expect.any(String),
      thumbprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(put)).not.toContain('PRIVATE KEY');
    const sync = await s.sync();
    expect(sync.status).toBe('succeeded');
    expect(sync.counts!.users.added).toBe(1);
  });

  it('refuses a PEM without a private key, or whose key belongs to another certificate', async () => {
    const certOnly = certificatePem.slice(certificatePem.indexOf('-----BEGIN CERTIFICATE-----'));
    const res = await s.herald.admin.api('PUT', '/v1/directory/connection', {
      entraTenantId: s.entra.tenantId,
      clientId: s.entra.clientId,
      clientCertificate: { pem: certOnly },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('private key');
    const otherKey = pem().split('-----BEGIN CERTIFICATE-----')[0]!;
    const mismatched = await s.herald.admin.api('PUT', '/v1/directory/connection', {
      entraTenantId: s.entra.tenantId,
      clientId: s.entra.clientId,
      clientCertificate: { pem: otherKey + certOnly },
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.error.message).toContain('does not belong');
  });
});
