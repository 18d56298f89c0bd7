import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApnsProvider } from '../../../../server/dispatch/providers/apns';
import { createFcmProvider } from '../../../../server/dispatch/providers/fcm';
import { createSimulator } from '../../../../server/dispatch/providers/simulator';
import type { PushProvider, PushResult } from '../../../../server/dispatch/providers/types';
import { apnsAnswers, startFakeApns } from '../../../fakes/apns';
import { startFakeFcm } from '../../../fakes/fcm';
import { apnsToken, pushMessage } from '../../../helpers/push';

/** What the contract needs from one provider and the remote service (or fake) behind it. */
interface Subject {
  provider: PushProvider;
  token(i: number): string;
  /** Makes the service refuse this token as invalid. */
  refuse(token: string): void;
  /** A batch bigger than the service's concurrency limit, and a check that the limit held. */
  bigBatch: number;
  limitHeld(): boolean;
  /** Present for providers that talk to a remote service. */
  remote?: {
    /** Makes the service answer "try later"; returns the retryAfterMs the provider should report. */
    throttle(token: string): number;
    outage(token: string): void;
    /** Makes the service refuse the message itself (not the token). */
    rejectPayload(token: string): void;
    delay(token: string, ms: number): void;
    /** The same provider pointed at a port where nothing listens. */
    unreachable(origin: string): PushProvider;
  };
  close(): Promise<void>;
}

const subjects: Record<string, () => Promise<Subject>> = {
  async 'apns against the fake APNs'() {
    const fake = await startFakeApns({ maxConcurrentStreams: 8 });
    const apns = (origin: string) =>
      createApnsProvider({
        key: fake.key.privateKey,
        keyId: fake.key.keyId,
        teamId: fake.key.teamId,
        topic: fake.topic,
        origin,
        ca: fake.ca,
      });
    const provider = apns(fake.origin);
    return {
      provider,
      token: apnsToken,
      refuse: (t) => fake.script(t, apnsAnswers.unregistered),
      bigBatch: 50,
      limitHeld: () => fake.maxConcurrent > 1 && fake.maxConcurrent <= 8,
      remote: {
        throttle: (t) => {
          fake.script(t, apnsAnswers.tooManyRequests(7));
          return 7000;
        },
        outage: (t) => fake.script(t, apnsAnswers.serviceUnavailable()),
        rejectPayload: (t) => fake.script(t, apnsAnswers.payloadTooLarge),
        delay: (t, ms) => fake.script(t, { ...apnsAnswers.ok, delayMs: ms }),
        unreachable: apns,
      },
      close: async () => {
        await provider.close();
        await fake.close();
      },
    };
  },

  async 'fcm against the fake FCM'() {
    const fake = await startFakeFcm();
    const fcm = (origin: string) => createFcmProvider({ serviceAccountFile: fake.serviceAccount.file, origin, ca: fake.ca, maxSockets: 8 });
    const provider = fcm(fake.origin);
    return {
      provider,
      token: (i) => `fcm-token-${i}:APA91b${'x'.repeat(20)}`,
      refuse: (t) => fake.script(t, { error: 'UNREGISTERED' }),
      // sendEach takes at most 500 messages; the provider splits.
      bigBatch: 1201,
      limitHeld: () => fake.count >= 1201,
      remote: {
        throttle: (t) => {
          fake.script(t, { error: 'QUOTA_EXCEEDED' });
          return 60_000;
        },
        outage: (t) => fake.script(t, { error: 'UNAVAILABLE' }),
        rejectPayload: (t) => fake.script(t, { error: 'INVALID_ARGUMENT' }),
        delay: (t, ms) => fake.script(t, { ok: true, delayMs: ms }),
        unreachable: fcm,
      },
      close: async () => {
        await provider.close();
        await fake.close();
      },
    };
  },

  async 'the simulator'() {
    return {
      provider: createSimulator('apns'),
      token: apnsToken,
      refuse: () => {},
      bigBatch: 1201,
      limitHeld: () => true,
      close: async () => {},
    };
  },
};

