import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApnsProvider, type ApnsOptions } from '../../../../server/dispatch/providers/apns';
import type { PushProvider } from '../../../../server/dispatch/providers/types';
import { apnsAnswers, startFakeApns, type FakeApns } from '../../../fakes/apns';
import { testClock } from '../../../helpers/herald';
import { apnsToken, pushMessage } from '../../../helpers/push';

const MINUTE = 60_000;

describe('APNs provider', () => {
  const clock = testClock();
  let fake: FakeApns;
  const open: PushProvider[] = [];
  const apns = (overrides: Partial<ApnsOptions> = {}) => {
    const provider = createApnsProvider({
      key: fake.key.privateKey,
      keyId: fake.key.keyId,
      teamId: fake.key.teamId,
      topic: fake.topic,
      origin: fake.origin,
      ca: fake.ca,
      now: clock.now,
      ...overrides,
    });
    open.push(provider);
    return provider;
  };

  beforeAll(async () => {
    fake = await startFakeApns({ now: clock.now });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()));
    fake.received.length = 0;
  });
  afterAll(() => fake.close());

  it('posts to /3/device/{token} with exactly the specified headers and payload', async () => {
    const message = pushMessage(apnsToken(1), { expiresAt: 1_900_000_000_500 });
    expect(await apns().send([message])).toEqual([{ outcome: 'ok' }]);
    const [got] = fake.received;
    expect(got!.headers).toMatchObject({
      ':method': 'POST',
      ':path': `/3/device/${message.token}`,
      'apns-push-type': 'alert',
      'apns-topic': fake.topic,
      'apns-priority': '10',
      'apns-expiration': '1900000000',
      'apns-collapse-id': message.notificationId,
      'apns-id': message.deliveryId,
    });
    expect(got!.payload).toEqual({
      aps: { alert: { title: message.title, body: message.body }, sound: 'default', 'interruption-level': 'active' },
      herald: { notificationId: message.notificationId, deliveryId: message.deliveryId },
    });
  });

  it('gives each push of a batch mixing notifications, languages, urgencies and acknowledgement its own body and headers', async () => {
    // each push differs from the one before it in one thing only
    const first = pushMessage(apnsToken(40));
    const same = { notificationId: first.notificationId, expiresAt: first.expiresAt };
    const french = { ...same, title: 'Exercice', body: 'Sortez.' };
    const messages = [
      first,
      pushMessage(apnsToken(41), same),
      pushMessage(apnsToken(42), { ...same, title: 'Exercice' }),
      pushMessage(apnsToken(43), french),
      pushMessage(apnsToken(44), { ...french, urgency: 'high' }),
      pushMessage(apnsToken(45), { ...french, urgency: 'high', requireAcknowledgement: true }),
      pushMessage(apnsToken(46), { ...french, urgency: 'high', requireAcknowledgement: true, expiresAt: 1_900_000_000_000 }),
      pushMessage(apnsToken(47), {
        ...french,
        urgency: 'high',
        requireAcknowledgement: true,
        expiresAt: 1_900_000_000_000,
        notificationId: crypto.randomUUID(),
      }),
    ];
    expect(await apns().send(messages)).toEqual(messages.map(() => ({ outcome: 'ok' })));
    for (const m of messages) {
      const got = fake.received.find((r) => r.token === m.token)!;
      expect(got.headers).toMatchObject({
        'apns-id': m.deliveryId,
        'apns-collapse-id': m.notificationId,
        'apns-priority': m.urgency === 'low' ? '5' : '10',
        'apns-expiration': String(Math.floor(m.expiresAt / 1000)),
      });
      expect(got.payload).toEqual({
        aps: {
          alert: { title: m.title, body: m.body },
          sound: 'default',
          'interruption-level': { low: 'passive', normal: 'active', high: 'time-sensitive' }[m.urgency],
        },
        herald: {
          notificationId: m.notificationId,
          deliveryId: m.deliveryId,
          ...(m.requireAcknowledgement ? { requireAcknowledgement: true } : {}),
        },
      });
    }
  });

  it('signs an ES256 provider token the fake verifies with the public key, and one signed by another key is refused', async () => {
    expect(await apns().send([pushMessage(apnsToken(2))])).toEqual([{ outcome: 'ok' }]);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(await apns({ key: stranger }).send([pushMessage(apnsToken(2))])).toEqual([
      { outcome: 'retryable', reason: 'InvalidProviderToken' },
    ]);
  });

  it('reuses one provider token for 50 minutes and mints a new one after', async () => {
    const provider = apns();
    const before = fake.providerTokens.length;
    await provider.send([pushMessage(apnsToken(3))]);
    clock.advance(49 * MINUTE);
    await provider.send([pushMessage(apnsToken(3))]);
    expect(fake.providerTokens.length - before).toBe(1);
    clock.advance(1 * MINUTE);
    await provider.send([pushMessage(apnsToken(3))]);
    expect(fake.providerTokens.length - before).toBe(2);
    const [, second, third] = fake.received.map((r) => r.headers.authorization);
    expect(third).not.toBe(second);
  });

  it('after ExpiredProviderToken re-mints only a token older than 20 minutes; the push is retryable', async () => {
    const provider = apns();
    const token = apnsToken(4);
    await provider.send([pushMessage(token)]);
    const minted = fake.providerTokens.length;

    clock.advance(10 * MINUTE);
    fake.script(token, apnsAnswers.expiredProviderToken, apnsAnswers.expiredProviderToken);
    expect(await provider.send([pushMessage(token)])).toEqual([{ outcome: 'retryable', reason: 'ExpiredProviderToken' }]);
    await provider.send([pushMessage(apnsToken(5))]);
    expect(fake.providerTokens.length).toBe(minted);

    clock.advance(15 * MINUTE);
    expect(await provider.send([pushMessage(token)])).toEqual([{ outcome: 'retryable', reason: 'ExpiredProviderToken' }]);
    expect(await provider.send([pushMessage(token)])).toEqual([{ outcome: 'ok' }]);
    expect(fake.providerTokens.length).toBe(minted + 1);
  });

  it('classifies by Apple’s table: 410 and 400 BadDeviceToken/DeviceTokenNotForTopic are invalid tokens, 429/5xx retryable, other 4xx permanent', async () => {
    const cases = [
      [apnsAnswers.unregistered, { outcome: 'invalidToken', reason: 'Unregistered' }],
      [apnsAnswers.badDeviceToken, { outcome: 'invalidToken', reason: 'BadDeviceToken' }],
      [
        { status: 400, reason: 'DeviceTokenNotForTopic' },
        { outcome: 'invalidToken', reason: 'DeviceTokenNotForTopic' },
      ],
      [apnsAnswers.tooManyRequests(), { outcome: 'retryable', reason: 'TooManyRequests' }],
      [apnsAnswers.serviceUnavailable(30), { outcome: 'retryable', reason: 'ServiceUnavailable', retryAfterMs: 30_000 }],
      [
        { status: 500, reason: 'InternalServerError' },
        { outcome: 'retryable', reason: 'InternalServerError' },
      ],
      [
        { status: 400, reason: 'BadCollapseId' },
        { outcome: 'permanent', reason: 'BadCollapseId' },
      ],
      [
        { status: 403, reason: 'BadCertificateEnvironment' },
        { outcome: 'permanent', reason: 'BadCertificateEnvironment' },
      ],
    ] as const;
    const tokens = cases.map((_, i) => apnsToken(100 + i));
    cases.forEach(([answer], i) => fake.script(tokens[i]!, answer));
    expect(await apns().send(tokens.map((t) => pushMessage(t)))).toEqual(cases.map(([, result]) => result));
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const token = apnsToken(6);
    fake.script(token, apnsAnswers.serviceUnavailable(new Date(Date.now() + 120_000).toUTCString()));
    const [result] = await apns().send([pushMessage(token)]);
    expect(result).toMatchObject({ outcome: 'retryable', reason: 'ServiceUnavailable' });
    const after = result!.outcome === 'retryable' ? result!.retryAfterMs : undefined;
    expect(after).toBeGreaterThan(100_000);
    expect(after).toBeLessThanOrEqual(120_000);
  });

  it('never opens more streams than the server advertises', async () => {
    const narrow = await startFakeApns({ key: fake.key, maxConcurrentStreams: 3 });
    try {
      const results = await apns({ origin: narrow.origin }).send(Array.from({ length: 40 }, (_, i) => pushMessage(apnsToken(200 + i))));
      expect(results.every((r) => r.outcome === 'ok')).toBe(true);
      expect(narrow.maxConcurrent).toBe(3);
    } finally {
      await narrow.close();
    }
  });

  it('gives up waiting for a stream slot after the request timeout: the pushes that got none are retryable noStreamSlot, never sent', async () => {
    const narrow = await startFakeApns({ key: fake.key, maxConcurrentStreams: 1 });
    try {
      narrow.setDefault({ ...apnsAnswers.ok, delayMs: 600 });
      const started = performance.now();
      // One stream at a time, 600 ms each: slots come at about 0, 600 and 1,200 ms; the wait ends at 1,000 ms.
      const results = await apns({ origin: narrow.origin, requestTimeoutMs: 1_000 }).send(
        Array.from({ length: 4 }, (_, i) => pushMessage(apnsToken(300 + i))),
      );
      expect(results).toEqual([
        { outcome: 'ok' },
        { outcome: 'ok' },
        { outcome: 'retryable', reason: 'noStreamSlot' },
        { outcome: 'retryable', reason: 'noStreamSlot' },
      ]);
      expect(performance.now() - started).toBeLessThan(2_000); // not the 2,400 ms that waiting for every slot takes
      expect(narrow.count).toBe(2);
    } finally {
      await narrow.close();
    }
  });

  it('keeps one session for many sends and opens a new one after the server sends GOAWAY', async () => {
    const provider = apns();
    const before = fake.connections;
    await provider.send([pushMessage(apnsToken(7))]);
    await provider.send([pushMessage(apnsToken(8)), pushMessage(apnsToken(9))]);
    expect(fake.connections - before).toBe(1);
    fake.goawayAll();
    expect(await provider.send([pushMessage(apnsToken(9))])).toEqual([{ outcome: 'ok' }]);
    expect(fake.connections - before).toBe(2);
  });

  it('turns a reset stream and a request that outlives its timeout into retryable connectionFailed', async () => {
    fake.script(apnsToken(10), { reset: true });
    fake.script(apnsToken(11), { ...apnsAnswers.ok, delayMs: 2_000 });
    const results = await apns({ requestTimeoutMs: 200 }).send([
      pushMessage(apnsToken(10)),
      pushMessage(apnsToken(11)),
      pushMessage(apnsToken(12)),
    ]);
    expect(results).toEqual([
      { outcome: 'retryable', reason: 'connectionFailed' },
      { outcome: 'retryable', reason: 'connectionFailed' },
      { outcome: 'ok' },
    ]);
  });

  it('gives up on a server that accepts the connection but never answers, as connectionFailed', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      expect(await apns({ origin, connectTimeoutMs: 200 }).send([pushMessage(apnsToken(15))])).toEqual([
        { outcome: 'retryable', reason: 'connectionFailed' },
      ]);
    } finally {
      silent.close();
    }
  });

  it('does not trust the fake’s certificate without its CA: TLS verification stays on', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const results = await apns({ ca: undefined, log: (e) => logged.push(e) }).send([pushMessage(apnsToken(13))]);
    expect(results).toEqual([{ outcome: 'retryable', reason: 'connectionFailed' }]);
    expect(logged).toEqual([expect.objectContaining({ msg: 'APNs connection failed', error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })]);
    expect(fake.received).toHaveLength(0);
  });

  it('connects again once the service is back after an outage', async () => {
    const first = await startFakeApns({ key: fake.key });
    const port = Number(new URL(first.origin).port);
    const provider = apns({ origin: first.origin });
    expect(await provider.send([pushMessage(apnsToken(14))])).toEqual([{ outcome: 'ok' }]);
    await first.close();
    expect(await provider.send([pushMessage(apnsToken(14))])).toEqual([{ outcome: 'retryable', reason: 'connectionFailed' }]);
    const back = await startFakeApns({ key: fake.key, port });
    try {
      expect(await provider.send([pushMessage(apnsToken(14))])).toEqual([{ outcome: 'ok' }]);
    } finally {
      await back.close();
    }
  });
});
