import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseExpiredText } from '../../../server/notifications/retention';
import { deviceClient } from '../../helpers/dispatch';
import { importDirectory, phone, user } from '../../helpers/directory';
import { expectStatus } from '../../helpers/rbac';
import { countedWrites } from '../../helpers/counted-writes';
import { startTestHerald, type TestHerald } from '../../helpers/herald';

let herald: TestHerald;
const DAY = 86_400_000;

beforeAll(async () => {
  herald = await startTestHerald();
  await importDirectory(herald.admin.api, { users: [user('u1')], devices: [phone('d1', 'u1')] });
});
afterAll(() => herald.close());

describe('message text retention', () => {
  it('erases title and body from storage after retainMessageTextDays, keeping lengths, sender and counts', async () => {
    const api = herald.admin.api;
    await api('PATCH', '/v1/tenant/settings', { retainMessageTextDays: 2 });
    const secret = 'Zebra-Quartz-Retention-Marker';
    const old = await api('POST', '/v1/notifications', { title: secret, body: `${secret} body`, deviceId: 'd1' });
    herald.clock.advance(DAY);
    const recent = await api('POST', '/v1/notifications', { title: 'Recent', body: 'Still here', deviceId: 'd1' });

    herald.clock.advance(DAY + 1000);
    expect(await eraseExpiredText(herald.database, herald.clock.now())).toBe(1);

    const erased = (await api('GET', `/v1/notifications/${old.body.id}`)).body;
    expect(erased).toMatchObject({
      title: null,
      body: null,
      titleLength: secret.length,
      bodyLength: secret.length + 5,
      sender: { accountId: herald.admin.accountId },
    });
    expect(erased.textErasedAt).not.toBeNull();
    expect(erased.counts.queued).toBe(1);
    expect((await api('GET', `/v1/notifications/${recent.body.id}`)).body.title).toBe('Recent');

    const stored = [herald.dbFile, `${herald.dbFile}-wal`].map((f) => (existsSync(f) ? readFileSync(f).toString('latin1') : '')).join('');
    expect(stored).toContain('Still here');
    expect(stored).not.toContain(secret);
  });

  it('erases every translation with the default text, and the inbox shows none; the template the send used is kept', async () => {
    const api = herald.admin.api;
    await api('PATCH', '/v1/tenant/settings', { retainMessageTextDays: 1 });
    await importDirectory(api, { users: [{ ...user('fr'), preferredLanguage: 'fr-FR' }], devices: [phone('fr-d', 'fr')] });
    const device = await deviceClient(herald, api, 'fr-d');
    const secret = 'Quokka-Translated-Retention-Marker';
    const translations = {
      'fr-FR': { title: `${secret} fr`, body: `${secret} corps` },
      de: { title: `${secret} de`, body: `${secret} Text` },
    };
    const kept = { 'fr-FR': { title: 'Gardé', body: 'Wombat-Kept-Template corps' } };
    const template = expectStatus(
      await api('POST', '/v1/templates', { name: 'Kept', title: 'Kept', body: 'Kept body', translations: kept }),
      201,
    );
    // the send's own translations replace the template's
    const sent = expectStatus(await api('POST', '/v1/notifications', { templateId: template.id, translations, deviceId: 'fr-d' }), 202);
    expect(expectStatus(await device('GET', '/v1/device/notifications'), 200).items[0]).toMatchObject(translations['fr-FR']);

    herald.clock.advance(DAY + 1000);
    expect(await eraseExpiredText(herald.database, herald.clock.now())).toBeGreaterThanOrEqual(1);

    const erased = expectStatus(await api('GET', `/v1/notifications/${sent.id}`), 200);
    expect(erased).toMatchObject({ title: null, body: null, translations: null, templateId: template.id });
    expect(erased.languages).toEqual([{ language: 'fr-FR', devices: 1 }]);
    const inbox = expectStatus(await device('GET', '/v1/device/notifications'), 200);
    expect(inbox.items[0]).toMatchObject({ id: sent.id, title: null, body: null, language: 'fr-FR' });

    // templates are not messages: kept whole
    expect(expectStatus(await api('GET', `/v1/templates/${template.id}`), 200).translations).toEqual(kept);
    const stored = [herald.dbFile, `${herald.dbFile}-wal`].map((f) => (existsSync(f) ? readFileSync(f).toString('latin1') : '')).join('');
    expect(stored).toContain('Wombat-Kept-Template');
    expect(stored).not.toContain(secret);
  });

  it('erases a few notifications per write, found outside it, and all that are due', async () => {
    const api = herald.admin.api;
    await api('PATCH', '/v1/tenant/settings', { retainMessageTextDays: 1 });
    const secret = 'Ocelot-Chunked-Retention-Marker';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(expectStatus(await api('POST', '/v1/notifications', { title: `${secret} ${i}`, body: 'Body', deviceId: 'd1' }), 202).id);
    herald.clock.advance(DAY + 1000);
    const recent = expectStatus(await api('POST', '/v1/notifications', { title: 'Recent', body: 'Still here', deviceId: 'd1' }), 202).id;
    const counted = countedWrites(herald.database);
    expect(await eraseExpiredText(counted.database, herald.clock.now(), 2)).toBe(5);
    expect(counted.writes()).toBe(3);
    for (const id of ids) expect(expectStatus(await api('GET', `/v1/notifications/${id}`), 200).title).toBeNull();
    expect(expectStatus(await api('GET', `/v1/notifications/${recent}`), 200).title).toBe('Recent');
    const stored = [herald.dbFile, `${herald.dbFile}-wal`].map((f) => (existsSync(f) ? readFileSync(f).toString('latin1') : '')).join('');
    expect(stored).not.toContain(secret);
    // nothing due: no write at all
    expect(await eraseExpiredText(counted.database, herald.clock.now(), 2)).toBe(0);
    expect(counted.writes()).toBe(3);
  });
});
