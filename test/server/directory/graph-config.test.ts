import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config';
import { keyFileFor } from '../../../server/directory/graph/crypto';
import { createDirectorySync } from '../../../server/directory/graph/service';
import { testTls } from '../../fakes/tls';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';

describe('HERALD_SECRET_KEY and the Entra/Graph origins', () => {
  it('accepts 32 bytes as hex or base64, and stops with a message naming it otherwise', () => {
    const key = randomBytes(32);
    expect(loadConfig({ HERALD_SECRET_KEY: key.toString('hex') }).HERALD_SECRET_KEY).toEqual(key);
    expect(loadConfig({ HERALD_SECRET_KEY: key.toString('base64') }).HERALD_SECRET_KEY).toEqual(key);
    expect(() => loadConfig({ HERALD_SECRET_KEY: randomBytes(16).toString('base64') })).toThrow(/HERALD_SECRET_KEY: must be 32 bytes/);
    expect(() => loadConfig({ HERALD_SECRET_KEY: 'not a key!' })).toThrow(/HERALD_SECRET_KEY/);
  });

  it('defaults to Microsoft’s public cloud and accepts only https origins', () => {
    const config = loadConfig({});
    expect(config.HERALD_ENTRA_AUTHORITY_HOST).toBe('https://login.microsoftonline.com');
    expect(config.HERALD_GRAPH_BASE_URL).toBe('https://graph.microsoft.com');
    expect(loadConfig({ HERALD_GRAPH_BASE_URL: 'https://graph.microsoft.us/' }).HERALD_GRAPH_BASE_URL).toBe('https://graph.microsoft.us');
    expect(() => loadConfig({ HERALD_ENTRA_AUTHORITY_HOST: 'http://login.example' })).toThrow(/HERALD_ENTRA_AUTHORITY_HOST/);
  });
});

describe('a configured key', () => {
  let s: SyncedHerald;
  afterEach(() => s.close());

  it('verifies TLS: an Entra ID whose certificate no trusted CA signed gets no token request, and the sync fails naming the cause', async () => {
    // the fakes' own CA, which this process does not trust (the others' is trusted through NODE_EXTRA_CA_CERTS)
    s = await startSyncedHerald({ tls: testTls() });
    await s.connect();
    const done = await s.sync();
    expect(done).toMatchObject({ status: 'failed', error: { code: 'tokenUnavailable' } });
    expect(done.error!.message).toContain(`${s.entra.origin}/${s.entra.tenantId}/v2.0/.well-known/openid-configuration could not be read`);
    expect(s.entra.app.tokenRequests).toBe(0);
    expect(s.fake.state.requests).toEqual([]);
  });

  it('encrypts the secret instead of a generated key file, and a different key cannot read it', async () => {
    s = await startSyncedHerald({ sync: { secretKey: randomBytes(32) } });
    s.fake.addUser({ id: 'u1', userPrincipalName: 'u1@contoso.example', displayName: 'U1' });
    await s.connect();
    expect((await s.sync()).status).toBe('succeeded');
    expect(existsSync(keyFileFor(s.herald.dbFile))).toBe(false);

    const wrongKey = createDirectorySync(
      { database: s.herald.database, now: Date.now, log: () => {} },
      { authorityHost: s.entra.origin, graphBaseUrl: s.fake.origin, secretKey: randomBytes(32) },
    );
    const started = await wrongKey.start(s.herald.admin.tenantId, null);
    expect(await started.done).toMatchObject({ status: 'failed', error: { code: 'secretUnreadable' } });
  });
});
