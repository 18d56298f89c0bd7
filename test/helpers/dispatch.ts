import { loadConfig } from '../../server/config';
import { silentLogger } from '../../server/core/logger';
import { DispatchMetrics } from '../../server/dispatch/metrics';
import { startProviderThread } from '../../server/dispatch/provider-thread';
import { createProviders, type Providers } from '../../server/dispatch/providers/registry';
import { startWorker, type Worker, type WorkerOptions } from '../../server/dispatch/worker';
import { startFakeApns, type FakeApns } from '../fakes/apns';
import { startFakeFcm, type FakeFcm } from '../fakes/fcm';
import { startTestHerald, type Api, type TestHerald } from './herald';
import { expectStatus } from './rbac';

export interface DispatchHerald extends TestHerald {
  apns: FakeApns;
  fcm: FakeFcm;
  /** The real APNs and FCM providers, pointed at the fakes. */
  providers: Providers;
  metrics: DispatchMetrics;
  /** Runs a worker on the test clock until nothing is due and nothing is in flight, then stops it. */
  drain(options?: Partial<WorkerOptions>): Promise<void>;
  /** Starts a worker that the app wakes on every queued send (as `serve` does); stopped on close. */
  live(options?: Partial<WorkerOptions>): Worker;
}

/**
 * The real app with the real providers talking to a fake APNs and a fake FCM; workers are started by the test.
 * `threaded`: the providers run in their push thread, as `serve` and `worker` run them (else in this thread).
 */
export async function startDispatchHerald(options: { threaded?: boolean } = {}): Promise<DispatchHerald> {
  const [apns, fcm] = await Promise.all([startFakeApns(), startFakeFcm()]);
  const config = loadConfig({
    HERALD_APNS_KEY_FILE: apns.key.keyFile,
    HERALD_APNS_KEY_ID: apns.key.keyId,
    HERALD_APNS_TEAM_ID: apns.key.teamId,
    HERALD_APNS_TOPIC: apns.topic,
    HERALD_APNS_ORIGIN: apns.origin,
    HERALD_FCM_SERVICE_ACCOUNT_FILE: fcm.serviceAccount.file,
    HERALD_FCM_ORIGIN: fcm.origin,
  });
  const providers = options.threaded
    ? await startProviderThread(config, silentLogger, { ca: apns.ca })
    : createProviders(config, silentLogger, { ca: apns.ca });
  const metrics = new DispatchMetrics();
  let live: Worker | undefined;
  const herald = await startTestHerald({ deps: { onQueued: () => live?.wake(), metrics } });
  const worker = (options: Partial<WorkerOptions> = {}) =>
    startWorker({ database: herald.database, providers, now: herald.clock.now, log: silentLogger, metrics, random: () => 0.5, ...options });
  return {
    ...herald,
    apns,
    fcm,
    providers,
    metrics,
    async drain(options) {
      const w = worker(options);
      await w.settled();
      await w.stop();
    },
    live(options) {
      live = worker(options);
      return live;
    },
    async close() {
      await live?.stop();
      await herald.close();
      await providers.close();
      await Promise.all([apns.close(), fcm.close()]);
    },
  };
}

/** A device send through the API; returns the notification id. */
export async function sendToDevice(
  api: Api,
  deviceId: string,
  text = { title: 'Fire drill', body: 'Leave by the east stairs at 11:00.' },
): Promise<string> {
  return expectStatus(await api('POST', '/v1/notifications', { ...text, deviceId }), 202).id;
}

/** The notification's only delivery, as the API reports it. */
export async function onlyDelivery(api: Api, notificationId: string) {
  const { items } = expectStatus(await api('GET', `/v1/notifications/${notificationId}/deliveries`), 200);
  if (items.length !== 1) throw new Error(`expected one delivery, got ${items.length}`);
  return items[0];
}

/** Issues a device credential through the admin API and returns a client that authenticates as that device. */
export async function deviceClient(herald: TestHerald, admin: Api, deviceId: string): Promise<Api> {
  const { secret } = expectStatus(await admin('POST', `/v1/devices/${encodeURIComponent(deviceId)}/credentials`), 201);
  return deviceApi(herald, deviceId, secret);
}

/** A client that sends `Authorization: Device <deviceId>:<secret>`. */
export function deviceApi(herald: TestHerald, deviceId: string, secret: string): Api {
  const api = herald.api();
  return (method, path, body, headers = {}) => api(method, path, body, { authorization: `Device ${deviceId}:${secret}`, ...headers });
}
