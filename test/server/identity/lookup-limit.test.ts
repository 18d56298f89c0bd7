import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, LOOKUP_WINDOW_MS, LOOKUPS_PER_WINDOW, lookupLimiter } from '../../../server/identity/lookup-limit';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald?.close());

const lookup = (tenant: string) => herald.api()('GET', `/v1/auth/entra?tenant=${tenant}`);

describe('GET /v1/auth/entra per client address', () => {
  it(`answers ${LOOKUPS_PER_WINDOW} lookups a minute, then 429 tooManyRequests with Retry-After until the minute is over`, async () => {
    herald.clock.freeze();
    try {
      for (let i = 0; i < LOOKUPS_PER_WINDOW; i++) expect((await lookup(`tenant-${i}.example`)).status).toBe(404);
      // invalid lookups count too, and are refused before they are read
      const refused = await lookup('not/valid');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('tooManyRequests');
      expect(refused.headers.get('retry-after')).toBe(String(LOOKUP_WINDOW_MS / 1000));
      herald.clock.advance(LOOKUP_WINDOW_MS - 1500);
      expect((await lookup('contoso.example')).headers.get('retry-after')).toBe('2');
      herald.clock.advance(1500);
      expect((await lookup('contoso.example')).status).toBe(404);
    } finally {
      herald.clock.thaw();
    }
  });
});

describe('the lookup limit', () => {
  it('counts each address on its own, IPv6 by its /64 and IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe(addressKey('2001:0db8:0001:0002::9'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    const limit = lookupLimiter(2, 1000);
    limit('a', 0);
    limit('a', 1);
    expect(() => limit('a', 2)).toThrow(/Too many sign-in lookups/);
    expect(() => limit('b', 2)).not.toThrow();
    expect(() => limit('a', 1000)).not.toThrow();
  });
});
