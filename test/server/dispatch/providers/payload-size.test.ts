import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apnsPayloadBytes, checkMessageSize, fcmPayloadBytes, PUSH_PAYLOAD_MAX_BYTES } from '../../../../shared/push-payload';
import { createApnsProvider } from '../../../../server/dispatch/providers/apns';
import { createFcmProvider } from '../../../../server/dispatch/providers/fcm';
import { createSimulator } from '../../../../server/dispatch/providers/simulator';
import type { PushProvider } from '../../../../server/dispatch/providers/types';
import { startFakeApns, type FakeApns } from '../../../fakes/apns';
import { startFakeFcm, type FakeFcm } from '../../../fakes/fcm';
import { apnsToken, pushMessage } from '../../../helpers/push';

/** Texts with JSON escapes, multi-byte letters and emoji, as the server stores them (normalised). */
const texts = [
  { title: 'Maintenance tonight', body: 'Please save your work before 22:00.' },
  { title: '"Quoted" \\ back\u2029slash', body: 'line 1\nline 2\ttab-free \u00e9\u4e00 👩🏽‍💻' },
  { title: 'Wide', body: '👨‍👩‍👧‍👦'.repeat(120) },
];

describe('the size check measures what the providers send', () => {
  let apnsFake: FakeApns;
  let fcmFake: FakeFcm;
  let apns: PushProvider;
  let fcm: PushProvider;

  beforeAll(async () => {
    [apnsFake, fcmFake] = await Promise.all([startFakeApns(), startFakeFcm()]);
    const { key, topic, origin, ca } = apnsFake;
    apns = createApnsProvider({ key: key.privateKey, keyId: key.keyId, teamId: key.teamId, topic, origin, ca });
    fcm = createFcmProvider({ serviceAccountFile: fcmFake.serviceAccount.file, origin: fcmFake.origin, ca: fcmFake.ca });
  });
  afterAll(async () => {
    await Promise.all([apns.close(), fcm.close()]);
    await Promise.all([apnsFake.close(), fcmFake.close()]);
  });

  it('in bytes of the APNs request body and of the FCM message payload, with ids as long as real ones', async () => {
    for (const [i, text] of texts.entries()) {
      const toApns = pushMessage(apnsToken(i + 1), text);
      const toFcm = pushMessage(`fcm-token-${i}`, text);
      expect(await apns.send([toApns])).toEqual([{ outcome: 'ok' }]);
      expect(await fcm.send([toFcm])).toEqual([{ outcome: 'ok' }]);
      // JSON.stringify without spaces gives back the bytes of the body APNs received
      const apnsBytes = Buffer.byteLength(JSON.stringify(apnsFake.received.at(-1)!.payload));
      const message = fcmFake.received.at(-1)!.message;
      const fcmBytes = Buffer.byteLength(JSON.stringify({ notification: message.notification, data: message.data }));
      expect([apnsPayloadBytes(toApns), fcmPayloadBytes(toFcm)]).toEqual([apnsBytes, fcmBytes]);
      expect(checkMessageSize(text.title, text.body).bytes).toBe(Math.max(apnsBytes, fcmBytes));
    }
  });
});

describe('the simulator', () => {
  it(`refuses a payload over ${PUSH_PAYLOAD_MAX_BYTES} bytes as Apple and Google do, and accepts one at the limit`, async () => {
    const fits = pushMessage(apnsToken(1), { title: 'T', body: '' });
    fits.body = 'x'.repeat(PUSH_PAYLOAD_MAX_BYTES - apnsPayloadBytes(fits));
    expect(apnsPayloadBytes(fits)).toBe(PUSH_PAYLOAD_MAX_BYTES);
    const over = { ...fits, body: `${fits.body}x` };
    expect(await createSimulator('apns').send([fits, over])).toEqual([
      { outcome: 'ok' },
      { outcome: 'permanent', reason: 'PayloadTooLarge' },
    ]);

    const wide = pushMessage('fcm-token', { body: '👨‍👩‍👧‍👦'.repeat(200) });
    expect(fcmPayloadBytes(wide)).toBeGreaterThan(PUSH_PAYLOAD_MAX_BYTES);
    expect(await createSimulator('fcm').send([wide, pushMessage('fcm-token')])).toEqual([
      { outcome: 'permanent', reason: 'INVALID_ARGUMENT: Message is too big' },
      { outcome: 'ok' },
    ]);
  });
});
