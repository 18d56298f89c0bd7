import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraSession } from '../../extension/utils/entra-auth';
import { recordOrganization } from '../../server/directory/graph/organization';
import { startFakeEntra, type FakeEntra } from '../fakes/entra-id';
import { requestsInShort } from '../fakes/entra-sign-in';
import { trustedTls } from '../fakes/tls';
import { expectStatus } from '../helpers/rbac';
import { ARTIFACTS, E2E_EXTENSION_DIR, launchWithExtension, type ExtensionBrowser } from './browser';
import { startHeraldWithDirectory, type E2eHerald } from './herald-server';
import { OptionsPage } from './pages/options-page';
import { PopupPage } from './pages/popup-page';

/** Herald connected to a fake Entra tenant, and the extension in Chromium signing in to it with no API token saved. */
let entra: FakeEntra;
let herald: E2eHerald;
let browser: ExtensionBrowser;
const requests = () => requestsInShort(entra.signIn.requests);

/** The extension's stored Entra session, read and changed through the service worker's chrome.storage.local. */
interface StorageGlobal {
  chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: object): Promise<void> } } };
}
const storedSession = () =>
  browser.serviceWorker.evaluate(
    async () =>
      ((await (self as unknown as StorageGlobal).chrome.storage.local.get('entraSession')).entraSession ?? null) as EntraSession | null,
  );
/** Time passing for the extension: its access token now has one minute left (Entra's own tokens keep their real expiry). */
const accessTokenDueSoon = () =>
  browser.serviceWorker.evaluate(async () => {
    const { storage } = (self as unknown as StorageGlobal).chrome;
    const { entraSession } = (await storage.local.get('entraSession')) as { entraSession: EntraSession };
    await storage.local.set({ entraSession: { ...entraSession, expiresAt: Date.now() + 60_000 } });
  });

/** Chromium trusts the test CA's server certificate (the fake Entra ID's) by its public key, as it would a real one. */
function trustFakeEntra(): string {
  const spki = new X509Certificate(trustedTls().cert).publicKey.export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

beforeAll(async () => {
  entra = await startFakeEntra();
  herald = await startHeraldWithDirectory({ HERALD_ENTRA_AUTHORITY_HOST: entra.origin });
  expectStatus(
    await herald.api('PUT', '/v1/directory/connection', {
      entraTenantId: entra.tenantId,
      clientId: entra.clientId,
      clientSecret: 'unused-by-sign-in',
    }),
    200,
  );
  // what a sync with working credentials records, proving the Entra tenant for sign-in (this fake has no Graph)
  await herald.database.write((tx) => recordOrganization(tx, herald.tenantId, { id: entra.tenantId, verifiedDomains: [] }));
  browser = await launchWithExtension([trustFakeEntra()], E2E_EXTENSION_DIR);
  entra.signIn.redirectUris = [`https://${browser.extensionId}.chromiumapp.org/`];
  entra.signIn.user = {
    oid: '7d0e4a1c-0000-4000-8000-0000000000a1',
    preferred_username: 'pat@contoso.example',
    name: 'Pat Admin',
    roles: ['Herald.Administrator'],
  };
});

afterAll(async () => {
  await browser?.close();
  await herald?.close();
  await entra?.close();
});

describe('Sign in with Microsoft in Chromium, against a fake Entra ID and a real Herald', () => {
  it('signs in through the authorize endpoint and shows who is signed in with what permissions', async () => {
    const options = await OptionsPage.open(browser);
    const said = await options.signInWithMicrosoft(herald.url, entra.tenantId);
    await options.page.screenshot({ path: join(ARTIFACTS, 'entra-sign-in.png') });
    expect(said).toMatch(
      /^Signed in with Microsoft\. Connected to tenant “Default” as pat@contoso\.example\. Permissions: .*RemoteTasks\.SendCustomNotifications.* From the Entra app role Herald\.Administrator\.$/,
    );
    expect(requests()).toEqual(['authorize select_account code', 'token authorization_code tokens']);
    const session = await storedSession();
    expect(session).toMatchObject({ clientId: entra.clientId, authority: `${entra.origin}/${entra.tenantId}` });
    expect(session!.refreshToken).toEqual(expect.any(String));
    expect(
      await browser.serviceWorker.evaluate(() =>
        (self as unknown as { chrome: { storage: { sync: { get(k: null): Promise<object> } } } }).chrome.storage.sync.get(null),
      ),
    ).toEqual({});
    await options.page.close();
  });

  it('sends a device notification with the Entra access token: Herald records Pat as its sender', async () => {
    const popup = await PopupPage.open(browser);
    await popup.target('Device');
    await popup.chooseDevice('iphone', 'iPhone of Ana');
    await popup.title.fill('Signed in with Microsoft');
    await popup.body.fill('Sent with an Entra access token.');
    await popup.send.click();
    await popup.sentId.waitFor();
    const id = (await popup.sentId.textContent())!;
    const sent = expectStatus(await herald.api('GET', `/v1/notifications/${id}`), 200);
    expect(sent.sender).toMatchObject({ email: 'pat@contoso.example' });
    await popup.page.close();
  });

  it('renews silently: with the refresh token, then after its 24 h through prompt=none in a hidden web auth flow', async () => {
    entra.signIn.requests = [];
    const before = (await storedSession())!;
    await accessTokenDueSoon();
    let options = await OptionsPage.open(browser);
    expect(await options.entraResult()).toMatch(/^Signed in with Microsoft\. Connected to tenant “Default” as pat@contoso\.example\./);
    expect(requests()).toEqual(['token refresh_token tokens']);
    const refreshed = (await storedSession())!;
    expect(refreshed.accessToken).not.toBe(before.accessToken);
    await options.page.close();

    entra.signIn.requests = [];
    entra.signIn.expireRefreshTokens();
    await accessTokenDueSoon();
    options = await OptionsPage.open(browser);
    expect(await options.entraResult()).toMatch(/^Signed in with Microsoft\. Connected to tenant “Default” as pat@contoso\.example\./);
    expect(requests()).toEqual(['token refresh_token error', 'authorize none code', 'token authorization_code tokens']);
    expect((await storedSession())!.accessToken).not.toBe(refreshed.accessToken);
    await options.page.close();
  });

  it('says in words when the Entra session has ended too, then signs out and forgets the tokens', async () => {
    entra.signIn.expireRefreshTokens();
    entra.signIn.hasSession = false;
    await accessTokenDueSoon();
    const options = await OptionsPage.open(browser);
    expect(await options.entraResult()).toMatch(
      /^Signed in with Microsoft, but: Your Microsoft sign-in has ended and could not be renewed without you: sign in with Microsoft again/,
    );
    expect(await options.signOut()).toMatch(/^Signed out: the Microsoft tokens are forgotten\./);
    expect(await storedSession()).toBeNull();
    expect(await options.testConnection()).toMatch(/^Herald refused the API token \(401\)/);
    await options.page.close();
  });
});
