import type { ConfidentialClientApplication, Configuration } from '@azure/msal-node';
import { AppError } from '../../core/errors';
import { readCertificatePem } from './credential';

export interface TokenSettings {
  /** e.g. https://login.microsoftonline.com, or a national cloud's */
  authorityHost: string;
  /** e.g. https://graph.microsoft.com: the token's scope is `<graphBaseUrl>/.default` */
  graphBaseUrl: string;
}

export interface ConnectionCredential {
  tenantId: string;
  entraTenantId: string;
  clientId: string;
  kind: 'secret' | 'certificate';
  /** The decrypted secret, or the PEM (certificate and key). */
  secret: string;
  /** Changes whenever the connection does, so a token of an old connection is never reused. */
  version: number;
}

const DEFAULT_HOST = 'login.microsoftonline.com';

type Msal = typeof import('@azure/msal-node');
let msal: Promise<Msal> | undefined;
/** MSAL is loaded at the first token asked for, not with the server: one without an Entra connection does not carry it. */
const loadMsal = () => (msal ??= import('@azure/msal-node'));

/**
 * Client-credential tokens from MSAL, one ConfidentialClientApplication per connection: MSAL caches the
 * token in it until shortly before expiry. A changed or removed connection drops its application, and
 * with it the cached token.
 */
export function tokenSource(settings: TokenSettings) {
  const apps = new Map<string, { version: number; app: ConfidentialClientApplication }>();

  function appFor({ ConfidentialClientApplication }: Msal, credential: ConnectionCredential): ConfidentialClientApplication {
    const cached = apps.get(credential.tenantId);
    if (cached?.version === credential.version) return cached.app;
    const host = new URL(settings.authorityHost).host;
    const config: Configuration = {
      auth: {
        clientId: credential.clientId,
        authority: `${settings.authorityHost}/${credential.entraTenantId}`,
        // another host (a national cloud, a test double) is declared known instead of discovered through Microsoft
        ...(host === DEFAULT_HOST ? {} : { knownAuthorities: [host] }),
        ...(credential.kind === 'secret'
          ? { clientSecret: credential.secret }
          : { clientCertificate: readCertificatePem(credential.secret) }),
      },
    };
    const app = new ConfidentialClientApplication(config);
    apps.set(credential.tenantId, { version: credential.version, app });
    return app;
  }

  return {
    async token(credential: ConnectionCredential): Promise<string> {
      const library = await loadMsal();
      try {
        const result = await appFor(library, credential).acquireTokenByClientCredential({ scopes: [`${settings.graphBaseUrl}/.default`] });
        if (!result?.accessToken) throw new Error('no access token in the answer');
        return result.accessToken;
      } catch (error) {
        throw tokenFailure(library, error, `${settings.authorityHost}/${credential.entraTenantId}`);
      }
    },
    /** Forgets the tenant's application and its cached token (the connection changed or was removed). */
    forget(tenantId: string) {
      apps.delete(tenantId);
    },
  };
}

export type TokenSource = ReturnType<typeof tokenSource>;

/** A sync error naming what Entra ID said (its error code, e.g. invalid_client), never the credential. */
function tokenFailure({ AuthError }: Msal, error: unknown, authority: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof AuthError) {
    const code = error.errorCode;
    // MSAL keeps the cause to itself here: name what it could not read
    if (code === 'endpoints_resolution_error')
      return new AppError(
        502,
        'tokenUnavailable',
        `No token from Microsoft Entra ID: ${authority}/v2.0/.well-known/openid-configuration could not be read (unreachable, its TLS certificate not trusted, or no such tenant).`,
      );
    const refused = ['invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_grant'].includes(code);
    return new AppError(
      502,
      refused ? 'authenticationFailed' : 'tokenUnavailable',
      refused
        ? `Microsoft Entra ID refused the app registration's credentials (${code}): check the tenant id, client id and secret or certificate.`
        : `No token from Microsoft Entra ID (${code}): ${firstLine(error.errorMessage)}`,
    );
  }
  return new AppError(
    502,
    'tokenUnavailable',
    `No token from Microsoft Entra ID: ${firstLine(error instanceof Error ? error.message : String(error))}`,
  );
}

const firstLine = (text: string) => text.split('\n')[0]!.slice(0, 300);
