import { decodeJwt, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  EntraSignInError,
  freshSession,
  pkcePair,
  signIn,
  type EntraConfig,
  type EntraDeps,
  type WebAuthFlow,
} from '../../../extension/utils/entra-auth';
import { authorityProblem } from '../../../extension/utils/entra-authority';
import { startFakeEntra, type FakeEntra } from '../../fakes/entra-id';
import { browserFlow, entraRequests, REDIRECT, resetEntra } from '../fake-entra-flow';

let entra: FakeEntra;
let config: EntraConfig;

const deps = (over: Partial<EntraDeps> = {}): EntraDeps => ({ launch: browserFlow, redirectUri: REDIRECT, ...over });
const requests = () => entraRequests(entra);

beforeAll(async () => {
  entra = await startFakeEntra();
  config = {
    authority: `${entra.origin}/${entra.tenantId}`,
    clientId: entra.clientId,
    scopes: [`api://${entra.clientId}/Notifications.Send`],
  };
});

afterAll(() => entra?.close());

beforeEach(() => {
  resetEntra(entra);
  entra.signIn.user = {
    oid: 'a1b2c3d4-0000-4000-8000-000000000001',
    preferred_username: 'ann@contoso.example',
    name: 'Ann Archer',
    roles: ['Herald.Administrator'],
  };
});

describe('Sign in with Microsoft: authorization code with PKCE against Entra ID', () => {
  it('signs in and redeems the code with its verifier for an access token of the API and a 24 h refresh token', async () => {
    const before = Date.now();
    const session = await signIn(config, deps(), true);
    const key = await importJWK(entra.publicJwk(), 'RS256');
    const { payload } = await jwtVerify(session.accessToken, key, {
      issuer: entra.issuer,
      audience: `api://${entra.clientId}`,
      algorithms: ['RS256'],
    });
    expect(payload).toMatchObject({
      tid: entra.tenantId,
      oid: 'a1b2c3d4-0000-4000-8000-000000000001',
      scp: 'Notifications.Send',
      roles: ['Herald.Administrator'],
    });
    expect(session.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(session.refreshToken).toEqual(expect.any(String));
    expect(session.refreshExpiresAt - before).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(session.refreshExpiresAt - before).toBeLessThanOrEqual(24 * 3600_000 + 5000);
    expect(requests()).toEqual(['authorize select_account code', 'token authorization_code tokens']);
  });

  it('the authorize request carries an S256 challenge of the verifier, a state, and the API scope with offline_access', async () => {
    const { verifier, challenge } = await pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const url = new URL(authorizeUrl(config, { redirectUri: REDIRECT, challenge, state: 's1' }));
    expect(url.origin + url.pathname).toBe(`${entra.origin}/${entra.tenantId}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: entra.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's1',
      scope: `api://${entra.clientId}/Notifications.Send offline_access openid profile`,
    });
  });

  it("asks only for Herald's API scope of the app registration named, whatever other scopes a server names", () => {
    const hostile = { ...config, scopes: ['https://graph.microsoft.com/Mail.Read', 'https://graph.microsoft.com/Files.ReadWrite.All'] };
    const url = new URL(authorizeUrl(hostile, { redirectUri: REDIRECT, challenge: 'c', state: 's' }));
    expect(url.searchParams.get('scope')).toBe(`api://${entra.clientId}/Notifications.Send offline_access openid profile`);
  });

  it('a code redeemed with another verifier is refused by Entra, and said in words', async () => {
    const other = await pkcePair();
    // the flow sends its own challenge; a launcher that swaps it in makes the token request carry a verifier that does not match
    const swapped: WebAuthFlow = ({ url, interactive }) => {
      const u = new URL(url);
      u.searchParams.set('code_challenge', other.challenge);
      return browserFlow({ url: u.toString(), interactive });
    };
    const error = await signIn(config, deps({ launch: swapped }), true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntraSignInError);
    expect((error as Error).message).toMatch(/^Microsoft did not accept the sign-in .*AADSTS501481: The Code_Verifier does not match/);
  });

  it('a declined, cancelled or unregistered sign-in is said in words', async () => {
    entra.signIn.declineSignIn = true;
    await expect(signIn(config, deps(), true)).rejects.toThrow(
      /^Sign-in with Microsoft was declined, so Herald is not signed in\. \(Microsoft: AADSTS65004/,
    );
    const closed: WebAuthFlow = () => Promise.reject(new Error('The user did not approve access.'));
    await expect(signIn(config, deps({ launch: closed }), true)).rejects.toThrow(
      'Sign-in with Microsoft was cancelled or could not finish, so Herald is not signed in (The user did not approve access.).',
    );
    entra.signIn.redirectUris = [];
    await expect(signIn(config, deps(), true)).rejects.toThrow(/could not finish.*\(Authorization page could not be loaded\.\)/);
  });

  it('an answer carrying another state is ignored', async () => {
    const replayed: WebAuthFlow = async (details) => (await browserFlow(details))!.replace(/state=[^&]*/, 'state=forged');
    await expect(signIn(config, deps({ launch: replayed }), true)).rejects.toThrow(/its state did not match/);
    expect(requests()).toEqual(['authorize select_account code']);
  });
});

describe('silent renewal', () => {
  it('keeps an access token with more than 5 minutes left, and renews it with the refresh token 5 minutes before expiry', async () => {
    const session = await signIn(config, deps(), true);
    entra.signIn.requests = [];
    expect(await freshSession(session, deps({ now: () => session.expiresAt - 5 * 60_000 - 1000 }))).toBe(session);
    expect(requests()).toEqual([]);

    const renewNow = session.expiresAt - 4 * 60_000;
    const renewed = await freshSession(session, deps({ now: () => renewNow }));
    expect(requests()).toEqual(['token refresh_token tokens']);
    expect(renewed.accessToken).not.toBe(session.accessToken);
    expect(renewed.refreshToken).not.toBe(session.refreshToken);
    // a refresh does not extend a browser-based app's 24 h: the new refresh token has what was left of the old one's life
    expect(Math.abs(renewed.refreshExpiresAt - renewNow - (session.refreshExpiresAt - Date.now()))).toBeLessThan(2000);
    expect(decodeJwt(renewed.accessToken).oid).toBe('a1b2c3d4-0000-4000-8000-000000000001');
  });

  it('once the refresh token is past its 24 h, signs in again silently with prompt=none through the Entra session', async () => {
    const session = await signIn(config, deps(), true);
    entra.signIn.requests = [];
    const silent: { interactive: boolean }[] = [];
    const launch: WebAuthFlow = (details) => {
      silent.push({ interactive: details.interactive });
      return browserFlow(details);
    };
    const dayLater = session.refreshExpiresAt + 1000;
    const renewed = await freshSession(session, deps({ launch, now: () => dayLater }));
    expect(requests()).toEqual(['authorize none code', 'token authorization_code tokens']);
    expect(silent).toEqual([{ interactive: false }]);
    expect(renewed.accessToken).not.toBe(session.accessToken);
  });

  it('a refresh token Entra refuses (AADSTS700084) falls back to the silent sign-in', async () => {
    const session = await signIn(config, deps(), true);
    entra.signIn.expireRefreshTokens();
    entra.signIn.requests = [];
    const renewed = await freshSession(session, deps({ now: () => session.expiresAt }));
    expect(requests()).toEqual(['token refresh_token error', 'authorize none code', 'token authorization_code tokens']);
    expect(renewed.refreshToken).not.toBe(session.refreshToken);
  });

  it('without an Entra session, says in words that only signing in again helps', async () => {
    const session = await signIn(config, deps(), true);
    entra.signIn.expireRefreshTokens();
    entra.signIn.hasSession = false;
    const error = await freshSession(session, deps({ now: () => session.expiresAt })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'login_required' });
    expect((error as Error).message).toMatch(
      /^Your Microsoft sign-in has ended and could not be renewed without you: sign in with Microsoft again in Herald's options\. \(Microsoft: AADSTS50058/,
    );
  });
});

