import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { HERALD_API_SCOPE } from '../../shared/entra';

/**
 * Verification of Microsoft Entra ID access tokens, as a security reviewer expects: RS256 only, signed by a
 * key of the token's tenant's JWKS, issued by that tenant at the configured authority host, for this API
 * (`clientId` or `api://clientId`), within its lifetime (5 minutes of clock skew), an access token for a
 * user (a `scp` claim) rather than an ID token with the same audience, and, when the connection names allowed
 * client applications, obtained by one of them (`azp`, or `appid` in a v1.0 token).
 */

/** The Herald tenant an Entra tenant is connected to, with the app registration its tokens are issued for. */
export interface EntraBinding {
  tenantId: string;
  entraTenantId: string;
  clientId: string;
  /** The client applications whose tokens are accepted (lower case); null: any the Entra tenant consented to. */
  allowedClientIds: string[] | null;
}

export interface EntraUser {
  /** The user's object id: stable, unlike the username. */
  oid: string;
  tid: string;
  username: string | null;
  name: string | null;
  /** App roles assigned to the user on the app registration. */
  roles: string[];
  scopes: string[];
}

/** Why a token was refused, in words that never include the token; `tenantId`: the Herald tenant, once known. */
export class EntraTokenError extends Error {
  constructor(
    message: string,
    readonly tenantId: string | null = null,
  ) {
    super(message);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const CLOCK_SKEW_SECONDS = 300;
/** An unknown `kid` re-fetches the JWKS at most this often, so a key Entra rotated in works within it. */
export const JWKS_REFETCH_MS = 30_000;
/** Keys this old are fetched again before they verify anything, so a key Entra withdrew stops verifying within it. */
export const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface EntraVerifierOptions {
  /** `https://login.microsoftonline.com` or a national cloud's (HERALD_ENTRA_AUTHORITY_HOST). */
  authorityHost: string;
  /** Finds the Herald tenant connected to an Entra tenant id; null when none is. */
  bindingFor(entraTenantId: string): Promise<EntraBinding | null>;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

export function createEntraVerifier({ authorityHost, bindingFor }: EntraVerifierOptions) {
  const host = authorityHost.replace(/\/+$/, '');
  const keySets = new Map<string, KeySet>();
  // Keys are re-fetched when a token names one the set lacks (at most every 30 s), and once they are a day old: a key
  // Entra withdraws (rotated out, or compromised) stops verifying within a day. An outage of Entra's JWKS endpoint
  // leaves the cached keys working until then; after it, tokens are refused until the endpoint answers again.
  const keysOf = (tid: string) => {
    let keys = keySets.get(tid);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(`${host}/${tid}/discovery/v2.0/keys`), {
        cooldownDuration: JWKS_REFETCH_MS,
        cacheMaxAge: JWKS_MAX_AGE_MS,
        timeoutDuration: 5_000,
      });
      keySets.set(tid, keys);
    }
    return keys;
  };
  // jose measures its cooldown from the last fetch that succeeded, so while the JWKS endpoint fails (or before the
  // first success, or once the keys are a day old) every token would fetch again. Attempts are limited here too: at
  // most one per tenant every 30 s, joined by the requests that come while it is under way.
  const lastAttempt = new Map<string, number>();
  const keyFor =
    (tid: string): JWTVerifyGetKey =>
    (header, token) => {
      const keys = keysOf(tid);
      const cached = keys.fresh ? keys.jwks() : undefined;
      if (!keys.reloading && !cached?.keys.some((k) => k.kid === header.kid)) {
        const now = Date.now();
        if (now - (lastAttempt.get(tid) ?? Number.NEGATIVE_INFINITY) < JWKS_REFETCH_MS)
          throw cached ? new errors.JWKSNoMatchingKey() : new errors.JWKSTimeout('The JSON Web Key Set was not fetched again yet.');
        lastAttempt.set(tid, now);
      }
      return keys(header, token);
    };

  return {
    /** Verifies `token` and answers its Herald tenant and user, or throws EntraTokenError saying what failed. */
    async verify(token: string): Promise<{ binding: EntraBinding; user: EntraUser }> {
      let alg: string | undefined;
      let unverified: JWTPayload;
      try {
        alg = decodeProtectedHeader(token).alg;
        unverified = decodeJwt(token);
      } catch {
        throw new EntraTokenError('The bearer token is neither a Herald API token nor a JSON Web Token.');
      }
      if (alg !== 'RS256')
        throw new EntraTokenError(`The token's algorithm ${JSON.stringify(alg ?? null)} is not accepted; Entra ID signs with RS256.`);
      const tid = unverified.tid;
      if (typeof tid !== 'string' || !GUID.test(tid)) throw new EntraTokenError('The token names no Entra tenant (tid).');
      // chosen by the unverified tid; the signature and issuer checks below then bind the token to it
      const binding = await bindingFor(tid.toLowerCase());
      if (!binding) throw new EntraTokenError(`Entra tenant ${tid} is not connected to a Herald tenant.`);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor(binding.entraTenantId), {
          algorithms: ['RS256'],
          issuer: `${host}/${binding.entraTenantId}/v2.0`,
          audience: [binding.clientId, `api://${binding.clientId}`],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['exp', 'nbf', 'oid', 'tid'],
        }));
      } catch (error) {
        // Only a token whose signature verified belongs to the tenant: jose checks the claims after the signature.
        // A forged or unknown-key token names a tenant anyone can look up, so it is refused without writing to that
        // tenant's audit log (otherwise anyone could fill it, and hold the writer, without signing in).
        const signed = error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed;
        throw new EntraTokenError(describe(error), signed ? binding.tenantId : null);
      }
      const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [];
      if (scopes.length === 0)
        throw new EntraTokenError('The token is not an access token for a user of this API (it has no scp claim).', binding.tenantId);
      if (!scopes.includes(HERALD_API_SCOPE))
        throw new EntraTokenError(`The token does not carry Herald's scope ${HERALD_API_SCOPE} (scp).`, binding.tenantId);
      const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
      if (binding.allowedClientIds) {
        // v2.0 tokens name the client application in azp, v1.0 tokens in appid
        const claim = str(payload.azp) ? 'azp' : 'appid';
        const client = str(payload[claim]);
        if (!client) throw new EntraTokenError('The token names no client application (azp or appid).', binding.tenantId);
        if (!binding.allowedClientIds.includes(client.toLowerCase()))
          throw new EntraTokenError(
            `The token was obtained by client application ${client} (${claim}), which is not among the connection's allowedClientIds.`,
            binding.tenantId,
          );
      }
      const oid = str(payload.oid);
      if (!oid || !GUID.test(oid)) throw new EntraTokenError('The token names no user object id (oid).', binding.tenantId);
      return {
        binding,
        user: {
          oid: oid.toLowerCase(),
          tid: binding.entraTenantId,
          username: str(payload.preferred_username),
          name: str(payload.name),
          roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [],
          scopes,
        },
      };
    },
  };
}

export type EntraVerifier = ReturnType<typeof createEntraVerifier>;

/** A jose failure in words (never the token). */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'The token is not valid yet (nbf).';
    if (error.claim === 'iss') return 'The token was not issued by this Entra tenant (iss).';
    if (error.claim === 'aud') return "The token is not for Herald's app registration (aud).";
    return `The token's ${error.claim} claim is missing or invalid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature does not verify.';
  if (error instanceof errors.JWKSNoMatchingKey) return "The token is signed by a key that is not in the tenant's published keys.";
  // a timeout, an answer other than 200 or a body that is no key set (jose says so only in its message)
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && /JSON Web Key Set/.test(error.message))
  )
    return "The tenant's signing keys could not be fetched from Entra ID.";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token algorithm is not accepted; Entra ID signs with RS256.';
  if (error instanceof errors.JOSEError) return `The token is invalid (${error.code}).`;
  // a network failure fetching the keys
  return "The tenant's signing keys could not be fetched from Entra ID.";
}
