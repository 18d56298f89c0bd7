import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(() => herald.close());

const api = () => herald.admin.api;
const get = async (path: string) => (await api()('GET', path)).body;

describe('POST /v1/directory/import', () => {
  it('answers the counts of what it upserted and stores every field', async () => {
    const res = await api()('POST', '/v1/directory/import', {
      users: [user('imp-u1'), user('imp-u2')],
      devices: [
        phone('imp-d1', 'imp-u1', { serialNumber: 'SN-IMP-1' }),
        phone('imp-d2', null, { platform: 'android', push: null, notificationsPermitted: false }),
      ],
      groups: [
        group('imp-g1', [
          { type: 'user', id: 'imp-u1' },
          { type: 'device', id: 'imp-d2' },
        ]),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ users: 2, groups: 1, devices: 2 });
    expect(await get('/v1/devices/imp-d1')).toMatchObject({
      id: 'imp-d1',
      platform: 'ios',
      enrolledByUserId: 'imp-u1',
      user: { id: 'imp-u1', upn: 'imp-u1@contoso.example', displayName: 'User imp-u1' },
      managementState: 'enrolled',
      app: 'companyPortal',
      push: { service: 'apns', hasToken: true },
      notificationsPermitted: true,
      serialNumber: 'SN-IMP-1',
    });
    expect(await get('/v1/devices/imp-d2')).toMatchObject({ user: null, push: null, notificationsPermitted: false, serialNumber: null });
    expect((await get('/v1/groups/imp-g1')).memberCounts).toEqual({ users: 1, devices: 1, groups: 0 });
  });

  it('takes a group listed twice as the union of its listings, however far apart: members both list keep their rows', async () => {
    const both = [
      { type: 'user' as const, id: 'twice-u1' },
      { type: 'user' as const, id: 'twice-u2' },
    ];
    await importDirectory(api(), { users: [user('twice-u1'), user('twice-u2')], groups: [group('twice', both)] });
    // rows a sync listed: a row deleted and inserted again would become the import's
    await herald.database.client.execute("UPDATE group_members SET source = 'graph' WHERE group_id = 'twice'");
    const res = await api()('POST', '/v1/directory/import', {
      groups: [
        group('twice', [both[0]!]),
        // enough groups between the two listings to write them in different statements
        ...Array.from({ length: 600 }, (_, i) => group(`twice-filler-${i}`, [])),
        group('twice', [both[1]!]),
      ],
    });
    expect(res.status).toBe(200);
    const rows = await herald.database.client.execute("SELECT member_id, source FROM group_members WHERE group_id = 'twice' ORDER BY 1");
    expect(rows.rows.map((r) => [r.member_id, r.source])).toEqual([
      ['twice-u1', 'graph'],
      ['twice-u2', 'graph'],
    ]);
  });

  it("keeps a user's preferredLanguage canonical, shows it where users and devices are listed, and clears it when left out", async () => {
    const lang = (id: string, preferredLanguage: string) => ({ ...user(id), preferredLanguage });
    await importDirectory(api(), { users: [lang('pl-u1', 'fr-ca'), lang('pl-u2', 'DE')], devices: [phone('pl-d1', 'pl-u1')] });
    expect(await get('/v1/users/pl-u1')).toMatchObject({ preferredLanguage: 'fr-CA' });
    expect(await get('/v1/users/pl-u2')).toMatchObject({ preferredLanguage: 'de' });
    expect((await get('/v1/users?search=pl-u1')).items[0].preferredLanguage).toBe('fr-CA');
    expect((await get('/v1/devices/pl-d1')).user).toMatchObject({ id: 'pl-u1', preferredLanguage: 'fr-CA' });

    const bad = await api()('POST', '/v1/directory/import', { users: [lang('pl-u3', 'not a tag!')] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^users\.0\.preferredLanguage: 'not a tag!' is not a BCP 47 language tag/);

    await importDirectory(api(), { users: [user('pl-u1')] });
    expect(await get('/v1/users/pl-u1')).toMatchObject({ preferredLanguage: null });
  });

  it('updates objects that already exist instead of duplicating them', async () => {
    await importDirectory(api(), { users: [user('up-u1')], devices: [phone('up-d1', 'up-u1')] });
    const res = await api()('POST', '/v1/directory/import', {
      users: [{ id: 'up-u1', upn: 'renamed@contoso.example', displayName: 'Renamed' }],
      devices: [phone('up-d1', 'up-u1', { name: 'Renamed phone', managementState: 'unenrolled' })],
    });
    expect(res.body).toEqual({ users: 1, groups: 0, devices: 1 });
    expect(await get('/v1/users/up-u1')).toEqual({
      id: 'up-u1',
      upn: 'renamed@contoso.example',
      displayName: 'Renamed',
      preferredLanguage: null,
    });
    expect(await get('/v1/devices/up-d1')).toMatchObject({ name: 'Renamed phone', managementState: 'unenrolled' });
    expect((await get('/v1/users?search=renamed@contoso')).items).toHaveLength(1);
  });

  it('counts an id given twice once, and keeps its last version', async () => {
    const res = await api()('POST', '/v1/directory/import', {
      users: [user('dup-u1'), { id: 'dup-u1', upn: 'second@contoso.example', displayName: 'Second' }],
      groups: [
        group('dup-g1', [
          { type: 'user', id: 'dup-u1' },
          { type: 'user', id: 'dup-u1' },
          { type: 'group', id: 'dup-g1' },
        ]),
      ],
    });
    expect(res.body).toEqual({ users: 1, groups: 1, devices: 0 });
    expect((await get('/v1/users/dup-u1')).upn).toBe('second@contoso.example');
    expect((await get('/v1/groups/dup-g1')).memberCounts).toEqual({ users: 1, devices: 0, groups: 1 });
  });

  it("replaces a group's member list with the given one, and keeps it when members is omitted", async () => {
    await importDirectory(api(), {
      users: [user('rep-u1'), user('rep-u2'), user('rep-u3')],
      groups: [
        group('rep-g1', [
          { type: 'user', id: 'rep-u1' },
          { type: 'user', id: 'rep-u2' },
        ]),
      ],
    });
    await importDirectory(api(), { groups: [group('rep-g1', [{ type: 'user', id: 'rep-u3' }])] });
    expect((await get('/v1/groups/rep-g1')).memberCounts).toEqual({ users: 1, devices: 0, groups: 0 });
    const members = await herald.database.db.all<{ id: string }>(sql`SELECT member_id AS id FROM group_members WHERE group_id = 'rep-g1'`);
    expect(members.map((m) => m.id)).toEqual(['rep-u3']);

    await importDirectory(api(), { groups: [{ id: 'rep-g1', displayName: 'Renamed only' }] });
    expect(await get('/v1/groups/rep-g1')).toEqual({
      id: 'rep-g1',
      displayName: 'Renamed only',
      memberCounts: { users: 1, devices: 0, groups: 0 },
    });
  });

  it('removes exactly the memberships a re-import leaves out: a member stays only if listed in that group with that type, and keeps its source', async () => {
    const u = (id: string) => ({ type: 'user' as const, id });
    const d = (id: string) => ({ type: 'device' as const, id });
    const odd = 'q"u\\o\'te-ü😀';
    // 501 groups: the member lists are replaced 500 groups at a time, so the last one is in another statement
    const many = Array.from({ length: 501 }, (_, i) => `rm-g${i}`);
    await importDirectory(api(), {
      users: [user('rm-u1'), user('rm-u2'), user('rm-x'), user(odd)],
      devices: [phone('rm-d1', null), phone('rm-x', null)],
      groups: [
        group('rm-a', [u('rm-u1'), u('rm-u2'), u('rm-x'), d('rm-d1'), u(odd)]),
        group('rm-b', [u('rm-u1'), d('rm-x')]),
        ...many.map((id) => group(id, [u('rm-u1'), u('rm-u2')])),
      ],
    });
    await herald.database.write((tx) => tx.run(sql`UPDATE group_members SET source = 'graph' WHERE member_id IN ('rm-u1', ${odd})`));

    await importDirectory(api(), {
      groups: [
        // rm-u2 is still listed, but in rm-b; rm-x now as a device, which it was not in rm-a
        group('rm-a', [u('rm-u1'), d('rm-x'), u(odd)]),
        group('rm-b', [u('rm-u2'), d('rm-x')]),
        ...many.map((id, i) => group(id, [u(i % 2 ? 'rm-u1' : 'rm-u2')])),
      ],
    });
    const rows = await herald.database.db.all<{ g: string; t: string; m: string; source: string }>(
      sql`SELECT group_id AS g, member_type AS t, member_id AS m, source FROM group_members
        WHERE group_id IN ('rm-a', 'rm-b', 'rm-g0', 'rm-g1', 'rm-g499', 'rm-g500') ORDER BY group_id, member_type, member_id`,
    );
    expect(rows).toEqual([
      { g: 'rm-a', t: 'device', m: 'rm-x', source: 'import' },
      { g: 'rm-a', t: 'user', m: odd, source: 'graph' },
      { g: 'rm-a', t: 'user', m: 'rm-u1', source: 'graph' },
      { g: 'rm-b', t: 'device', m: 'rm-x', source: 'import' },
      { g: 'rm-b', t: 'user', m: 'rm-u2', source: 'import' },
      { g: 'rm-g0', t: 'user', m: 'rm-u2', source: 'import' },
      { g: 'rm-g1', t: 'user', m: 'rm-u1', source: 'graph' },
      { g: 'rm-g499', t: 'user', m: 'rm-u1', source: 'graph' },
      { g: 'rm-g500', t: 'user', m: 'rm-u2', source: 'import' },
    ]);
    const counted = await herald.database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM group_members WHERE group_id LIKE 'rm-g%'`);
    expect(counted).toEqual([{ n: 501 }]);
  });

  it('accepts members that already exist in the tenant from an earlier import', async () => {
    await importDirectory(api(), { users: [user('old-u1')], groups: [group('old-g1')] });
    const res = await api()('POST', '/v1/directory/import', {
      groups: [
        group('old-g2', [
          { type: 'user', id: 'old-u1' },
          { type: 'group', id: 'old-g1' },
        ]),
      ],
    });
    expect(res.status).toBe(200);
  });

  it('refuses a member that exists neither in the import nor in the tenant with a 400 naming it, and keeps nothing', async () => {
    const res = await api()('POST', '/v1/directory/import', {
      users: [user('bad-u1')],
      devices: [phone('bad-d1', 'bad-u1')],
      groups: [
        group('bad-g1', [
          { type: 'user', id: 'bad-u1' },
          { type: 'group', id: 'ghost-group' },
        ]),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalidRequest');
    expect(res.body.error.message).toContain("group 'ghost-group'");
    expect(res.body.error.message).toContain("Group 'bad-g1'");
    expect(res.body.error.details).toEqual([{ type: 'group', id: 'ghost-group', referencedBy: "Group 'bad-g1'" }]);
    for (const path of ['/v1/users/bad-u1', '/v1/devices/bad-d1', '/v1/groups/bad-g1']) expect((await api()('GET', path)).status).toBe(404);
  });

  it("refuses a device whose enrolledByUserId names an unknown user, and keeps the other objects' old values", async () => {
    await importDirectory(api(), { users: [user('keep-u1')] });
    const res = await api()('POST', '/v1/directory/import', {
      users: [{ id: 'keep-u1', upn: 'changed@contoso.example', displayName: 'Changed' }],
      devices: [phone('keep-d1', 'nobody')],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("user 'nobody'");
    expect((await get('/v1/users/keep-u1')).upn).toBe('keep-u1@contoso.example');
  });

  it('records successful and refused imports in the audit log', async () => {
    await importDirectory(api(), { users: [user('aud-u1')] });
    await api()('POST', '/v1/directory/import', { groups: [group('aud-g1', [{ type: 'device', id: 'ghost-device' }])] });
    const entries = (await get('/v1/audit?action=directory.import')).items as { outcome: string; details: Record<string, unknown> }[];
    expect(entries.some((e) => e.outcome === 'success' && e.details.users === 1)).toBe(true);
    expect(entries.some((e) => e.outcome === 'rejected' && JSON.stringify(e.details).includes('ghost-device'))).toBe(true);
  });

  it('keeps a token a provider marked invalid until the directory brings a different token', async () => {
    const device = phone('tok-d1', null);
    await importDirectory(api(), { devices: [device] });
    const markInvalid = () => herald.database.client.execute("UPDATE devices SET push_token_invalid_at = 1 WHERE id = 'tok-d1'");
    await markInvalid();
    await importDirectory(api(), { devices: [device] });
    expect((await get('/v1/devices/tok-d1')).push).toEqual({ service: 'apns', hasToken: false });
    await importDirectory(api(), { devices: [{ ...device, push: { service: 'apns', token: 'b'.repeat(64) } }] });
    expect((await get('/v1/devices/tok-d1')).push).toEqual({ service: 'apns', hasToken: true });
  });

  it('answers malformed JSON with a 400 and a non-JSON body with a 415', async () => {
    const malformed = await api()('POST', '/v1/directory/import', '{"users": [', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalidRequest');
    const text = await api()('POST', '/v1/directory/import', 'users=1', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('names the field of an invalid object', async () => {
    const res = await api()('POST', '/v1/directory/import', { devices: [phone('inv-d1', null, { platform: 'symbian' as 'ios' })] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^devices\.0\.platform: /);
  });
});
