import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../server/core/secrets';
import { startTestHerald, type TestHerald } from '../../helpers/herald';
import { accountWith, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('accounts', () => {
  it('creates an account with 201 (email in lower case) and shows it in the list and by id', async () => {
    const res = await herald.admin.api('POST', '/v1/accounts', { email: 'Alex.Wilber@Contoso.example', displayName: 'Alex Wilber' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'alex.wilber@contoso.example',
      displayName: 'Alex Wilber',
      createdAt: expect.stringMatching(iso),
    });
    expect((await herald.admin.api('GET', `/v1/accounts/${res.body.id}`)).body).toEqual(res.body);
    const list = await herald.admin.api('GET', '/v1/accounts');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(res.body);
    expect(list.body.items.map((a: { email: string }) => a.email)).toContain('admin@contoso.example');
  });

  it('answers 409 for an email already in the tenant, whatever its case', async () => {
    expectStatus(await herald.admin.api('POST', '/v1/accounts', { email: 'megan@contoso.example', displayName: 'Megan' }), 201);
    const res = await herald.admin.api('POST', '/v1/accounts', { email: 'MEGAN@contoso.example', displayName: 'Megan again' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('refuses an invalid email with 400 naming the field', async () => {
    const res = await herald.admin.api('POST', '/v1/accounts', { email: 'not-an-email', displayName: 'X' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^email:/);
  });

  it('answers 404 for an unknown account', async () => {
    for (const res of [
      await herald.admin.api('GET', '/v1/accounts/nobody'),
      await herald.admin.api('GET', '/v1/accounts/nobody/tokens'),
      await herald.admin.api('POST', '/v1/accounts/nobody/tokens', { name: 'x' }),
    ])
      expect(res.status).toBe(404);
  });
});

describe('API tokens', () => {
  it('creates a named token with 201, showing the secret once; the list never shows it', async () => {
    const operator = await accountWith(herald, []);
    const res = await herald.admin.api('POST', `/v1/accounts/${operator.id}/tokens`, { name: 'laptop' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      accountId: operator.id,
      name: 'laptop',
      createdAt: expect.stringMatching(iso),
      lastUsedAt: null,
      revokedAt: null,
      token: expect.stringMatching(/^hrld_[A-Za-z0-9_-]{43}$/),
    });
    expect((await herald.api(res.body.token)('GET', '/v1/me')).body.account.id).toBe(operator.id);
    const list = await herald.admin.api('GET', `/v1/accounts/${operator.id}/tokens`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['test', 'laptop']);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(res.body.token);
    expect(text).not.toContain(hashSecret(res.body.token));
    for (const item of list.body.items)
      expect(Object.keys(item).sort()).toEqual(['accountId', 'createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
  });

  it('stores tokens only as their sha256: the secret is nowhere in the database file', async () => {
    const operator = await accountWith(herald, []);
    const bytes = [herald.dbFile, `${herald.dbFile}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    expect(bytes).toContain(hashSecret(operator.token));
    expect(bytes).not.toContain(operator.token);
    expect(bytes).not.toContain(operator.token.slice(5, 25));
  });

  it('revokes a token with 204: the next request with it gets 401, other tokens keep working', async () => {
    const operator = await accountWith(herald, []);
    const other = expectStatus(await herald.admin.api('POST', `/v1/accounts/${operator.id}/tokens`, { name: 'other' }), 201);
    expect((await operator.api('GET', '/v1/me')).status).toBe(200);
    expect((await herald.admin.api('DELETE', `/v1/tokens/${operator.tokenId}`)).status).toBe(204);
    const res = await operator.api('GET', '/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect((await herald.api(other.token)('GET', '/v1/me')).status).toBe(200);
    const listed = (await herald.admin.api('GET', `/v1/accounts/${operator.id}/tokens`)).body.items;
    expect(listed.find((t: { id: string }) => t.id === operator.tokenId).revokedAt).toMatch(iso);
    expect(listed.find((t: { id: string }) => t.id === other.id).revokedAt).toBeNull();
  });

  it('answers a second revocation with 204 and an unknown token id with 404', async () => {
    const operator = await accountWith(herald, []);
    expect((await herald.admin.api('DELETE', `/v1/tokens/${operator.tokenId}`)).status).toBe(204);
    expect((await herald.admin.api('DELETE', `/v1/tokens/${operator.tokenId}`)).status).toBe(204);
    expect((await herald.admin.api('DELETE', '/v1/tokens/no-such-token')).status).toBe(404);
  });

  it('notes when a token was last used, writing at most once a minute', async () => {
    const operator = await accountWith(herald, []);
    const lastUsed = async () =>
      (await herald.admin.api('GET', `/v1/accounts/${operator.id}/tokens`)).body.items.find(
        (t: { id: string }) => t.id === operator.tokenId,
      ).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await operator.api('GET', '/v1/me');
    const first = await lastUsed();
    expect(first).toMatch(iso);
    herald.clock.advance(30_000);
    await operator.api('GET', '/v1/me');
    expect(await lastUsed()).toBe(first);
    herald.clock.advance(31_000);
    await operator.api('GET', '/v1/me');
    expect(Date.parse(await lastUsed())).toBeGreaterThanOrEqual(Date.parse(first) + 61_000);
  });
});
