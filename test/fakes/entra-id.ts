import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { entraApp, type EntraApp, type EntraAppOptions } from './entra-app';
import { entraSignIn, type EntraSignIn } from './entra-sign-in';
import { trustedTls, type TestTls } from './tls';

/** A signing key of the fake tenant: published in its JWKS unless withdrawn. */
interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  published: boolean;
}

export interface FakeEntra {
  /** `https://127.0.0.1:<port>`: HERALD_ENTRA_AUTHORITY_HOST for Herald. */
  origin: string;
  /** The fake Entra tenant's id. */
  tenantId: string;
  /** The API's app registration (client) id its access tokens are issued for. */
  clientId: string;
  issuer: string;
  /** An access token as Entra issues one for Herald's API, signed by the current key; `claims` override or add (undefined removes). */
  sign(claims?: Record<string, unknown>, options?: { kid?: string; header?: Record<string, unknown> }): Promise<string>;
  /** A new current signing key, published at once; the old ones stay published. Answers its kid. */
  rotate(): Promise<string>;
  /** A signing key made but not published (a key Entra has not rotated in); sign with it by its kid. */
  unpublishedKey(): Promise<string>;
  /** Takes a key out of the published set (Entra withdrawing it); it can still sign, as a thief of it could. */
  withdraw(kid: string): void;
  /** The JWKS endpoint answers 503 while true. */
  jwksDown: boolean;
  /** How often the JWKS was fetched. */
  jwksFetches: number;
  /** The current key's public JWK, for forging an HS256 token with it as the secret. */
  publicJwk(): JWK;
  /** The authorize and token endpoints: the registration's redirect URIs, the user, sessions and token lifetimes. */
  signIn: EntraSignIn;
  /** The app registration's client credentials (a directory connection's secret or certificate), and what it was issued. */
  app: EntraApp;
  close(): Promise<void>;
}

export interface FakeEntraOptions {
  /** The app registration's secret or certificate. */
  app?: EntraAppOptions;
  /** Default: the CA every test process trusts (NODE_EXTRA_CA_CERTS); a bench, which has none, passes its own. */
  tls?: TestTls;
}

async function newKey(published: boolean): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' }, published };
}

/**
 * Microsoft Entra ID on loopback over HTTPS (the test CA), one tenant with one app registration, as Herald meets it
 * at one authority host (HERALD_ENTRA_AUTHORITY_HOST): OIDC metadata and JWKS, a user's sign-in (authorization code
 * with PKCE), and the app's client credentials for a directory sync. It signs real RS256 tokens.
 */
export async function startFakeEntra(options: FakeEntraOptions = {}): Promise<FakeEntra> {
  const tls = options.tls ?? trustedTls();
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const keys: SigningKey[] = [await newKey(true)];
  // the newest published key signs unless a test names another
  const current = () => keys.filter((k) => k.published).at(-1)!;
  let origin = '';
  const sign = (claims: Record<string, unknown>) => fake.sign(claims);
  const app = entraApp({ ...options.app, clientId, sign });
  const oauth = entraSignIn({ tenantId, clientId, issuer: () => fake.issuer, sign, clientCredentials: app.token });

  const fake: FakeEntra = {
    origin: '',
    tenantId,
    clientId,
    issuer: '',
    jwksDown: false,
    jwksFetches: 0,
    async sign(claims = {}, options = {}) {
      const key = options.kid ? keys.find((k) => k.kid === options.kid)! : current();
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        aud: `api://${clientId}`,
        // the client application that obtained the token: Herald's own registration, as the extension signs in
        azp: clientId,
        iss: `${origin}/${tenantId}/v2.0`,
        iat: now,
        nbf: now - 1,
        exp: now + 3600,
        tid: tenantId,
        oid: randomUUID(),
        preferred_username: 'ann@contoso.example',
        name: 'Ann Archer',
        scp: 'Notifications.Send',
        ver: '2.0',
        ...claims,
      };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...options.header }).sign(key.privateKey);
    },
    async rotate() {
      keys.push(await newKey(true));
      return current().kid;
    },
    async unpublishedKey() {
      const key = await newKey(false);
      keys.push(key);
      return key.kid;
    },
    withdraw(kid) {
      keys.find((k) => k.kid === kid)!.published = false;
    },
    publicJwk: () => current().publicJwk,
    signIn: oauth.state,
    app: app.state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === `/${tenantId}/discovery/v2.0/keys`) {
      fake.jwksFetches++;
      if (fake.jwksDown) return json(503, { error: 'temporarily_unavailable' });
      return json(200, { keys: keys.filter((k) => k.published).map((k) => k.publicJwk) });
    }
    if (url.pathname === `/${tenantId}/v2.0/.well-known/openid-configuration`) {
      return json(200, {
        issuer: fake.issuer,
        jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
        authorization_endpoint: `${origin}/${tenantId}/oauth2/v2.0/authorize`,
        token_endpoint: `${origin}/${tenantId}/oauth2/v2.0/token`,
        end_session_endpoint: `${origin}/${tenantId}/oauth2/v2.0/logout`,
        response_types_supported: ['code', 'id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    }
    // another tenant's metadata or token endpoint: Entra knows no such tenant
    const otherTenant = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(url.pathname);
    if (otherTenant && otherTenant[1] !== tenantId)
      return json(400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${otherTenant[1]}' not found.` });
    if (oauth.handle(req, res, url)) return;
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  fake.origin = origin;
  fake.issuer = `${origin}/${tenantId}/v2.0`;
  return fake;
}
