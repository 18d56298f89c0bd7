/**
 * Sign in with Microsoft Entra ID as a browser-based app: the authorization code flow with PKCE (RFC 7636), the code
 * redeemed at the tenant's token endpoint from the extension itself, renewed with the refresh token and, once its fixed
 * 24 h life is over, silently (`prompt=none`) through the browser's Entra session. Nothing here touches storage or the
 * browser: the web auth flow and fetch are passed in.
 */

import type { EntraSignIn } from './api-types';
import { authorityProblem } from './entra-authority';
import { entraScopes } from '../../shared/entra-scopes';

/** What Herald's `GET /v1/auth/entra` says about a tenant's app registration: `<authority host>/<Entra tenant id>`, client id, scopes. */
export type EntraConfig = EntraSignIn;

export interface EntraTokens {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken: string | null;
  /** Epoch ms: the refresh token's life (24 h from sign-in for a browser-based app; a refresh does not extend it). */
  refreshExpiresAt: number;
}

/** A sign-in kept in storage.local: the registration it came from and its tokens. */
export interface EntraSession extends EntraConfig, EntraTokens {}

/** Opens the authorize URL (browser.identity.launchWebAuthFlow) and answers the URL it was redirected to. */
export type WebAuthFlow = (details: { url: string; interactive: boolean }) => Promise<string | undefined>;

export interface EntraDeps {
  launch: WebAuthFlow;
  /** browser.identity.getRedirectURL() */
  redirectUri: string;
  fetchFn?: typeof fetch;
  now?: () => number;
}

/** A sign-in that did not happen, in words. */
export class EntraSignInError extends Error {
  constructor(
    message: string,
    /** Entra's error code (`login_required`, `access_denied`, `invalid_grant`...) or `cancelled`, `unreachable`, `untrustedAuthority`. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Renew an access token this long before it expires, as MSAL does. */
export const RENEW_BEFORE_MS = 5 * 60_000;
/** A browser-based app's refresh token lives 24 h when Entra does not say. */
const SPA_REFRESH_LIFE_S = 24 * 3600;
/** Scopes every sign-in asks for beside the API's: the ID token, and a refresh token. */
const OIDC_SCOPES = ['openid', 'profile', 'offline_access'];

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomString = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/** A PKCE verifier (43 characters of 32 random bytes) and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomString(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

/** Herald's API and a refresh token for the app registration named, built here: never scopes the server names (see entraScopes). */
const scopeOf = (config: EntraConfig) => [...new Set([...entraScopes(config.clientId), ...OIDC_SCOPES])].join(' ');
/** An endpoint of the authority, only ever of Microsoft Entra ID (see entra-authority.ts): any other throws before a request. */
function endpoint(config: EntraConfig, name: 'authorize' | 'token'): string {
  const problem = authorityProblem(config.authority);
  if (problem) throw new EntraSignInError(problem, 'untrustedAuthority');
  return `${config.authority.replace(/\/+$/, '')}/oauth2/v2.0/${name}`;
}

export function authorizeUrl(
  config: EntraConfig,
  request: { redirectUri: string; challenge: string; state: string; prompt?: 'none' | 'select_account' },
): string {
  const params = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri,
    response_mode: 'query',
    scope: scopeOf(config),
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
  });
  if (request.prompt) params.set('prompt', request.prompt);
  return `${endpoint(config, 'authorize')}?${params.toString()}`;
}

/** Entra's refusals an admin meets, in words. */
function entraWords(error: string, description: string | null): string {
  const detail = description ? ` (Microsoft: ${description.split(/\r?\n/)[0]})` : '';
  switch (error) {
    case 'login_required':
    case 'interaction_required':
    case 'consent_required':
      return `Your Microsoft sign-in has ended and could not be renewed without you: sign in with Microsoft again in Herald's options.${detail}`;
    case 'access_denied':
      return `Sign-in with Microsoft was declined, so Herald is not signed in.${detail}`;
    case 'invalid_grant':
      return `Microsoft did not accept the sign-in (it may have expired or been revoked): sign in with Microsoft again.${detail}`;
    default:
      return `Microsoft refused the sign-in: ${error}.${detail}`;
  }
}