describe('the authority Herald names', () => {
  const tenant = '0c6f1a3e-0000-4000-8000-000000000001';

  it('is trusted only on Microsoft Entra ID: the global cloud and the national clouds, over https, naming a tenant', () => {
    for (const host of [
      'login.microsoftonline.com',
      'login.microsoftonline.us',
      'login.chinacloudapi.cn',
      'login.partner.microsoftonline.cn',
    ])
      expect(authorityProblem(`https://${host}/${tenant}`, [])).toBeNull();
    for (const authority of [
      `http://login.microsoftonline.com/${tenant}`,
      `https://login.microsoftonline.com.evil.example/${tenant}`,
      `https://login.evil.example/${tenant}`,
      `https://login.microsoftonline.com:8443/${tenant}`,
      `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/../../x`,
      `https://user@login.microsoftonline.com/${tenant}`,
      'not a url',
    ])
      expect(authorityProblem(authority, []), authority).toMatch(/not Microsoft Entra ID|not a URL/);
  });

  it("trusts the tests' fake on loopback only through the test allowance, which a production build leaves empty", () => {
    expect(authorityProblem(config.authority)).toBeNull();
    expect(authorityProblem(config.authority, [])).toMatch(/^Herald named https:\/\/127\.0\.0\.1:\d+ as where to sign in with Microsoft/);
    expect(authorityProblem(`http://127.0.0.1:1/${tenant}`)).toMatch(/not Microsoft Entra ID/);
  });

  it('another host is refused before the browser opens any page or a token request leaves', async () => {
    let launched = 0;
    const launch: WebAuthFlow = async (details) => {
      launched++;
      return browserFlow(details);
    };
    const evil = { ...config, authority: `https://login.evil.example/${entra.tenantId}` };
    const error = await signIn(evil, deps({ launch }), true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntraSignInError);
    expect(error).toMatchObject({ code: 'untrustedAuthority', message: expect.stringContaining('https://login.evil.example') });
    expect(launched).toBe(0);
    // a stored session whose authority is not Entra's is never renewed there either
    const session = { ...(await signIn(config, deps(), true)), authority: evil.authority, expiresAt: 0 };
    const before = requests().length;
    await expect(freshSession(session, deps())).rejects.toMatchObject({ code: 'untrustedAuthority' });
    expect(requests().length).toBe(before);
  });
});
