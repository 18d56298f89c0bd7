/**
 * Dispatch figures:
 * - throughput from queued rows to the fake APNs (and FCM through firebase-admin) on loopback, in deliveries per
 *   second, beside the raw limit measured in the same run against the same fake (no database); the providers run in
 *   their push thread as in production, so "CPU per push here" counts both of this process's threads;
 * - the time from a device send's 202 to the fake APNs receiving the push, with a worker woken by the send.
 * Fakes for throughput run in their own process (test/bench/fake-services.ts); figures are medians of a few runs after
 * a warm-up, raw and dispatch runs alternating (`compare` from the providers bench).
 */
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../server/config';
import { silentLogger } from '../../server/core/logger';
import { startProviderThread } from '../../server/dispatch/provider-thread';
import type { Providers } from '../../server/dispatch/providers/registry';
import { startWorker } from '../../server/dispatch/worker';
import { sendToDevice, startDispatchHerald } from '../helpers/dispatch';
import { importDirectory, phone, user } from '../helpers/directory';
import { startTestHerald, type TestHerald } from '../helpers/herald';
import { apnsToken } from '../helpers/push';
import { expectStatus } from '../helpers/rbac';
import { compare, line, rawApns, rawFcm, startFakes, type Fakes, type Figure } from './providers.bench';
import type { Bench } from './run';
import { fmt, percentile } from './stats';
import { judge } from './targets';

const APNS_DELIVERIES = 20_000;
const FCM_DELIVERIES = 10_000;
const LATENCY_SENDS = 200;
/** The text of the queued notification, which the raw loops send too. */
const TEXT = { title: 'Bench', body: 'Dispatch throughput' };

/** The dispatch target: at least 80% of the raw loop's deliveries per second in the same run. */
const shareOfRaw = (provider: string, f: Figure, raw: Figure) =>
  judge(
    `${provider} dispatch >= 80% of its raw loop`,
    `${fmt(f.median)}/s against ${fmt(raw.median)}/s = ${((f.median / raw.median) * 100).toFixed(1)}%`,
    f.median >= 0.8 * raw.median,
  );

/** `n` enrolled devices of one service, one notification to all of them, and a queued delivery each, written in SQL. */
async function queueDeliveries(herald: TestHerald, service: 'apns' | 'fcm', n: number) {
  const { tenantId, accountId } = herald.admin;
  const notificationId = crypto.randomUUID();
  const now = Date.now();
  const token = service === 'apns' ? sql`printf('%064x', value)` : sql`'fcm-token-' || value`;
  await herald.database.write(async (tx) => {
    await tx.run(sql`INSERT INTO devices (tenant_id, id, name, platform, management_state, app, app_version, push_service, push_token)
      SELECT ${tenantId}, ${service} || '-' || value, 'bench', ${service === 'apns' ? 'ios' : 'android'}, 'enrolled', 'companyPortal', '5.0.6000.0', ${service}, ${token}
      FROM generate_series(1, ${n})`);
    await tx.run(sql`INSERT INTO notifications (id, tenant_id, sender_account_id, kind, title, body, title_length, body_length,
        audience_users, audience_devices, skipped, via, created_at, expires_at)
      VALUES (${notificationId}, ${tenantId}, ${accountId}, 'groups', ${TEXT.title}, ${TEXT.body}, ${TEXT.title.length}, ${TEXT.body.length}, 0, ${n}, '{}', 'api', ${now}, ${now + 86_400_000})`);
    await tx.run(sql`INSERT INTO deliveries (tenant_id, notification_id, device_id, status, attempts, next_attempt_at, updated_at)
      SELECT ${tenantId}, ${notificationId}, ${service} || '-' || value, 'queued', 0, ${now}, ${now} FROM generate_series(1, ${n})`);
  });
  const requeue = () =>
    herald.database.write(async (tx) => {
      await tx.run(sql`UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ${Date.now()}, lease_until = NULL, sent_at = NULL
        WHERE notification_id = ${notificationId}`);
    });
  return { requeue, notificationId };
}

