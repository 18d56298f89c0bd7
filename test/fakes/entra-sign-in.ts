import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The person who signs in at the fake's authorize endpoint. */
export interface EntraUser {
  oid: string;
  preferred_username: string;
  name: string;
  /** App roles assigned to the user on Herald's app registration (the `roles` claim); none when absent. */
  roles?: string[];
}

/** What the authorize and token endpoints were asked, in order, for tests to tell a refresh from a silent sign-in. */
export type EntraRequest =
  | { endpoint: 'authorize'; prompt: string | null; answered: 'code' | 'error' }
  | { endpoint: 'token'; grant: string; answered: 'tokens' | 'error' };

/** The requests in short, for tests: `authorize <prompt> <code|error>` or `token <grant> <tokens|error>`. */
export const requestsInShort = (requests: EntraRequest[]) =>
  requests.map((r) => (r.endpoint === 'authorize' ? `authorize ${r.prompt} ${r.answered}` : `token ${r.grant} ${r.answered}`));

/** The fake's sign-in side: the registration, the user and how the next sign-ins go. Tests set these fields. */
export interface EntraSignIn {
  /** Redirect URIs registered on the app registration; the authorize endpoint refuses any other. */
  redirectUris: string[];
  user: EntraUser;
  /** Whether the browser holds an Entra session cookie, so `prompt=none` answers a code (an interactive sign-in makes one). */
  hasSession: boolean;
  /** The next interactive sign-ins are declined by the user (Entra redirects back with `access_denied`). */
  declineSignIn: boolean;
  /** Life of the access tokens the token endpoint issues (Entra: 60-90 minutes). */
  accessTokenSeconds: number;
  /** Life of a refresh token issued to a single-page app: fixed at 24 h from sign-in, and a refresh does not extend it. */
  refreshTokenSeconds: number;
  /** Every refresh token issued so far is past its 24 h life from now on (AADSTS700084 when redeemed). */
  expireRefreshTokens(): void;
  requests: EntraRequest[];
}

interface Issued {
  clientId: string;
  user: EntraUser;
  scope: string;
}

interface Code extends Issued {
  redirectUri: string;
  challenge: string;
  expiresAt: number;
}

interface Refresh extends Issued {
  expiresAt: number;
}

/** Signs an access or ID token with the fake's current key. */
export type Signer = (claims: Record<string, unknown>) => Promise<string>;

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Entra ID's authorization code flow with PKCE for a browser-based app: `/<tid>/oauth2/v2.0/authorize` (no login page:
 * the user signs in at once and the browser is redirected straight back with `code` and `state`) and
 * `/<tid>/oauth2/v2.0/token` (`authorization_code` with the PKCE verifier, `refresh_token`). Errors are Entra's: a bad
 * client or redirect URI is an error page, anything else a redirect or a JSON `error` with an AADSTS description.
 */
