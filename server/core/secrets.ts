import { createHash, randomBytes } from 'node:crypto';

/** A new secret of 256 random bits with a recognisable prefix (e.g. `hrld_` for API tokens). */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Secrets are stored only as this hash; 256-bit random secrets need no slow KDF. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
