import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import browser from 'webextension-polyfill';
import { entraSessionItem, serverUrlItem, tokenItem } from '../../../extension/utils/storage';
import { startFakeEntra, type FakeEntra } from '../../fakes/entra-id';
import { authEntraRoute, entraAndHeraldFetch, fakeIdentity, REDIRECT, resetEntra } from '../fake-entra-flow';
import { renderOptions } from '../render';

let entra: FakeEntra;

beforeAll(async () => {
  entra = await startFakeEntra();
});
afterAll(() => entra?.close());

beforeEach(() => resetEntra(entra));

/** Herald knowing the fake's tenant by its domain; /v1/me answers Ann for her Entra token only. */
function herald() {
  const bearers: (string | null)[] = [];
  entraAndHeraldFetch(entra, {
    'GET /v1/auth/entra': authEntraRoute(entra),
    'GET /v1/me': (req) =>
      bearers.push(req.headers.get('authorization')) && req.headers.get('authorization')?.startsWith('Bearer ey')
        ? {
            body: {
              tenant: { id: 't1', name: 'Contoso' },
              account: { id: 'a1', email: 'ann@contoso.example' },
              permissions: ['Organization.Read', 'ManagedDevices.Read', 'Organization.Update', 'RemoteTasks.SendCustomNotifications'],
              signIn: { source: 'entra' },
              scopes: [
                {
                  roleId: 'r1',
                  roleName: 'Administrator',
                  permissions: ['Organization.Read'],
                  scope: { type: 'all' },
                  source: { type: 'appRole', appRole: 'Herald.Administrator' },
                },
              ],
            },
          }
        : { status: 401, body: { error: { code: 'unauthenticated', message: 'No token.' } } },
  });
  return bearers;
}

/** Options signed in with Microsoft to the saved server (http://127.0.0.1:8787). */
async function signedInOptions() {
  const ui = await renderOptions();
  ui.type(ui.byLabel('Entra tenant id or domain'), 'contoso.example');
  ui.button('Sign in with Microsoft').click();
  await vi.waitFor(() => expect(ui.text('entra-result')).toMatch(/^Signed in with Microsoft\. Connected/));
  return ui;
}

describe('options: Sign in with Microsoft', () => {
  it('signs in to the tenant through the web auth flow, shows who is signed in and their permissions, and Sign out forgets the tokens', async () => {
    herald();
    const launch = fakeIdentity();
    const ui = await renderOptions();
    expect(ui.root.textContent).toContain(`Redirect URI to register (single-page application) on Herald's app registration: ${REDIRECT}`);
    ui.type(ui.byLabel('Entra tenant id or domain'), ' contoso.example ');
    ui.button('Sign in with Microsoft').click();
    await vi.waitFor(() =>
      expect(ui.text('entra-result')).toBe(
        'Signed in with Microsoft. Connected to tenant “Contoso” as ann@contoso.example. Permissions: Organization.Read, ManagedDevices.Read, Organization.Update, RemoteTasks.SendCustomNotifications. From the Entra app role Herald.Administrator.',
      ),
    );
    expect(launch.mock.calls[0]?.[0]).toMatchObject({ interactive: true });
    expect(new URL(launch.mock.calls[0]![0].url).searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(await entraSessionItem.getValue()).toMatchObject({ clientId: entra.clientId, accessToken: expect.stringMatching(/^ey/) });
    expect(await serverUrlItem.getValue()).toBe('http://127.0.0.1:8787');

    ui.button('Sign out').click();
    await vi.waitFor(() => expect(ui.text('entra-result')).toMatch(/^Signed out: the Microsoft tokens are forgotten\./));
    expect(await entraSessionItem.getValue()).toBeNull();
    ui.button('Sign in with Microsoft');
  });

  it('says in words when the sign-in is cancelled, declined, or the tenant is unknown to Herald, and keeps no tokens', async () => {
    herald();
    const launch = fakeIdentity(() => Promise.reject(new Error('The user did not approve access.')));
    await tokenItem.setValue('hrld_kept');
    const ui = await renderOptions();
    ui.type(ui.byLabel('Entra tenant id or domain'), 'contoso.example');
    ui.button('Sign in with Microsoft').click();
    await vi.waitFor(() =>
      expect(ui.text('entra-result')).toBe(
        'Sign-in with Microsoft was cancelled or could not finish, so Herald is not signed in (The user did not approve access.).',
      ),
    );

    launch.mockRestore();
    fakeIdentity();
    entra.signIn.declineSignIn = true;
    ui.button('Sign in with Microsoft').click();
    await vi.waitFor(() => expect(ui.text('entra-result')).toMatch(/^Sign-in with Microsoft was declined, so Herald is not signed in\./));

    ui.type(ui.byLabel('Entra tenant id or domain'), 'fabrikam.example');
    ui.button('Sign in with Microsoft').click();
    await vi.waitFor(() =>
      expect(ui.text('entra-result')).toBe(
        'Not signed in: http://127.0.0.1:8787 has no Herald tenant connected to the Entra tenant “fabrikam.example”. Check the tenant id or domain.',
      ),
    );
    expect(await entraSessionItem.getValue()).toBeNull();
    expect(await tokenItem.getValue()).toBe('hrld_kept');
  });

  it('Save with another server signs out of Microsoft, so the Entra token is never sent there', async () => {
    herald();
    fakeIdentity();
    const ui = await signedInOptions();
    vi.spyOn(browser.permissions, 'request').mockResolvedValue(true);
    ui.type(ui.byLabel('Server URL'), 'https://herald.other.example/');
    ui.button('Save').click();
    await vi.waitFor(() =>
      expect(ui.text('connection-result')).toBe(
        'Saved. The token is kept in this browser only (never synced). Signed out of Microsoft: that sign-in was for http://127.0.0.1:8787.',
      ),
    );
    expect(await entraSessionItem.getValue()).toBeNull();
    expect(await serverUrlItem.getValue()).toBe('https://herald.other.example');
    await vi.waitFor(() => ui.button('Sign in with Microsoft'));
  });

  it('Save with the same server keeps the Microsoft sign-in', async () => {
    herald();
    fakeIdentity();
    const ui = await signedInOptions();
    ui.type(ui.byLabel('Server URL'), 'http://127.0.0.1:8787/');
    ui.button('Save').click();
    await vi.waitFor(() => expect(ui.text('connection-result')).toBe('Saved. The token is kept in this browser only (never synced).'));
    expect(await entraSessionItem.getValue()).not.toBeNull();
  });

  it('Test connection sends the API token typed, and the Entra token only to the server it was signed in to', async () => {
    const bearers = herald();
    fakeIdentity();
    const ui = await signedInOptions();
    const { accessToken } = (await entraSessionItem.getValue())!;
    bearers.length = 0;
    const testWith = async (url: string, token: string) => {
      ui.type(ui.byLabel('Server URL'), url);
      ui.type(ui.byLabel('API token'), token);
      const before = bearers.length;
      ui.button('Test connection').click();
      await vi.waitFor(() => expect(bearers.length).toBe(before + 1));
    };
    await testWith('http://localhost:9999', 'hrld_typed');
    await testWith('http://localhost:9999', '');
    await testWith('http://127.0.0.1:8787', 'hrld_typed');
    await testWith('http://127.0.0.1:8787', '');
    expect(bearers).toEqual(['Bearer hrld_typed', null, 'Bearer hrld_typed', `Bearer ${accessToken}`]);
  });
});