export function entraSignIn(options: {
  tenantId: string;
  clientId: string;
  issuer: () => string;
  sign: Signer;
  /** Answers the token endpoint's client_credentials grant (an app signing in as itself, not a user). */
  clientCredentials?: (form: URLSearchParams) => Promise<{ status: number; body: Record<string, unknown> }>;
}) {
  const { tenantId, clientId } = options;
  const codes = new Map<string, Code>();
  const refreshTokens = new Map<string, Refresh>();
  const state: EntraSignIn = {
    redirectUris: [],
    user: { oid: '5f1c7a2e-0000-4000-8000-000000000a11', preferred_username: 'ann@contoso.example', name: 'Ann Archer' },
    hasSession: false,
    declineSignIn: false,
    accessTokenSeconds: 3600,
    refreshTokenSeconds: 24 * 3600,
    expireRefreshTokens() {
      for (const token of refreshTokens.values()) token.expiresAt = Date.now() - 1;
    },
    requests: [],
  };

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const page = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    };
    // Entra shows these on its own page: it never redirects to an unregistered URI.
    if (q.get('client_id') !== clientId)
      return page(400, `AADSTS700016: Application with identifier '${q.get('client_id')}' was not found.`);
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!state.redirectUris.includes(redirectUri))
      return page(400, `AADSTS50011: The redirect URI '${redirectUri}' does not match the redirect URIs configured for the application.`);
    const prompt = q.get('prompt');
    const back = (params: Record<string, string>, answered: 'code' | 'error') => {
      state.requests.push({ endpoint: 'authorize', prompt, answered });
      const to = new URL(redirectUri);
      for (const [name, value] of Object.entries({ ...params, state: q.get('state') ?? '' })) to.searchParams.set(name, value);
      res.writeHead(302, { location: to.toString() });
      res.end();
    };
    const refuse = (error: string, description: string) => back({ error, error_description: description }, 'error');
    if (q.get('response_type') !== 'code') return refuse('unsupported_response_type', 'AADSTS700054: response_type must be code.');
    if (!q.get('state')) return refuse('invalid_request', 'AADSTS900144: The request body must contain the following parameter: state.');
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? ''))
      return refuse(
        'invalid_request',
        'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
      );
    const scope = q.get('scope') ?? '';
    if (!resourceScopes(scope).length)
      return refuse('invalid_scope', `AADSTS70011: The provided scope '${scope}' names no scope of the API.`);
    if (prompt === 'none') {
      if (!state.hasSession) return refuse('login_required', 'AADSTS50058: A silent sign-in request was sent but no user is signed in.');
    } else {
      if (state.declineSignIn) return refuse('access_denied', 'AADSTS65004: User declined to consent to access the app.');
      state.hasSession = true;
    }
    const code = base64url(randomBytes(32));
    codes.set(code, {
      clientId,
      user: state.user,
      scope,
      redirectUri,
      challenge: q.get('code_challenge')!,
      expiresAt: Date.now() + 600_000,
    });
    back({ code }, 'code');
  }

  /** The `scp` of an access token for Herald's API: the requested scopes of `api://<clientId>/`. */
  function resourceScopes(scope: string): string[] {
    const prefix = `api://${clientId}/`;
    return scope
      .split(' ')
      .filter((s) => s.startsWith(prefix))
      .map((s) => s.slice(prefix.length));
  }

  async function tokens(issued: Issued, refreshExpiresAt: number) {
    const now = Math.floor(Date.now() / 1000);
    const { user } = issued;
    const common = { iss: options.issuer(), tid: tenantId, oid: user.oid, preferred_username: user.preferred_username, name: user.name };
    const accessToken = await options.sign({
      ...common,
      aud: `api://${clientId}`,
      scp: resourceScopes(issued.scope).join(' '),
      roles: user.roles,
      // Entra's unique token id: two tokens issued in the same second differ
      uti: base64url(randomBytes(16)),
      iat: now,
      nbf: now,
      exp: now + state.accessTokenSeconds,
    });
    const answer: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: issued.scope,
      expires_in: state.accessTokenSeconds,
      ext_expires_in: state.accessTokenSeconds,
      access_token: accessToken,
    };
    const scopes = issued.scope.split(' ');
    if (scopes.includes('openid'))
      answer.id_token = await options.sign({ ...common, aud: clientId, scp: undefined, iat: now, nbf: now, exp: now + 3600 });
    if (scopes.includes('offline_access')) {
      const refreshToken = base64url(randomBytes(48));
      refreshTokens.set(refreshToken, { ...issued, expiresAt: refreshExpiresAt });
      answer.refresh_token = refreshToken;
      answer.refresh_token_expires_in = Math.max(0, Math.floor((refreshExpiresAt - Date.now()) / 1000));
    }
    return answer;
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    const grant = form.get('grant_type') ?? '';
    if (grant === 'client_credentials' && options.clientCredentials) {
      const { status, body } = await options.clientCredentials(form);
      res.writeHead(status, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(body));
    }
    // Entra answers browser-based apps cross-origin.
    const headers = { 'content-type': 'application/json', 'access-control-allow-origin': req.headers.origin ?? '*' };
    const answer = (status: number, body: Record<string, unknown>) => {
      state.requests.push({ endpoint: 'token', grant, answered: status === 200 ? 'tokens' : 'error' });
      res.writeHead(status, headers);
      res.end(JSON.stringify(body));
    };
    const fail = (error: string, description: string) => answer(400, { error, error_description: description });
    if (form.get('client_id') !== clientId)
      return fail('unauthorized_client', `AADSTS700016: Application '${form.get('client_id')}' was not found.`);
    if (grant === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.expiresAt < Date.now())
        return fail('invalid_grant', 'AADSTS70008: The provided authorization code has expired or was redeemed.');
      if (form.get('redirect_uri') !== code.redirectUri)
        return fail('invalid_grant', 'AADSTS50148: The redirect_uri differs from the one used in the authorization request.');
      const verifier = form.get('code_verifier') ?? '';
      if (base64url(createHash('sha256').update(verifier).digest()) !== code.challenge)
        return fail(
          'invalid_grant',
          'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        );
      return answer(200, await tokens(code, Date.now() + state.refreshTokenSeconds * 1000));
    }
    if (grant === 'refresh_token') {
      const refresh = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!refresh) return fail('invalid_grant', 'AADSTS9002313: Invalid request. The refresh token is malformed or not valid.');
      if (refresh.expiresAt <= Date.now())
        return fail(
          'invalid_grant',
          'AADSTS700084: The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended.',
        );
      // the new refresh token keeps the session's end: an SPA's 24 h are not extended by refreshing
      return answer(200, await tokens(refresh, refresh.expiresAt));
    }
    fail('unsupported_grant_type', `AADSTS70003: The grant type '${grant}' is not supported here.`);
  }

  /** Answers the request if it is for the authorize or token endpoint; false otherwise. */
  function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname === `/${tenantId}/oauth2/v2.0/authorize` && req.method === 'GET') authorize(url, res);
    else if (url.pathname === `/${tenantId}/oauth2/v2.0/token` && req.method === 'POST') void token(req, res);
    else if (url.pathname === `/${tenantId}/oauth2/v2.0/token` && req.method === 'OPTIONS') {
      // the CORS preflight a browser may send before redeeming a code cross-origin
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
      });
      res.end();
    } else return false;
    return true;
  }

  return { state, handle };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
