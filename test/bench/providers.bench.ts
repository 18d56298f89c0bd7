/**
 * Provider figures against the fakes (in a child process) on loopback, no database:
 * - APNs: the raw limit (one HTTP/2 session posting N pushes, as many streams in flight as the fake allows)
 *   beside the APNs provider's own throughput, sent as a dispatcher would (4 batches of 500 in flight);
 * - FCM: a raw HTTP/1.1 request loop over the same kind of kept-alive connections beside the provider
 *   through firebase-admin's sendEach.
 * Each figure is the median of RUNS runs after a warm-up, raw and provider runs alternating. The raw loops, `compare` and `startFakes` are
 * exported for the dispatcher's bench, which sets its own figures beside the same raw limits.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { apnsTokenSource } from '../../server/dispatch/providers/apns-jwt';
import { createApnsProvider } from '../../server/dispatch/providers/apns';
import { createFcmProvider } from '../../server/dispatch/providers/fcm';
import type { PushMessage, PushProvider } from '../../server/dispatch/providers/types';
import { apnsToken, pushMessage } from '../helpers/push';
import { apnsPayload } from '../../shared/push-payload';
import type { FakeServices } from './fake-services';
import type { Bench } from './run';
import { asker, forkReady } from './child';
import { fmt, median } from './stats';

const RUNS = 5;
const APNS_PUSHES = 20_000;
const FCM_MESSAGES = 10_000;
const BATCH = 500;
const BATCHES_IN_FLIGHT = 4;
const FCM_SOCKETS = 64;
const CORES = availableParallelism();
/** firebase-admin's version, which it names in two headers of every request. */
const FIREBASE_ADMIN_VERSION = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/firebase-admin/package.json', import.meta.url)), 'utf8')) as {
    version: string;
  }
).version;

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

export interface Figure {
  /** Median deliveries per second, and each run's. */
  median: number;
  runs: number[];
  /** Median CPU time this process spent per push (µs): the client's own cost, steady on a busy machine. */
  cpuUs: number;
  /** Median CPU time the fake services' process spent per push (µs): the other half of what this machine does. */
  fakeUs: number;
}

interface Sample {
  rate: number;
  cpuUs: number;
  fakeUs: number;
}

/** One run of `once` (which sends `n` and returns deliveries per second) and the CPU each process spent per push. */
async function sample(n: number, once: () => Promise<number>, fakeCpu: () => Promise<number>): Promise<Sample> {
  const fakeBefore = await fakeCpu();
  const before = process.cpuUsage();
  const rate = await once();
  const used = process.cpuUsage(before);
  return { rate, cpuUs: (used.user + used.system) / n, fakeUs: ((await fakeCpu()) - fakeBefore) / n };
}

const figure = (samples: Sample[]): Figure => ({
  median: median(samples.map((x) => x.rate)),
  runs: samples.map((x) => x.rate),
  cpuUs: Math.round(median(samples.map((x) => x.cpuUs))),
  fakeUs: Math.round(median(samples.map((x) => x.fakeUs))),
});

/**
 * Runs each loop once to warm up, then RUNS times, alternating, so that a busy machine weighs on both alike.
 * `prepare` (e.g. queueing the rows again) runs before each provider run, outside its time and CPU.
 */
export async function compare(
  n: number,
  fakes: Fakes,
  raw: () => Promise<number>,
  provider: () => Promise<number>,
  prepare: () => Promise<void> = async () => {},
): Promise<[Figure, Figure]> {
  await raw();
  await prepare();
  await provider();
  const samples: [Sample[], Sample[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    samples[0].push(await sample(n, raw, fakes.cpu));
    await prepare();
    samples[1].push(await sample(n, provider, fakes.cpu));
  }
  return [figure(samples[0]), figure(samples[1])];
}

/**
 * A figure's line. The ceiling is what this machine's cores could do at most if the client and the fake shared
 * them perfectly, from the CPU both spent per push: the limit the hardware sets on the figure, not Herald.
 */
export const line = (label: string, f: Figure, raw?: Figure) =>
  `${label}: ${fmt(f.median)}/s${raw ? ` = ${Math.round((f.median / raw.median) * 100)}% of raw` : ''}, CPU per push ${f.cpuUs} µs here + ${f.fakeUs} µs in the fake ` +
  `(ceiling on ${CORES} cores ${fmt(Math.round((CORES * 1e6) / (f.cpuUs + f.fakeUs)))}/s)  [runs ${f.runs.map(fmt).join(', ')}]`;

/**
 * The pushes the benches send: `n` devices of one notification (a group send), each with its own token and
 * delivery id, as the dispatcher composes them.
 */
export function groupSend(n: number, token: (i: number) => string, text?: { title: string; body: string }): PushMessage[] {
  const first = pushMessage(token(0), text);
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? first : pushMessage(token(i), { ...text, notificationId: first.notificationId, expiresAt: first.expiresAt }),
  );
}

