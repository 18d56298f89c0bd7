import { constants, createPublicKey, verify, X509Certificate } from 'node:crypto';
import type { Signer } from './entra-sign-in';

/** The app registration a directory connection signs in as (the client-credentials grant). */
export interface EntraAppOptions {
  /** The client secret it accepts (rotateSecret changes it). */
  clientSecret?: string;
  /** A certificate PEM: a client assertion signed with its key is accepted instead of the secret. */
  certificatePem?: string;
}

/** The application permissions an admin granted the app registration: what a directory sync reads. */
const GRANTED_ROLES = ['User.Read.All', 'GroupMember.Read.All', 'DeviceManagementManagedDevices.Read.All', 'Organization.Read.All'];

type Answer = { status: number; body: Record<string, unknown> };

/**
 * Entra ID's client-credentials grant for one app registration of the fake tenant: a client authenticated by its
 * secret or by a certificate's client assertion gets an app-only access token for a resource it names as
 * `<resource>/.default`, signed like every token of the fake (its issuer, tenant and lifetimes). A resource (a fake Graph) registers itself and asks
 * which resource a token was issued for. Errors are Entra's, with their AADSTS codes.
 */
export function entraApp(options: EntraAppOptions & { clientId: string; sign: Signer }) {
  const { clientId } = options;
  let clientSecret = options.clientSecret ?? 'correct-horse-battery-staple~1';
  const resources = new Set<string>();
  /** Each token issued, with the resource it is for. */
  const issued = new Map<string, string>();
  let tokenRequests = 0;

  function assertionValid(assertion: string): boolean {
    if (!options.certificatePem) return false;
    const [header, payload, signature] = assertion.split('.');
    if (!header || !payload || !signature) return false;
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; sub?: string };
    if (claims.iss !== clientId || claims.sub !== clientId) return false;
    const key = createPublicKey(new X509Certificate(options.certificatePem).publicKey.export({ type: 'spki', format: 'pem' }));
    const padding = alg === 'PS256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {};
    return verify('sha256', Buffer.from(`${header}.${payload}`), { key, ...padding }, Buffer.from(signature, 'base64url'));
  }

  /** Answers a token request whose grant_type is client_credentials. */
  async function token(form: URLSearchParams): Promise<Answer> {
    tokenRequests++;
    const assertion = form.get('client_assertion');
    const authenticated =
      form.get('client_id') === clientId && (assertion ? assertionValid(assertion) : form.get('client_secret') === clientSecret);
    if (!authenticated)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] },
      };
    const scope = form.get('scope') ?? '';
    const resource = scope.endsWith('/.default') ? scope.slice(0, -'/.default'.length) : '';
    if (!resources.has(resource))
      return { status: 400, body: { error: 'invalid_scope', error_description: `AADSTS70011: unexpected scope ${scope}` } };
    const accessToken = await options.sign({
      aud: resource,
      appid: clientId,
      idtyp: 'app',
      roles: GRANTED_ROLES,
      // an app-only token has no user and no delegated scopes
      scp: undefined,
      preferred_username: undefined,
      name: undefined,
    });
    issued.set(accessToken, resource);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken } };
  }

  return {
    token,
    state: {
      get clientSecret() {
        return clientSecret;
      },
      rotateSecret(secret: string) {
        clientSecret = secret;
      },
      get tokenRequests() {
        return tokenRequests;
      },
      addResource(resource: string) {
        resources.add(resource);
      },
      audienceOf: (accessToken: string) => issued.get(accessToken),
    },
  };
}

/** The app registration's side of the fake, as tests and a fake resource see it. */
export type EntraApp = ReturnType<typeof entraApp>['state'];
