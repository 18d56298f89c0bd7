import * as crypto from 'node:crypto';

/** A new secret of 256 random bits with a recognisable prefix (e.g. `hrld_` for API tokens). */
export function newSecret(prefix: string): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

/**
 * SHA-256 in hex. It runs for every push (delivery ids): node:crypto's one-shot `hash` (Node 20.12+) costs a third of
 * a Hash object's create-update-digest; older Node 20 releases get the latter.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Secrets are stored only as this hash; 256-bit random secrets need no slow KDF. */
export const hashSecret = (secret: string): string => sha256Hex(secret);
