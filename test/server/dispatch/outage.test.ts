import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApns } from '../../fakes/apns';
import { importDirectory, phone, user } from '../../helpers/directory';
import { onlyDelivery, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { apnsToken } from '../../helpers/push';

let herald: DispatchHerald;

beforeAll(async () => {
  herald = await startDispatchHerald();
});
afterAll(() => herald.close());

describe('an APNs outage with the connection refused', () => {
  it('keeps every delivery queued while nothing listens, fails none, and sends them all once APNs is back on the same origin', async () => {
    const devices = Array.from({ length: 5 }, (_, i) => ({ id: `refused-${i}`, token: apnsToken(5_000 + i) }));
    await importDirectory(herald.admin.api, {
      users: [user('u-refused')],
      devices: devices.map((d) => phone(d.id, 'u-refused', { push: { service: 'apns', token: d.token } })),
    });
    const port = Number(new URL(herald.apns.origin).port);
    await herald.apns.close();
    const sends: string[] = [];
    for (const d of devices) sends.push(await sendToDevice(herald.admin.api, d.id));

    for (let attempt = 1; attempt <= 2; attempt++) {
      await herald.drain();
      for (const id of sends) {
        expect(await onlyDelivery(herald.admin.api, id)).toMatchObject({ status: 'queued', reason: 'connectionFailed', attempts: attempt });
      }
      herald.clock.advance(10 * 60_000); // the longest backoff
    }

    const back = await startFakeApns({ key: herald.apns.key, topic: herald.apns.topic, port });
    try {
      await herald.drain();
      for (const id of sends)
        expect(await onlyDelivery(herald.admin.api, id)).toMatchObject({ status: 'sent', reason: null, attempts: 3, provider: 'apns' });
      expect(back.received.map((r) => r.token).sort()).toEqual(devices.map((d) => d.token).sort());
    } finally {
      await back.close();
    }
  });
});
