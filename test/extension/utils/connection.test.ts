import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeraldError } from '../../../extension/utils/api';
import { savedApi } from '../../../extension/utils/connection';
import { signInWithMicrosoft, signOut } from '../../../extension/utils/entra-session';
import { describeProblem } from '../../../extension/utils/problem';
import { entraSessionItem, serverUrlItem, type StoredEntraSession, tokenItem } from '../../../extension/utils/storage';
import { startFakeEntra, type FakeEntra } from '../../fakes/entra-id';
import { authEntraRoute, entraAndHeraldFetch, entraRequests, fakeIdentity, resetEntra } from '../fake-entra-flow';
import { SERVER } from '../fake-herald';

let entra: FakeEntra;
const me = { tenant: { id: 't1', name: 'Contoso' }, account: { id: 'a1', email: 'ann@contoso.example' }, permissions: [], scopes: [] };

beforeAll(async () => {
  entra = await startFakeEntra();
});
afterAll(() => entra?.close());

/** Herald answering /v1/auth/entra for the fake's tenant, and /v1/me for any bearer, recording the bearers it saw. */
function herald() {
  const bearers: (string | null)[] = [];
  const fetch = entraAndHeraldFetch(entra, {
    'GET /v1/auth/entra': authEntraRoute(entra),
    'GET /v1/me': (req) => {
      bearers.push(req.headers.get('authorization'));
      return { body: me };
    },
  });
  return { bearers, fetch };
}

beforeEach(async () => {
  resetEntra(entra);
  await serverUrlItem.setValue(SERVER);
  await tokenItem.setValue('hrld_api_token');
});

const session = () => entraSessionItem.getValue() as Promise<StoredEntraSession>;

describe('the bearer of every API call', () => {
  it('is the Entra access token once signed in with Microsoft, the API token before and again after Sign out', async () => {
    const { bearers, fetch } = herald();
    fakeIdentity();
    await (await savedApi()).me();
    await signInWithMicrosoft(SERVER, 'contoso.example');
    // the tenant's registration is asked for without any token
    expect(fetch.mock.calls.find(([url]) => String(url).includes('/v1/auth/entra'))?.[1]?.headers).toEqual({});
    const signedIn = await session();
    await (await savedApi()).me();
    await signOut();
    await (await savedApi()).me();
    expect(bearers).toEqual(['Bearer hrld_api_token', `Bearer ${signedIn.accessToken}`, 'Bearer hrld_api_token']);
    expect(await entraSessionItem.getValue()).toBeNull();
  });

  it('is renewed with the refresh token when it has 5 minutes or less left, and the renewed tokens are kept in storage.local', async () => {
    const { bearers } = herald();
    fakeIdentity();
    entra.signIn.accessTokenSeconds = 4 * 60;
    await signInWithMicrosoft(SERVER, 'contoso.example');
    const first = await session();
    entra.signIn.accessTokenSeconds = 3600;
    entra.signIn.requests = [];
    const api = await savedApi();
    // two calls at once renew once
    await Promise.all([api.me(), api.me()]);
    const renewed = await session();
    expect(entraRequests(entra)).toEqual(['token refresh_token tokens']);
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(bearers).toEqual([`Bearer ${renewed.accessToken}`, `Bearer ${renewed.accessToken}`]);
  });

  it('when renewal needs the user, the call is not made and says so in words', async () => {
    const { bearers } = herald();
    const launch = fakeIdentity();
    entra.signIn.accessTokenSeconds = 60;
    await signInWithMicrosoft(SERVER, 'contoso.example');
    entra.signIn.expireRefreshTokens();
    entra.signIn.hasSession = false;
    const error = await (await savedApi())
      .me()
      .then(() => null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(describeProblem(error)).toMatch(
      /^Your Microsoft sign-in has ended and could not be renewed without you: sign in with Microsoft again/,
    );
    expect(bearers).toEqual([]);
    expect(launch.mock.calls.map(([details]) => details.interactive)).toEqual([true, false]);
  });

  it('is never the Entra access token for another server than the one signed in to: the API token goes there instead', async () => {
    const { bearers } = herald();
    fakeIdentity();
    await signInWithMicrosoft(SERVER, 'contoso.example');
    const signedIn = await session();
    expect(signedIn.server).toBe(SERVER);
    await serverUrlItem.setValue('https://herald.attacker.example');
    await (await savedApi()).me();
    await serverUrlItem.setValue(`${SERVER}/`);
    await (await savedApi()).me();
    expect(bearers).toEqual(['Bearer hrld_api_token', `Bearer ${signedIn.accessToken}`]);
  });

  it('a Sign out while a renewal is under way stays signed out: the renewed tokens are neither stored nor used', async () => {
    const { bearers } = herald();
    fakeIdentity();
    entra.signIn.accessTokenSeconds = 4 * 60;
    await signInWithMicrosoft(SERVER, 'contoso.example');
    // Entra's token endpoint answers the renewal only once let through
    const through = globalThis.fetch;
    let renewalAsked!: () => void;
    const asked = new Promise<void>((resolve) => (renewalAsked = resolve));
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).startsWith(entra.origin)) {
        renewalAsked();
        await answered;
      }
      return through(input, init);
    });
    const call = (await savedApi()).me();
    await asked;
    await signOut();
    answer();
    await call;
    expect(entraRequests(entra).at(-1)).toBe('token refresh_token tokens');
    expect(await entraSessionItem.getValue()).toBeNull();
    expect(bearers).toEqual(['Bearer hrld_api_token']);
  });
});
