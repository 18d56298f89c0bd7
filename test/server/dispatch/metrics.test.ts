import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apnsAnswers } from '../../fakes/apns';
import { deviceClient, sendToDevice, startDispatchHerald, type DispatchHerald } from '../../helpers/dispatch';
import { importDirectory, phone, user } from '../../helpers/directory';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

let herald: DispatchHerald;

beforeAll(async () => {
  herald = await startDispatchHerald();
  await importDirectory(herald.admin.api, {
    users: [user('u1')],
    devices: [
      phone('ok-1', 'u1', { push: { service: 'apns', token: apnsToken(1) } }),
      phone('ok-2', 'u1', { platform: 'android', push: { service: 'fcm', token: 'fcm-2' } }),
      phone('dead', 'u1', { push: { service: 'apns', token: apnsToken(3) } }),
      phone('waiting', 'u1', { push: { service: 'apns', token: apnsToken(4) } }),
      phone('gone', 'u1', { push: { service: 'apns', token: apnsToken(5) } }),
    ],
  });
});
afterAll(() => herald.close());

const metrics = async () => {
  const res = await fetch(`${herald.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('counts deliveries by the status they reached and their provider, and reports the queue and the push round trips in Prometheus text format', async () => {
    herald.apns.script(apnsToken(3), apnsAnswers.unregistered);
    herald.apns.script(apnsToken(4), apnsAnswers.serviceUnavailable(3600));
    for (const id of ['ok-1', 'ok-2', 'dead', 'waiting', 'gone']) await sendToDevice(herald.admin.api, id);
    await importDirectory(herald.admin.api, { devices: [phone('gone', 'u1', { managementState: 'unenrolled' })] });
    await herald.drain();
    const device = await deviceClient(herald, herald.admin.api, 'ok-1');
    expectStatus(
      await device(
        'POST',
        `/v1/device/notifications/${herald.apns.received.find((r) => r.token === apnsToken(1))!.headers['apns-collapse-id']}/receipt`,
        { state: 'opened' },
      ),
      200,
    );
    herald.clock.advance(90_000);

    const text = await metrics();
    expect(value(text, 'herald_deliveries_total{status="sent",provider="apns"}')).toBe(1);
    expect(value(text, 'herald_deliveries_total{status="sent",provider="fcm"}')).toBe(1);
    expect(value(text, 'herald_deliveries_total{status="failed",provider="apns"}')).toBe(1);
    expect(value(text, 'herald_deliveries_total{status="skipped",provider="none"}')).toBe(1);
    expect(value(text, 'herald_deliveries_total{status="opened",provider="apns"}')).toBe(1);
    expect(value(text, 'herald_queue_depth')).toBe(1);
    // The one queued delivery is a retry due in an hour: nothing is waiting yet, however old its send is.
    expect(value(text, 'herald_queue_oldest_age_seconds')).toBe(0);
    expect(value(text, 'herald_push_send_seconds_count{provider="apns"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'herald_push_send_seconds_bucket{provider="apns",le="+Inf"}')).toBe(
      value(text, 'herald_push_send_seconds_count{provider="apns"}'),
    );
    expect(value(text, 'herald_push_send_seconds_count{provider="fcm"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'herald_push_results_total{provider="apns",outcome="invalidToken"}')).toBe(1);
    expect(value(text, 'herald_push_results_total{provider="apns",outcome="retryable"}')).toBe(1);
    expect(text).toContain('# TYPE herald_push_send_seconds histogram');
    expect(text).toContain('# TYPE herald_deliveries_total counter');
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) herald_\w+ .+|herald_\w+(\{[^}]*\})? [\d.e+-]+)$/);
  });

  it('measures the oldest due delivery from when it fell due, not from its send', async () => {
    herald.clock.advance(3600_000); // the retry fell due 90 s ago (its send is an hour and a half old)
    const text = await metrics();
    expect(value(text, 'herald_queue_depth')).toBe(1);
    expect(value(text, 'herald_queue_oldest_age_seconds')).toBeGreaterThanOrEqual(89);
    expect(value(text, 'herald_queue_oldest_age_seconds')).toBeLessThan(100);
    expect(text).toMatch(/# HELP herald_queue_oldest_age_seconds .*due/);
    expect(text).toMatch(/# HELP herald_push_send_seconds .*one push provider call.*batch/);
  });

  it('has an empty queue at age 0 once nothing waits', async () => {
    herald.clock.advance(3600_000);
    await herald.drain();
    const text = await metrics();
    expect(value(text, 'herald_queue_depth')).toBe(0);
    expect(value(text, 'herald_queue_oldest_age_seconds')).toBe(0);
  });
});
