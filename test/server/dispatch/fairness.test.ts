import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apnsAnswers } from '../../fakes/apns';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

const BACKLOG = 1_000;
let herald: DispatchHerald;

beforeAll(async () => {
  herald = await startDispatchHerald();
  await importDirectory(herald.admin.api, {
    users: [user('u-many'), user('u-solo')],
    devices: [
      ...Array.from({ length: BACKLOG }, (_, i) =>
        phone(`many-${i}`, 'u-many', { push: { service: 'apns', token: apnsToken(10_000 + i) } }),
      ),
      phone('solo', 'u-solo', { push: { service: 'apns', token: apnsToken(99_999) } }),
    ],
    groups: [group('everyone', [{ type: 'user', id: 'u-many' }])],
  });
});
afterAll(() => herald.close());

describe('a device send behind a group send backlog', () => {
  it('is pushed long before the backlog drains, not after it', async () => {
    herald.apns.setDefault({ ...apnsAnswers.ok, delayMs: 100 }); // slow: the 1,000 pushes take 20 batches of 50
    herald.live({ batchSize: 50, concurrency: 1 });
    expectStatus(
      await herald.admin.api('POST', '/v1/notifications', { title: 'All hands', body: 'At noon.', groupIds: ['everyone'] }),
      202,
    );
    await herald.apns.waitFor(50); // the backlog is being worked through
    await sendToDevice(herald.admin.api, 'solo');
    await herald.apns.waitFor(BACKLOG + 1);

    const position = herald.apns.received.findIndex((r) => r.token === apnsToken(99_999));
    expect(position).toBeGreaterThanOrEqual(50);
    expect(position).toBeLessThan(BACKLOG / 4);
  });
});