/**
 * One HTTP/2 session, keeping as many streams in flight as the server allows, minimal work per push: every
 * request (exactly the headers and body Herald sends for that device) is built before the clock starts.
 */
export async function rawApns(fakes: FakeServices, n: number, text?: { title: string; body: string }): Promise<number> {
  const { apns } = fakes;
  const authorization = apnsTokenSource({
    key: createPrivateKey(readFileSync(apns.keyFile)),
    keyId: apns.keyId,
    teamId: apns.teamId,
    now: Date.now,
  }).authorization();
  const session = http2.connect(apns.origin, { ca: fakes.ca });
  await new Promise((resolve) => session.once('remoteSettings', resolve));
  const window = session.remoteSettings.maxConcurrentStreams ?? 100;
  const requests = groupSend(n, apnsToken, text).map((message) => ({
    headers: {
      ':method': 'POST',
      ':path': `/3/device/${message.token}`,
      authorization,
      'apns-push-type': 'alert',
      'apns-topic': apns.topic,
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(message.expiresAt / 1000)),
      'apns-collapse-id': message.notificationId,
      'apns-id': message.deliveryId,
    },
    body: apnsPayload(message),
  }));
  let started = 0;
  let failed = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let done = 0;
    const next = () => {
      if (started === n) return;
      const { headers, body } = requests[started++]!;
      const stream = session.request(headers);
      stream.on('response', (h) => {
        if (h[':status'] !== 200) failed++;
      });
      stream.on('error', () => failed++);
      stream.resume();
      stream.on('close', () => (++done === n ? resolve() : next()));
      stream.end(body);
    };
    for (let i = 0; i < Math.min(window, n); i++) next();
  });
  const rate = perSecond(n, performance.now() - t0);
  await new Promise<void>((resolve) => session.close(resolve));
  if (failed) throw new Error(`raw APNs loop: ${failed} pushes failed`);
  return rate;
}

/**
 * A raw HTTP/1.1 loop over a kept-alive agent with the provider's socket count: for each device exactly the
 * JSON and headers firebase-admin posts for it, all built before the clock starts.
 */