/** The simulator refuses what is malformed; the fakes refuse what they are told to. */
const refusedToken = (s: Subject, i: number) => (s.remote ? s.token(i) : 'not a token');

for (const [name, start] of Object.entries(subjects)) {
  describe(`push provider contract: ${name}`, () => {
    let s: Subject;
    beforeAll(async () => {
      s = await start();
    });
    afterAll(() => s.close());

    it('delivers to a well-formed token: ok', async () => {
      expect(await s.provider.send([pushMessage(s.token(1))])).toEqual([{ outcome: 'ok' }]);
    });

    it('reports a token the service refuses as invalidToken with a reason', async () => {
      const token = refusedToken(s, 2);
      s.refuse(token);
      const [result] = await s.provider.send([pushMessage(token)]);
      expect(result).toMatchObject({ outcome: 'invalidToken', reason: expect.any(String) });
    });

    it('answers an empty batch with no results', async () => {
      expect(await s.provider.send([])).toEqual([]);
    });

    it('gives every message of a batch bigger than the service allows at once a result, in order', async () => {
      const batch = Array.from({ length: s.bigBatch }, (_, i) => pushMessage(s.token(1000 + i)));
      const refused = refusedToken(s, 999);
      s.refuse(refused);
      batch[7] = pushMessage(refused);
      const results = await s.provider.send(batch);
      expect(results).toHaveLength(s.bigBatch);
      expect(results[7]!.outcome).toBe('invalidToken');
      expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(s.bigBatch - 1);
      expect(s.limitHeld()).toBe(true);
    });

    // The simulator has no remote service that could throttle, fail or be unreachable.
    if (name === 'the simulator') return;
    it('reports throttling as retryable with retryAfterMs', async () => {
      const token = s.token(3);
      const after = s.remote!.throttle(token);
      expect(await s.provider.send([pushMessage(token)])).toEqual([
        { outcome: 'retryable', reason: expect.any(String), retryAfterMs: after },
      ]);
    });

    it('reports an outage (5xx) as retryable', async () => {
      const token = s.token(4);
      s.remote!.outage(token);
      const [result] = await s.provider.send([pushMessage(token)]);
      expect(result).toMatchObject({ outcome: 'retryable', reason: expect.any(String) });
    });

    it('reports a message the service rejects as permanent with its reason', async () => {
      const token = s.token(5);
      s.remote!.rejectPayload(token);
      const [result] = await s.provider.send([pushMessage(token)]);
      expect(result).toMatchObject({ outcome: 'permanent', reason: expect.any(String) });
    });

    it('keeps results in the order of the batch when answers come back out of order', async () => {
      const tokens = [6, 7, 8, 9, 10].map((i) => s.token(i));
      s.remote!.delay(tokens[0]!, 300);
      s.refuse(tokens[1]!);
      s.remote!.rejectPayload(tokens[3]!);
      s.remote!.outage(tokens[4]!);
      const outcomes = (await s.provider.send(tokens.map((t) => pushMessage(t)))).map((r: PushResult) => r.outcome);
      expect(outcomes).toEqual(['ok', 'invalidToken', 'ok', 'permanent', 'retryable']);
    });

    it('turns an unreachable service into retryable connectionFailed results, never an exception', async () => {
      const unreachable = s.remote!.unreachable(await closedPortOrigin());
      try {
        const results = await unreachable.send([pushMessage(s.token(11)), pushMessage(s.token(12))]);
        expect(results).toEqual([
          { outcome: 'retryable', reason: 'connectionFailed' },
          { outcome: 'retryable', reason: 'connectionFailed' },
        ]);
      } finally {
        await unreachable.close();
      }
    });
  });
}

/** An https origin on 127.0.0.1 where nothing listens. */
async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `https://127.0.0.1:${port}`;
}
