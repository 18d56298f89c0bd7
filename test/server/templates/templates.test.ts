import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';
import { group, user } from '../../helpers/directory';
import { accountWith, customRole, expectStatus } from '../../helpers/rbac';

let herald: TestHerald;
let api: Api;

beforeAll(async () => {
  herald = await startTestHerald();
  api = herald.admin.api;
});
afterAll(() => herald?.close());

const closure = { name: 'Office closed', title: 'Office closed today', body: 'The office is closed today; work from home.' };

describe('templates', () => {
  it('are created with defaults, read, renamed and deleted', async () => {
    const created = expectStatus(await api('POST', '/v1/templates', closure), 201);
    expect(created).toMatchObject({ ...closure, translations: {}, urgency: 'normal', requireAcknowledgement: false });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(expectStatus(await api('GET', `/v1/templates/${created.id}`), 200)).toEqual(created);

    const renamed = expectStatus(await api('PATCH', `/v1/templates/${created.id}`, { name: 'Closure', urgency: 'high' }), 200);
    expect(renamed).toMatchObject({ name: 'Closure', title: closure.title, urgency: 'high' });
    expect(expectStatus(await api('GET', `/v1/templates/${created.id}`), 200)).toEqual(renamed);

    expect((await api('DELETE', `/v1/templates/${created.id}`)).status).toBe(204);
    const gone = await api('GET', `/v1/templates/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('notFound');
  });

  it('keep translations under canonical language tags, and name the language and field of a bad one', async () => {
    const created = expectStatus(
      await api('POST', '/v1/templates', {
        ...closure,
        name: 'Multilingual',
        translations: { 'fr-fr': { title: 'Bureau fermé', body: "Le bureau est fermé aujourd'hui." } },
      }),
      201,
    );
    expect(Object.keys(created.translations)).toEqual(['fr-FR']);

    const tooLong = await api('POST', '/v1/templates', {
      ...closure,
      name: 'Bad',
      translations: { 'de-DE': { title: 'T'.repeat(51), body: 'ok' } },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/^translations\.de-DE\.title: title is 51 characters; the limit is 50\./);

    const notATag = await api('POST', '/v1/templates', {
      ...closure,
      name: 'Bad',
      translations: { 'not a tag!': { title: 'x', body: 'y' } },
    });
    expect(notATag.status).toBe(400);
    expect(notATag.body.error.message).toMatch(/not a BCP 47 language tag/);

    const twice = await api('POST', '/v1/templates', {
      ...closure,
      name: 'Bad',
      translations: { 'fr-FR': { title: 'a', body: 'b' }, 'FR-fr': { title: 'c', body: 'd' } },
    });
    expect(twice.status).toBe(400);

    const many = Object.fromEntries(
      ['ar', 'bg', 'cs', 'da', 'de', 'el', 'es', 'et', 'fi', 'fr', 'ga', 'hr', 'hu', 'it', 'ja', 'ko', 'lt', 'lv', 'nl', 'pl', 'pt'].map(
        (t) => [t, { title: 't', body: 'b' }],
      ),
    );
    const tooMany = await api('POST', '/v1/templates', { ...closure, name: 'Bad', translations: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/21 languages; the limit is 20/);
    expect((await api('GET', '/v1/templates?search=bad')).body.items).toEqual([]);
  });

  it('have names unique in the tenant, ignoring case (409), but another tenant may reuse them', async () => {
    expectStatus(await api('POST', '/v1/templates', { ...closure, name: 'Fire drill' }), 201);
    const clash = await api('POST', '/v1/templates', { ...closure, name: 'FIRE DRILL' });
    expect(clash.status).toBe(409);
    const other = await herald.newTenant('Fabrikam');
    expect((await other.api('POST', '/v1/templates', { ...closure, name: 'Fire drill' })).status).toBe(201);
  });

  it('answer 409, not 500, for a name that repeats one with a non-ASCII capital, and page through such names', async () => {
    const tenant = await herald.newTenant('Contoso Europe');
    expectStatus(await tenant.api('POST', '/v1/templates', { ...closure, name: 'École fermée' }), 201);
    // the unique index folds as SQLite's lower() does, ASCII only: the same name again is the clash it must answer
    expect((await tenant.api('POST', '/v1/templates', { ...closure, name: 'École fermée' })).status).toBe(409);
    for (const name of ['Énergie', 'Ürlaub', 'école']) expectStatus(await tenant.api('POST', '/v1/templates', { ...closure, name }), 201);
    const all = expectStatus(await tenant.api('GET', '/v1/templates?limit=200'), 200).items;
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: unknown[]; nextCursor: string | null } = expectStatus(
        await tenant.api('GET', `/v1/templates?limit=1${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(4);
  });

  it('are listed by name, searched (wildcards matched as text) and paged', async () => {
    for (const name of ['Zeta 100%', 'alpha_1', 'Alpha 2', 'beta'])
      expectStatus(await api('POST', '/v1/templates', { ...closure, name }), 201);
    const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((t) => t.name);
    expect(names(await api('GET', '/v1/templates?search=alpha'))).toEqual(['Alpha 2', 'alpha_1']);
    expect(names(await api('GET', '/v1/templates?search=100%25'))).toEqual(['Zeta 100%']);
    expect(names(await api('GET', '/v1/templates?search=a_2'))).toEqual([]);
    const first = expectStatus(await api('GET', '/v1/templates?limit=2'), 200);
    const all = expectStatus(await api('GET', '/v1/templates?limit=200'), 200);
    const second = expectStatus(await api('GET', `/v1/templates?limit=200&cursor=${first.nextCursor}`), 200);
    expect([...first.items, ...second.items]).toEqual(all.items);
  });

  it('are read with Organization.Read; changed only with Organization.Update over the whole tenant', async () => {
    expectStatus(
      await api('POST', '/v1/directory/import', { users: [user('u1')], groups: [group('g1', [{ type: 'user', id: 'u1' }])] }),
      200,
    );
    const reader = await accountWith(herald, [{ roleId: 'readOnlyOperator' }]);
    const scoped = await accountWith(herald, [
      { roleId: await customRole(herald, ['Organization.Read', 'Organization.Update']), scope: { type: 'groups', groupIds: ['g1'] } },
    ]);
    expect((await reader.api('GET', '/v1/templates')).status).toBe(200);
    const denied = await reader.api('POST', '/v1/templates', { ...closure, name: 'Nope' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/Organization\.Update/);
    const scopedDenied = await scoped.api('POST', '/v1/templates', { ...closure, name: 'Nope' });
    expect(scopedDenied.status).toBe(403);
    expect(scopedDenied.body.error.message).toMatch(/whole tenant/);
    expect((await herald.api()('GET', '/v1/templates')).status).toBe(401);
  });

  it('are invisible to other tenants, and their text is kept out of the audit log', async () => {
    const secretText = 'Evacuate building C via stairwell 4';
    const mine = expectStatus(await api('POST', '/v1/templates', { ...closure, name: 'Private', body: secretText }), 201);
    const other = await herald.newTenant('Northwind');
    for (const [method, body] of [['GET'], ['PATCH', { name: 'Stolen' }], ['DELETE']] as const)
      expect((await other.api(method, `/v1/templates/${mine.id}`, body)).status).toBe(404);
    const log = expectStatus(await api('GET', '/v1/audit?limit=200'), 200);
    const entry = log.items.find((e: { action: string; target: string }) => e.action === 'template.create' && e.target === mine.id);
    expect(entry.details).toEqual({ name: 'Private', urgency: 'normal', requireAcknowledgement: false, languages: [] });
    expect(JSON.stringify(log)).not.toContain(secretText);
    expect(readFileSync(herald.dbFile).includes(Buffer.from('Stolen'))).toBe(false);
  });
});
