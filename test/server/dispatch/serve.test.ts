import { afterAll, describe, expect, it } from 'vitest';
import { importDirectory, phone, user } from '../../helpers/directory';
import { apiClient } from '../../helpers/herald';
import { spawnHerald, type HeraldProcess } from '../../helpers/process';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let server: HeraldProcess | undefined;
afterAll(async () => {
  await server?.stop();
  server?.removeDatabase();
});

describe('herald serve without push credentials', () => {
  it('says both services are simulated, and a device send ends sent by the simulator, in the inbox', async () => {
    server = await spawnHerald();
    expect(server.stderr()).toMatch(/Push services:\n {2}apns: simulated.*\n {2}fcm: simulated/);
    const api = apiClient(server.url, server.token!);
    await importDirectory(api, { users: [user('u1')], devices: [phone('d1', 'u1', { push: { service: 'apns', token: apnsToken(1) } })] });
    const { id } = expectStatus(
      await api('POST', '/v1/notifications', { title: 'Hello', body: 'From the simulator', deviceId: 'd1' }),
      202,
    );
    let delivery: { status: string; provider: string | null } | undefined;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      [delivery] = expectStatus(await api('GET', `/v1/notifications/${id}/deliveries`), 200).items;
      if (delivery?.status === 'sent') break;
      await new Promise((resolve) => setTimeout(resolve, 50)); // another process: nothing to await but the API
    }
    expect(delivery).toMatchObject({ status: 'sent', provider: 'simulator' });
    const { secret } = expectStatus(await api('POST', '/v1/devices/d1/credentials'), 201);
    const inbox = await apiClient(server.url)('GET', '/v1/device/notifications', undefined, { authorization: `Device d1:${secret}` });
    expect(inbox.body.items).toEqual([
      { id, title: 'Hello', body: 'From the simulator', language: null, sentAt: expect.any(String), state: 'sent' },
    ]);
  });
});
