import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEntraVerifier, EntraTokenError, JWKS_MAX_AGE_MS, type EntraBinding } from '../../../server/identity/entra-token';
import { startFakeEntra, type FakeEntra } from '../../fakes/entra-id';

let entra: FakeEntra;
let binding: EntraBinding;

beforeAll(async () => {
  entra = await startFakeEntra();
  binding = { tenantId: 'herald-tenant', entraTenantId: entra.tenantId, clientId: entra.clientId, allowedClientIds: null };
});
afterAll(() => entra?.close());

/** A verifier as Herald builds one, over verified HTTPS to the fake (its CA comes through NODE_EXTRA_CA_CERTS). */
const verifier = (bound: Partial<EntraBinding> = {}) =>
  createEntraVerifier({
    authorityHost: entra.origin,
    bindingFor: async (tid) => (tid === entra.tenantId ? { ...binding, ...bound } : null),
  });

async function refusal(token: string, v = verifier()): Promise<string> {
  const error = await v.verify(token).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EntraTokenError);
  if (token.length > 8) expect((error as Error).message).not.toContain(token);
  return (error as Error).message;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('Entra ID access tokens', () => {
  it("accepts a token of the connected tenant for Herald's API, with its user and app roles", async () => {
    const oid = randomUUID();
    const token = await entra.sign({ oid, roles: ['Herald.Administrator'] });
    const { binding: found, user } = await verifier().verify(token);
    expect(found).toEqual(binding);
    expect(user).toEqual({
      oid,
      tid: entra.tenantId,
      username: 'ann@contoso.example',
      name: 'Ann Archer',
      roles: ['Herald.Administrator'],
      scopes: ['Notifications.Send'],
    });
    // the bare client id is Herald's audience too
    await expect(verifier().verify(await entra.sign({ aud: entra.clientId }))).resolves.toBeTruthy();
  });

  it.each([
    ['another audience', { aud: `api://${randomUUID()}` }, /aud/],
    ['another issuer', { iss: 'https://login.example.net/evil/v2.0' }, /iss/],
    ['expired beyond the 5 minutes of skew', { exp: now() - 301 }, /expired/],
    ['not valid for 6 more minutes', { nbf: now() + 360 }, /not valid yet/],
    ['no user (an app-only token)', { oid: undefined, scp: undefined, roles: ['Herald.Administrator'] }, /oid|scp/],
    ['no scp (an ID token for the same app)', { scp: undefined }, /scp/],
  ])('refuses a token with %s', async (_, claims, reason) => {
    expect(await refusal(await entra.sign(claims))).toMatch(reason);
  });

  it('accepts a token within the 5 minutes of clock skew', async () => {
    await expect(verifier().verify(await entra.sign({ exp: now() - 200, nbf: now() + 200 }))).resolves.toBeTruthy();
  });

  it("refuses a token of an Entra tenant that no Herald tenant is connected to, even when signed by the fake's key", async () => {
    const other = randomUUID();
    expect(await refusal(await entra.sign({ tid: other, iss: `${entra.origin}/${other}/v2.0` }))).toMatch(/not connected/);
  });

  it('refuses a token whose tid was changed to a connected tenant: the issuer and signature no longer match', async () => {
    const [header, payload, signature] = (await entra.sign()).split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    altered.oid = randomUUID();
    expect(await refusal(`${header}.${b64(altered)}.${signature}`)).toMatch(/signature does not verify/);
  });

  it('refuses alg none, HS256 signed with the public key, and garbage, each with a reason', async () => {
    const claims = JSON.parse(Buffer.from((await entra.sign()).split('.')[1]!, 'base64url').toString());
    expect(await refusal(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).toMatch(/"none" is not accepted/);
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: entra.publicJwk().kid })}.${b64(claims)}`;
    const hsSignature = createHmac('sha256', JSON.stringify(entra.publicJwk())).update(hsInput).digest('base64url');
    expect(await refusal(`${hsInput}.${hsSignature}`)).toMatch(/"HS256" is not accepted/);
    for (const garbage of ['', 'abc', 'a.b.c', '....', `${b64({ alg: 'RS256' })}.notjson.sig`])
      expect(await refusal(garbage)).toMatch(/JSON Web Token|tid/);
  });

  it('refuses a token signed by a key the tenant does not publish', async () => {
    const kid = await entra.unpublishedKey();
    expect(await refusal(await entra.sign({}, { kid }))).toMatch(/not in the tenant's published keys/);
  });
});

describe('allowed client applications', () => {
  it('accept any client application when the connection names none', async () => {
    await expect(verifier().verify(await entra.sign({ azp: randomUUID() }))).resolves.toBeTruthy();
  });

  it("accept only a token obtained by a listed client application (azp, or a v1.0 token's appid), saying what failed otherwise", async () => {
    const extension = randomUUID();
    const v = verifier({ allowedClientIds: [extension] });
    await expect(v.verify(await entra.sign({ azp: extension.toUpperCase() }))).resolves.toBeTruthy();
    await expect(v.verify(await entra.sign({ azp: undefined, appid: extension, ver: '1.0' }))).resolves.toBeTruthy();
    const other = randomUUID();
    expect(await refusal(await entra.sign({ azp: other }), v)).toBe(
      `The token was obtained by client application ${other} (azp), which is not among the connection's allowedClientIds.`,
    );
    expect(await refusal(await entra.sign({ azp: undefined, appid: other }), v)).toMatch(/\(appid\), which is not among/);
    expect(await refusal(await entra.sign({ azp: undefined }), v)).toMatch(/names no client application/);
  });
});

