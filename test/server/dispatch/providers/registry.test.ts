import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../server/config';
import { silentLogger } from '../../../../server/core/logger';
import { createProviders } from '../../../../server/dispatch/providers/registry';
import { apnsTestKey, startFakeApns, type FakeApns } from '../../../fakes/apns';
import { startFakeFcm, type FakeFcm } from '../../../fakes/fcm';
import { tempFile } from '../../../fakes/files';
import { apnsToken, pushMessage } from '../../../helpers/push';

const apnsEnv = (key = apnsTestKey()) => ({
  HERALD_APNS_KEY_FILE: key.keyFile,
  HERALD_APNS_KEY_ID: key.keyId,
  HERALD_APNS_TEAM_ID: key.teamId,
  HERALD_APNS_TOPIC: 'com.example.herald',
});

const providersFor = (env: Record<string, string>) => createProviders(loadConfig(env), silentLogger);

describe('provider registry', () => {
  it('serves both services with the simulator when nothing is configured, and says so', async () => {
    const providers = providersFor({});
    expect(providers.for('apns')).toMatchObject({ name: 'simulator', service: 'apns' });
    expect(providers.for('fcm')).toMatchObject({ name: 'simulator', service: 'fcm' });
    expect(providers.describe()).toEqual([
      'apns: simulated (set HERALD_APNS_KEY_FILE, HERALD_APNS_KEY_ID, HERALD_APNS_TEAM_ID, HERALD_APNS_TOPIC for real pushes)',
      'fcm: simulated (set HERALD_FCM_SERVICE_ACCOUNT_FILE for real pushes)',
    ]);
    await providers.close();
  });

  it('builds the real APNs provider from the four variables and names its origin and topic', async () => {
    const providers = providersFor({ ...apnsEnv(), HERALD_APNS_ORIGIN: 'https://api.sandbox.push.apple.com' });
    expect(providers.for('apns').name).toBe('apns');
    expect(providers.for('fcm').name).toBe('simulator');
    expect(providers.describe()[0]).toBe('apns: real (https://api.sandbox.push.apple.com, topic com.example.herald)');
    await providers.close();
  });

  it('refuses a partial APNs configuration, naming the missing variables', () => {
    const { HERALD_APNS_KEY_FILE, HERALD_APNS_TOPIC } = apnsEnv();
    expect(() => providersFor({ HERALD_APNS_KEY_FILE, HERALD_APNS_TOPIC })).toThrow(
      'Incomplete APNs configuration: HERALD_APNS_KEY_ID, HERALD_APNS_TEAM_ID are missing',
    );
  });

  it('names HERALD_APNS_KEY_FILE when the key cannot be read or is not an EC P-256 key', () => {
    expect(() => providersFor({ ...apnsEnv(), HERALD_APNS_KEY_FILE: '/nonexistent/AuthKey.p8' })).toThrow(
      'HERALD_APNS_KEY_FILE: cannot read /nonexistent/AuthKey.p8 (ENOENT)',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => providersFor({ ...apnsEnv(), HERALD_APNS_KEY_FILE: tempFile('rsa.p8', rsa) })).toThrow(
      /HERALD_APNS_KEY_FILE: .* is not an EC P-256 key/,
    );
    expect(() => providersFor({ ...apnsEnv(), HERALD_APNS_KEY_FILE: tempFile('junk.p8', 'junk') })).toThrow(
      /HERALD_APNS_KEY_FILE: .* is not a private key/,
    );
  });

  it('names HERALD_FCM_SERVICE_ACCOUNT_FILE when the file is unreadable, not JSON or not a service account', () => {
    expect(() => providersFor({ HERALD_FCM_SERVICE_ACCOUNT_FILE: '/nonexistent/sa.json' })).toThrow(
      'HERALD_FCM_SERVICE_ACCOUNT_FILE: cannot read /nonexistent/sa.json (ENOENT)',
    );
    expect(() => providersFor({ HERALD_FCM_SERVICE_ACCOUNT_FILE: tempFile('sa-junk.json', '{') })).toThrow(
      /HERALD_FCM_SERVICE_ACCOUNT_FILE: .* is not JSON/,
    );
    expect(() => providersFor({ HERALD_FCM_SERVICE_ACCOUNT_FILE: tempFile('sa-empty.json', '{}') })).toThrow(
      /HERALD_FCM_SERVICE_ACCOUNT_FILE: .* has no project_id/,
    );
    const noKey = tempFile(
      'sa-nokey.json',
      JSON.stringify({ project_id: 'p', client_email: 'a@p.iam.gserviceaccount.com', private_key: 'junk' }),
    );
    expect(() => providersFor({ HERALD_FCM_SERVICE_ACCOUNT_FILE: noKey })).toThrow(
      /HERALD_FCM_SERVICE_ACCOUNT_FILE: .* is not a usable service account/,
    );
  });

  it('refuses HERALD_FCM_ORIGIN without a service account rather than silently simulating', () => {
    expect(() => providersFor({ HERALD_FCM_ORIGIN: 'https://proxy.example' })).toThrow(
      /HERALD_FCM_ORIGIN is set but HERALD_FCM_SERVICE_ACCOUNT_FILE is not/,
    );
  });

  describe('with both services configured against the fakes', () => {
    let apns: FakeApns;
    let fcm: FakeFcm;
    beforeAll(async () => {
      [apns, fcm] = await Promise.all([startFakeApns(), startFakeFcm()]);
    });
    afterAll(async () => {
      await Promise.all([apns.close(), fcm.close()]);
    });

    it('delivers through the real providers it built once, and describes them', async () => {
      const config = loadConfig({
        ...apnsEnv(apns.key),
        HERALD_APNS_ORIGIN: apns.origin,
        HERALD_FCM_SERVICE_ACCOUNT_FILE: fcm.serviceAccount.file,
        HERALD_FCM_ORIGIN: fcm.origin,
      });
      const providers = createProviders(config, silentLogger, { ca: apns.ca });
      try {
        expect(providers.for('apns')).toBe(providers.for('apns'));
        expect(await providers.for('apns').send([pushMessage(apnsToken(1))])).toEqual([{ outcome: 'ok' }]);
        expect(await providers.for('fcm').send([pushMessage('fcm-token')])).toEqual([{ outcome: 'ok' }]);
        expect(providers.describe()).toEqual([
          `apns: real (${apns.origin}, topic com.example.herald)`,
          `fcm: real (project ${fcm.serviceAccount.projectId} via ${fcm.origin})`,
        ]);
        expect([apns.count, fcm.count]).toEqual([1, 1]);
      } finally {
        await providers.close();
      }
    });
  });
});
