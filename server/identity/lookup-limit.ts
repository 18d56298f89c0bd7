import { AppError } from '../core/errors';
import { fixedWindows } from '../core/windows';

/**
 * A small per-address limit on `GET /v1/auth/entra`: it answers without a token, and its 404 says which Entra tenants
 * use Herald, so one address may miss only this many times per window: plenty for typing mistakes, too few to
 * enumerate tenants.
 */
export const LOOKUPS_PER_WINDOW = 30;
export const LOOKUP_WINDOW_MS = 60_000;
/** Addresses counted at most at once. */
const MAX_ADDRESSES = 10_000;

/**
 * What the limit counts: an IPv4 address (also when mapped into IPv6), or an IPv6 address's /64, which one host
 * usually holds whole. Behind a reverse proxy every client is the proxy's address, so they share one count.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.split('::');
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const groups = [...first, ...Array<string>(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Counts the lookups per address that found nothing (a 404 or an invalid tenant) in fixed windows; `check` throws 429
 * `tooManyRequests` with Retry-After once an address has missed `limit` times in its window. A lookup that finds its
 * tenant is never counted, so however many clients share an address (a reverse proxy, a NAT), nobody can use up the
 * others' sign-ins with lookups of their own.
 */
export function lookupLimiter(limit = LOOKUPS_PER_WINDOW, windowMs = LOOKUP_WINDOW_MS) {
  const misses = fixedWindows(windowMs, MAX_ADDRESSES);
  return {
    check(key: string, now: number): void {
      const { count, endsAt } = misses.peek(key, now);
      if (count < limit) return;
      const seconds = Math.max(1, Math.ceil((endsAt - now) / 1000));
      throw new AppError(
        429,
        'tooManyRequests',
        `Too many sign-in lookups that found nothing from this address; try again in ${seconds} s.`,
        undefined,
        {
          'Retry-After': String(seconds),
        },
      );
    },
    miss(key: string, now: number): void {
      misses.hit(key, now);
    },
  };
}
