import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, LOOKUP_WINDOW_MS, LOOKUPS_PER_WINDOW, lookupLimiter } from '../../../server/identity/lookup-limit';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';

let s: SyncedHerald;
beforeAll(async () => {
  s = await startSyncedHerald();
  await s.connect();
  await s.sync();
});
afterAll(() => s?.close());

const lookup = (tenant: string) => s.herald.api()('GET', `/v1/auth/entra?tenant=${tenant}`);

describe('GET /v1/auth/entra per client address', () => {
  it(`answers ${LOOKUPS_PER_WINDOW} lookups a minute that find nothing, then 429 tooManyRequests with Retry-After until the minute is over`, async () => {
    const { clock } = s.herald;
    clock.freeze();
    try {
      // lookups that find their tenant are never counted: a proxy's or a NAT's clients signing in use up nothing
      for (let i = 0; i < 2 * LOOKUPS_PER_WINDOW; i++) expect((await lookup(s.entra.tenantId)).status).toBe(200);
      for (let i = 0; i < LOOKUPS_PER_WINDOW - 1; i++) expect((await lookup(`tenant-${i}.example`)).status).toBe(404);
      // invalid lookups count too
      expect((await lookup('not/valid')).status).toBe(400);
      const refused = await lookup('nobody.example');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('tooManyRequests');
      expect(refused.headers.get('retry-after')).toBe(String(LOOKUP_WINDOW_MS / 1000));
      // once over, the address is refused every lookup until its minute is over
      expect((await lookup(s.entra.tenantId)).status).toBe(429);
      clock.advance(LOOKUP_WINDOW_MS - 1500);
      expect((await lookup('nobody.example')).headers.get('retry-after')).toBe('2');
      clock.advance(1500);
      expect((await lookup('nobody.example')).status).toBe(404);
      expect((await lookup(s.entra.tenantId)).status).toBe(200);
    } finally {
      clock.thaw();
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
    limit.miss('a', 0);
    expect(() => limit.check('a', 1)).not.toThrow();
    limit.miss('a', 1);
    expect(() => limit.check('a', 2)).toThrow(/Too many sign-in lookups/);
    expect(() => limit.check('b', 2)).not.toThrow();
    expect(() => limit.check('a', 1000)).not.toThrow();
  });
});