/** The code from the URL Entra redirected back to; a refusal, or an answer to another request, throws in words. */
export function codeFromRedirect(redirected: string, state: string): string {
  const q = new URL(redirected).searchParams;
  const error = q.get('error');
  if (error) throw new EntraSignInError(entraWords(error, q.get('error_description')), error);
  if (q.get('state') !== state)
    throw new EntraSignInError(
      'The answer from Microsoft was not for this sign-in (its state did not match), so it was ignored. Try again.',
      'state',
    );
  const code = q.get('code');
  if (!code) throw new EntraSignInError('Microsoft sent no authorization code back. Try again.', 'noCode');
  return code;
}

async function tokenRequest(config: EntraConfig, form: Record<string, string>, fetchFn: typeof fetch, now: number): Promise<EntraTokens> {
  const url = endpoint(config, 'token');
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: config.clientId, scope: scopeOf(config), ...form }).toString(),
    });
  } catch {
    throw new EntraSignInError(`Microsoft Entra ID is unreachable at ${new URL(config.authority).origin}.`, 'unreachable');
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || typeof body?.access_token !== 'string') {
    const error = typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`;
    throw new EntraSignInError(entraWords(error, typeof body?.error_description === 'string' ? body.error_description : null), error);
  }
  const refreshLife = typeof body.refresh_token_expires_in === 'number' ? body.refresh_token_expires_in : SPA_REFRESH_LIFE_S;
  return {
    accessToken: body.access_token,
    expiresAt: now + Number(body.expires_in ?? 0) * 1000,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
    refreshExpiresAt: typeof body.refresh_token === 'string' ? now + refreshLife * 1000 : 0,
  };
}

/** The authorization code flow with PKCE through the browser: interactive, or silent through Entra's session cookie. */
export async function signIn(config: EntraConfig, deps: EntraDeps, interactive: boolean): Promise<EntraSession> {
  const { verifier, challenge } = await pkcePair();
  const state = randomString(16);
  const url = authorizeUrl(config, { redirectUri: deps.redirectUri, challenge, state, prompt: interactive ? 'select_account' : 'none' });
  let redirected: string | undefined;
  try {
    redirected = await deps.launch({ url, interactive });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw interactive
      ? new EntraSignInError(
          `Sign-in with Microsoft was cancelled or could not finish, so Herald is not signed in (${reason}).`,
          'cancelled',
        )
      : new EntraSignInError(
          `Your Microsoft sign-in has ended and could not be renewed without you: sign in with Microsoft again in Herald's options (${reason}).`,
          'login_required',
        );
  }
  if (!redirected) throw new EntraSignInError('Sign-in with Microsoft was cancelled, so Herald is not signed in.', 'cancelled');
  const code = codeFromRedirect(redirected, state);
  const now = (deps.now ?? Date.now)();
  const tokens = await tokenRequest(
    config,
    { grant_type: 'authorization_code', code, redirect_uri: deps.redirectUri, code_verifier: verifier },
    deps.fetchFn ?? fetch,
    now,
  );
  return { ...config, ...tokens };
}

/**
 * The session with an access token good for at least RENEW_BEFORE_MS more: as it is, renewed with its refresh token,
 * or (refresh token past its 24 h, or refused) silently through the browser's Entra session. Throws in words when
 * only the user can sign in again.
 */
export async function freshSession(session: EntraSession, deps: EntraDeps): Promise<EntraSession> {
  const now = (deps.now ?? Date.now)();
  if (session.expiresAt - now > RENEW_BEFORE_MS) return session;
  if (session.refreshToken && session.refreshExpiresAt - now > 0) {
    try {
      const tokens = await tokenRequest(
        session,
        { grant_type: 'refresh_token', refresh_token: session.refreshToken },
        deps.fetchFn ?? fetch,
        now,
      );
      return { ...session, ...tokens };
    } catch (error) {
      // a refresh token Entra no longer takes: the browser's session may still sign in silently
      if (!(error instanceof EntraSignInError) || error.code !== 'invalid_grant') throw error;
    }
  }
  return signIn(session, deps, false);
}
