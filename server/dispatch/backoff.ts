const BASE_MS = 2_000;
const MAX_MS = 10 * 60_000;

/**
 * How long to wait before the next try of a delivery that has had `attempts` tries: exponential from 2 s,
 * capped at 10 minutes, with "equal jitter" (half fixed, half random) so a batch that failed together does not
 * come back together; never sooner than the push service's Retry-After. `minDelayMs` (a provider's floor for a
 * failure such as a server outage) raises the exponential's start so that even its fixed half is that long:
 * 30 s gives 30-60 s, then 60-120 s, and so on up to the cap.
 */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random: () => number, minDelayMs = 0): number {
  const base = Math.max(BASE_MS, 2 * minDelayMs);
  const exponential = Math.min(MAX_MS, base * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.max(Math.round(exponential / 2 + (random() * exponential) / 2), retryAfterMs ?? 0);
}