describe("the tenant's signing keys", () => {
  it('are fetched once and reused; a key rotated in is accepted once the 30 s cooldown allows a re-fetch', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      const v = verifier();
      const before = entra.jwksFetches;
      await v.verify(await entra.sign());
      await v.verify(await entra.sign());
      expect(entra.jwksFetches - before).toBe(1);
      const kid = await entra.rotate();
      // within the cooldown the set is not fetched again for an unknown key
      expect(await refusal(await entra.sign({}, { kid }), v)).toMatch(/published keys/);
      vi.setSystemTime(Date.now() + 30_001);
      const { user } = await v.verify(await entra.sign({}, { kid }));
      expect(user.tid).toBe(entra.tenantId);
    } finally {
      vi.useRealTimers();
    }
  });

  it('are fetched at most once per 30 s while the JWKS endpoint fails, and again once it answers', async () => {
    // jose's own cooldown counts from the last fetch that succeeded: without a limit of Herald's, every token would
    // make Herald call Entra's endpoint again during an outage
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    entra.jwksDown = true;
    try {
      const v = verifier();
      const before = entra.jwksFetches;
      for (let i = 0; i < 5; i++) expect(await refusal(await entra.sign(), v)).toMatch(/could not be fetched/);
      expect(entra.jwksFetches - before).toBe(1);
      entra.jwksDown = false;
      vi.setSystemTime(Date.now() + 30_001);
      await expect(v.verify(await entra.sign())).resolves.toBeTruthy();
      expect(entra.jwksFetches - before).toBe(2);
    } finally {
      entra.jwksDown = false;
      vi.useRealTimers();
    }
  });

  it('keep working from the cache while the JWKS endpoint is down', async () => {
    const v = verifier();
    await v.verify(await entra.sign());
    entra.jwksDown = true;
    try {
      await expect(v.verify(await entra.sign())).resolves.toBeTruthy();
      // an unknown key cannot be fetched: refused with the reason, not a crash
      const fresh = verifier();
      expect(await refusal(await entra.sign(), fresh)).toMatch(/could not be fetched/);
    } finally {
      entra.jwksDown = false;
    }
  });

  it('are fetched again once a day old, so a key Entra withdrew stops verifying while the current one goes on', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      const v = verifier();
      const withdrawn = entra.publicJwk().kid!;
      await v.verify(await entra.sign());
      const current = await entra.rotate();
      entra.withdraw(withdrawn);
      // within the day the cached set still holds it (the bound this test pins)
      await expect(v.verify(await entra.sign({}, { kid: withdrawn }))).resolves.toBeTruthy();
      const before = entra.jwksFetches;
      vi.setSystemTime(Date.now() + JWKS_MAX_AGE_MS + 1);
      expect(await refusal(await entra.sign({}, { kid: withdrawn }), v)).toMatch(/not in the tenant's published keys/);
      await expect(v.verify(await entra.sign({}, { kid: current }))).resolves.toBeTruthy();
      expect(entra.jwksFetches - before).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('once a day old, are not fetched more than once per 30 s while the JWKS endpoint fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      const v = verifier();
      await v.verify(await entra.sign());
      entra.jwksDown = true;
      vi.setSystemTime(Date.now() + JWKS_MAX_AGE_MS + 1);
      const before = entra.jwksFetches;
      for (let i = 0; i < 5; i++) expect(await refusal(await entra.sign(), v)).toMatch(/could not be fetched/);
      expect(entra.jwksFetches - before).toBe(1);
    } finally {
      entra.jwksDown = false;
      vi.useRealTimers();
    }
  });
});