export async function rawFcm(fakes: FakeServices, n: number, text?: { title: string; body: string }): Promise<number> {
  const { fcm } = fakes;
  const agent = new https.Agent({ keepAlive: true, maxSockets: FCM_SOCKETS, secureContext: createSecureContext({ ca: fakes.ca }) });
  const url = new URL(`/v1/projects/${fcm.projectId}/messages:send`, fcm.origin);
  const sdk = `fire-admin/${FIREBASE_ADMIN_VERSION}`;
  const requests = groupSend(n, (i) => `fcm-token-${i}`, text).map((message) => {
    const body = JSON.stringify({
      message: {
        token: message.token,
        notification: { title: message.title, body: message.body },
        data: { notificationId: message.notificationId, deliveryId: message.deliveryId },
        android: {
          priority: 'high',
          notification: { notification_priority: 'PRIORITY_DEFAULT' },
          ttl: `${Math.floor((message.expiresAt - Date.now()) / 1000)}s`,
        },
      },
    });
    const headers = {
      'X-Firebase-Client': `fire-admin-node/${FIREBASE_ADMIN_VERSION}`,
      access_token_auth: 'true',
      Authorization: `Bearer ${fcm.accessToken}`,
      'X-Goog-Api-Client': `gl-node/${process.versions.node} ${sdk}`,
      'content-type': 'application/json;charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
    };
    return { headers, body };
  });
  let failed = 0;
  const one = ({ headers, body }: (typeof requests)[number]) =>
    new Promise<void>((resolve) => {
      const req = https.request(url, { method: 'POST', agent, headers }, (res) => {
        if (res.statusCode !== 200) failed++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const t0 = performance.now();
  let next = 0;
  // As many requests queued on the agent as a provider has in flight.
  await Promise.all(
    Array.from({ length: BATCH * BATCHES_IN_FLIGHT }, async () => {
      while (next < n) await one(requests[next++]!);
    }),
  );
  const rate = perSecond(n, performance.now() - t0);
  agent.destroy();
  if (failed) throw new Error(`raw FCM loop: ${failed} requests failed`);
  return rate;
}

/** The provider as a dispatcher drives it: batches of 500, four in flight. */
async function throughProvider(provider: PushProvider, messages: PushMessage[]): Promise<number> {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BATCHES_IN_FLIGHT }, async () => {
      while (next < messages.length) {
        const batch = messages.slice(next, (next += BATCH));
        for (const r of await provider.send(batch)) if (r.outcome !== 'ok') failed++;
      }
    }),
  );
  const rate = perSecond(messages.length, performance.now() - t0);
  if (failed) throw new Error(`${provider.name} provider: ${failed} pushes not ok`);
  return rate;
}

export interface Fakes {
  fakes: FakeServices;
  /** The CPU time (µs) the fakes' process has used so far. */
  cpu(): Promise<number>;
  stop(): void;
}

/** The fake APNs and FCM in a child process; `stop` ends it. */
export async function startFakes(): Promise<Fakes> {
  const name = 'fake services';
  const { child, ready: fakes } = await forkReady<FakeServices>(new URL('./fake-services.ts', import.meta.url), name);
  const ask = asker<{ cpuUs: number }>(child, name);
  const cpu = async () => (await ask('cpu')).cpuUs;
  return { fakes, cpu, stop: () => child.disconnect() };
}

const bench: Bench = {
  name: 'providers',
  async run() {
    const services = await startFakes();
    const { fakes } = services;
    try {
      const apns = createApnsProvider({
        key: createPrivateKey(readFileSync(fakes.apns.keyFile)),
        keyId: fakes.apns.keyId,
        teamId: fakes.apns.teamId,
        topic: fakes.apns.topic,
        origin: fakes.apns.origin,
        ca: fakes.ca,
      });
      const apnsMessages = groupSend(APNS_PUSHES, apnsToken);
      const [rawA, provA] = await compare(
        APNS_PUSHES,
        services,
        () => rawApns(fakes, APNS_PUSHES),
        () => throughProvider(apns, apnsMessages),
      );
      await apns.close();
      console.log(line(`APNs raw limit (one HTTP/2 session, ${fmt(APNS_PUSHES)} pushes)`, rawA));
      console.log(line(`APNs provider (${BATCHES_IN_FLIGHT} batches of ${BATCH} in flight)`, provA, rawA));

      const fcm = createFcmProvider({
        serviceAccountFile: fakes.fcm.serviceAccountFile,
        origin: fakes.fcm.origin,
        ca: fakes.ca,
        maxSockets: FCM_SOCKETS,
      });
      const fcmMessages = groupSend(FCM_MESSAGES, (i) => `fcm-token-${i}`);
      const [rawF, provF] = await compare(
        FCM_MESSAGES,
        services,
        () => rawFcm(fakes, FCM_MESSAGES),
        () => throughProvider(fcm, fcmMessages),
      );
      await fcm.close();
      console.log(line(`FCM raw limit (HTTP/1.1, ${FCM_SOCKETS} kept-alive connections, ${fmt(FCM_MESSAGES)} messages)`, rawF));
      console.log(line(`FCM provider (firebase-admin sendEach, ${BATCHES_IN_FLIGHT} batches of ${BATCH} in flight)`, provF, rawF));
    } finally {
      services.stop();
    }
  },
};

export default bench;
