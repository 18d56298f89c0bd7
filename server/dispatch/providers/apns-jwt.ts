import { sign, type KeyObject } from 'node:crypto';

const REUSE_MS = 50 * 60_000;
const MIN_REMINT_MS = 20 * 60_000;

export interface ApnsTokenSource {
  /** The `authorization` header value, `bearer <provider token>`, with a token re-minted after about 50 minutes. */
  authorization(): string;
  /**
   * APNs refused the token (ExpiredProviderToken or InvalidProviderToken). Apple throttles providers that
   * refresh more than once per 20 minutes, so a new token is minted only if the current one is older.
   */
  refused(): void;
}

/** ES256 provider tokens for APNs token authentication, from a .p8 key (PKCS#8, EC P-256). */
export function apnsTokenSource(options: { key: KeyObject; keyId: string; teamId: string; now: () => number }): ApnsTokenSource {
  const header = base64url(JSON.stringify({ alg: 'ES256', kid: options.keyId }));
  let authorization = '';
  let mintedAt = 0;

  const mint = () => {
    mintedAt = options.now();
    const unsigned = `${header}.${base64url(JSON.stringify({ iss: options.teamId, iat: Math.floor(mintedAt / 1000) }))}`;
    const signature = sign('sha256', Buffer.from(unsigned), { key: options.key, dsaEncoding: 'ieee-p1363' });
    authorization = `bearer ${unsigned}.${signature.toString('base64url')}`;
  };

  return {
    authorization() {
      if (!authorization || options.now() - mintedAt >= REUSE_MS) mint();
      return authorization;
    },
    refused() {
      if (options.now() - mintedAt >= MIN_REMINT_MS) mint();
    },
  };
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');