/** The raw limit and the dispatcher's throughput over `n` queued deliveries, their runs alternating. */
async function throughput(
  herald: TestHerald,
  services: Fakes,
  providers: Providers,
  service: 'apns' | 'fcm',
  n: number,
  raw: () => Promise<number>,
): Promise<[Figure, Figure]> {
  const { requeue, notificationId } = await queueDeliveries(herald, service, n);
  const dispatch = async () => {
    const t0 = performance.now();
    const worker = startWorker({ database: herald.database, providers, now: Date.now, log: silentLogger });
    await worker.settled();
    const ms = performance.now() - t0;
    await worker.stop();
    const [row] = await herald.database.db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM deliveries WHERE notification_id = ${notificationId} AND status = 'sent'`,
    );
    if (row?.n !== n) throw new Error(`${service}: ${row?.n} of ${n} deliveries sent`);
    return Math.round(n / (ms / 1000));
  };
  return compare(n, services, raw, dispatch, requeue);
}

/**
 * Device sends one after another, each answered 202, with a worker woken by the send: how long after the 202
 * the fake APNs had the push (0 when it arrived before the client read the 202), and after the request started.
 */
async function sendToPushLatency(): Promise<{ afterAccepted: number[]; afterRequest: number[] }> {
  const herald = await startDispatchHerald();
  try {
    const api = herald.admin.api;
    expectStatus(await api('PATCH', '/v1/tenant/settings', { deviceSendsPerHour: 10_000 }), 200);
    await importDirectory(api, {
      users: [user('u1')],
      devices: [phone('phone', 'u1', { push: { service: 'apns', token: apnsToken(1) } })],
    });
    herald.live();
    const afterAccepted: number[] = [];
    const afterRequest: number[] = [];
    for (let i = 0; i < LATENCY_SENDS; i++) {
      const started = Date.now();
      const id = await sendToDevice(api, 'phone', { title: 'Bench', body: `Send ${i}` });
      const accepted = Date.now();
      await herald.apns.waitFor(i + 1);
      const push = herald.apns.received.find((r) => r.headers['apns-collapse-id'] === id);
      if (!push) throw new Error(`push for ${id} not received`);
      afterAccepted.push(Math.max(0, push.at - accepted));
      afterRequest.push(push.at - started);
    }
    return { afterAccepted: afterAccepted.sort((a, b) => a - b), afterRequest: afterRequest.sort((a, b) => a - b) };
  } finally {
    await herald.close();
  }
}

const bench: Bench = {
  name: 'dispatch',
  async run() {
    const services = await startFakes();
    const { fakes } = services;
    const herald = await startTestHerald();
    const config = loadConfig({
      HERALD_APNS_KEY_FILE: fakes.apns.keyFile,
      HERALD_APNS_KEY_ID: fakes.apns.keyId,
      HERALD_APNS_TEAM_ID: fakes.apns.teamId,
      HERALD_APNS_TOPIC: fakes.apns.topic,
      HERALD_APNS_ORIGIN: fakes.apns.origin,
      HERALD_FCM_SERVICE_ACCOUNT_FILE: fakes.fcm.serviceAccountFile,
      HERALD_FCM_ORIGIN: fakes.fcm.origin,
    });
    // as `serve` and `worker` run them: in their push thread, while this one claims and records
    const providers = await startProviderThread(config, silentLogger, { ca: fakes.ca });
    try {
      const [rawA, apns] = await throughput(herald, services, providers, 'apns', APNS_DELIVERIES, () =>
        rawApns(fakes, APNS_DELIVERIES, TEXT),
      );
      console.log(line(`APNs raw limit (one HTTP/2 session, no database, ${fmt(APNS_DELIVERIES)} pushes)`, rawA));
      console.log(
        line(
          `APNs dispatch (queued rows -> fake APNs -> rows sent, ${fmt(APNS_DELIVERIES)}; target >= 80% of raw: ${shareOfRaw('APNs', apns, rawA)})`,
          apns,
          rawA,
        ),
      );

      const [rawF, fcm] = await throughput(herald, services, providers, 'fcm', FCM_DELIVERIES, () => rawFcm(fakes, FCM_DELIVERIES, TEXT));
      console.log(line(`FCM raw limit (HTTP/1.1 kept-alive connections, no database, ${fmt(FCM_DELIVERIES)} messages)`, rawF));
      console.log(
        line(
          `FCM dispatch (queued rows -> firebase-admin sendEach -> fake FCM -> rows sent, ${fmt(FCM_DELIVERIES)}; target >= 80% of raw: ${shareOfRaw('FCM', fcm, rawF)})`,
          fcm,
          rawF,
        ),
      );
    } finally {
      await providers.close();
      await herald.close();
      services.stop();
    }

    const { afterAccepted, afterRequest } = await sendToPushLatency();
    console.log(
      `device send 202 -> fake APNs has the push (${LATENCY_SENDS} sends, in-process fake): p50 ${percentile(afterAccepted, 50)} ms (target < 50 ms: ${judge('device send 202 -> push at the fake APNs, p50 < 50 ms', `${percentile(afterAccepted, 50)} ms`, percentile(afterAccepted, 50) < 50)}), ` +
        `p95 ${percentile(afterAccepted, 95)} ms, max ${afterAccepted.at(-1)} ms; from the request's start: p50 ${percentile(afterRequest, 50)} ms, p95 ${percentile(afterRequest, 95)} ms`,
    );
  },
};

export default bench;
