const BASE_MS = 2_000;
const MAX_MS = 10 * 60_000;

/**
 * How long to wait before the next try of a delivery that has had `attempts` tries: exponential from 2 s,
 * capped at 10 minutes, with "equal jitter" (half fixed, half random) so a batch that failed together does not
 * come back together; never sooner than the push service's Retry-After.
 */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random: () => number): number {
  const exponential = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.max(Math.round(exponential / 2 + (random() * exponential) / 2), retryAfterMs ?? 0);
}
