import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFcmProvider, type FcmOptions } from '../../../../server/dispatch/providers/fcm';
import type { PushProvider } from '../../../../server/dispatch/providers/types';
import { fcmServiceAccount, startFakeFcm, type FakeFcm, type FcmAnswer } from '../../../fakes/fcm';
import { pushMessage } from '../../../helpers/push';

describe('FCM provider', () => {
  let fake: FakeFcm;
  const open: PushProvider[] = [];
  const fcm = (overrides: Partial<FcmOptions> = {}) => {
    const provider = createFcmProvider({ serviceAccountFile: fake.serviceAccount.file, origin: fake.origin, ca: fake.ca, ...overrides });
    open.push(provider);
    return provider;
  };

  beforeAll(async () => {
    fake = await startFakeFcm();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()));
    fake.received.length = 0;
  });
  afterAll(() => fake.close());

  it('routes firebase-admin and its OAuth token request to the configured origin', async () => {
    const tokensBefore = fake.tokenRequests;
    const provider = fcm();
    expect(await provider.send([pushMessage('token-a'), pushMessage('token-b')])).toEqual([{ outcome: 'ok' }, { outcome: 'ok' }]);
    await provider.send([pushMessage('token-c')]);
    // One access token for the service account, reused; the fake accepts only tokens it issued.
    expect(fake.tokenRequests - tokensBefore).toBe(1);
    expect(fake.received.map((r) => r.token)).toEqual(['token-a', 'token-b', 'token-c']);
  });

  it('sends the specified message: notification, ids as data, high priority and the ttl left until expiry', async () => {
    const message = pushMessage('token-d', { expiresAt: Date.now() + 3_600_000 });
    await fcm({ now: () => message.expiresAt - 3_600_000 }).send([message]);
    expect(fake.received[0]!.message).toEqual({
      token: 'token-d',
      notification: { title: message.title, body: message.body },
      data: { notificationId: message.notificationId, deliveryId: message.deliveryId },
      android: { priority: 'high', ttl: '3600s', notification: { notification_priority: 'PRIORITY_DEFAULT' } },
    });
  });

  it('gives an already expired message a ttl of 0, not a negative one', async () => {
    const message = pushMessage('token-e', { expiresAt: Date.now() - 5_000 });
    expect(await fcm().send([message])).toEqual([{ outcome: 'ok' }]);
    expect(fake.received[0]!.message).toMatchObject({ android: { ttl: '0s' } });
  });

  it('sends 1,201 messages as sendEach calls of at most 500 (firebase-admin refuses more)', async () => {
    const batch = Array.from({ length: 1201 }, (_, i) => pushMessage(`bulk-${i}`));
    const results = await fcm().send(batch);
    expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(1201);
    expect(new Set(fake.received.map((r) => r.token)).size).toBe(1201);
  });

  it('answers a blank or whitespace token as invalidToken without sending it, keeping the batch order', async () => {
    const before = fake.count;
    const results = await fcm().send([pushMessage(''), pushMessage('good-token'), pushMessage('has space')]);
    expect(results).toEqual([
      { outcome: 'invalidToken', reason: 'malformedToken' },
      { outcome: 'ok' },
      { outcome: 'invalidToken', reason: 'malformedToken' },
    ]);
    expect(fake.count - before).toBe(1);
  });

  it('classifies FCM’s error codes', async () => {
    const cases: Array<[FcmAnswer, unknown]> = [
      [{ error: 'UNREGISTERED' }, { outcome: 'invalidToken', reason: 'UNREGISTERED' }],
      [{ error: 'INVALID_ARGUMENT' }, { outcome: 'permanent', reason: expect.stringMatching(/^INVALID_ARGUMENT/) }],
      [
        { error: 'QUOTA_EXCEEDED', retryAfter: 5 },
        { outcome: 'retryable', reason: 'QUOTA_EXCEEDED', retryAfterMs: 60_000 },
      ],
      [
        { error: 'UNAVAILABLE', retryAfter: 5 },
        { outcome: 'retryable', reason: 'UNAVAILABLE', minDelayMs: 30_000 },
      ],
      [{ error: 'INTERNAL' }, { outcome: 'retryable', reason: 'INTERNAL', minDelayMs: 30_000 }],
      [{ error: 'SENDER_ID_MISMATCH' }, { outcome: 'permanent', reason: 'SENDER_ID_MISMATCH' }],
      [{ error: 'THIRD_PARTY_AUTH_ERROR' }, { outcome: 'permanent', reason: 'THIRD_PARTY_AUTH_ERROR' }],
      [
        { status: 502, text: '<html>Bad gateway</html>' },
        { outcome: 'retryable', reason: 'HTTP 502' },
      ],
    ];
    cases.forEach(([answer], i) => fake.script(`case-${i}`, answer));
    const results = await fcm().send(cases.map((_, i) => pushMessage(`case-${i}`)));
    expect(results).toEqual(cases.map(([, result]) => result));
  });

  it('answers an outage at once: firebase-admin does not retry UNAVAILABLE behind the dispatcher’s back', async () => {
    const before = fake.count;
    fake.script('flaky', { error: 'UNAVAILABLE' }, { error: 'UNAVAILABLE' });
    expect(await fcm().send([pushMessage('flaky')])).toEqual([{ outcome: 'retryable', reason: 'UNAVAILABLE', minDelayMs: 30_000 }]);
    expect(fake.count - before).toBe(1);
  });

  it('makes a refused service account (OAuth invalid_grant) a retryable authenticationFailed, logged once per batch', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const stranger = fcmServiceAccount('herald-test');
    const results = await fcm({ serviceAccountFile: stranger.file, log: (e) => logged.push(e) }).send([
      pushMessage('token-f'),
      pushMessage('token-g'),
    ]);
    expect(results).toEqual([
      { outcome: 'retryable', reason: 'authenticationFailed' },
      { outcome: 'retryable', reason: 'authenticationFailed' },
    ]);
    expect(logged).toEqual([expect.objectContaining({ msg: 'FCM access token refused or unreachable' })]);
    expect(fake.received).toHaveLength(0);
  });
});
