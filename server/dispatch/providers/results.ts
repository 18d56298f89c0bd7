import type { PushResult } from './types';

/** Shared, never mutated: most results are one of these. */
export const OK: PushResult = Object.freeze({ outcome: 'ok' });
export const CONNECTION_FAILED: PushResult = Object.freeze({ outcome: 'retryable', reason: 'connectionFailed' });
/** A token no push service could have issued (see wellFormedToken). */
export const MALFORMED: PushResult = Object.freeze({ outcome: 'invalidToken', reason: 'malformedToken' });

/** A `Retry-After` header (delay in seconds, or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
