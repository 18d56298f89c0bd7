import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseExpiredText } from '../../../server/notifications/retention';
import { importDirectory, phone, user } from '../../helpers/directory';
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
});
