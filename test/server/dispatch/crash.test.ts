import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apnsAnswers, startFakeApns, type FakeApns } from '../../fakes/apns';
import { group, importDirectory, phone, user } from '../../helpers/directory';
import { apiClient } from '../../helpers/herald';
import { spawnHerald, type HeraldProcess } from '../../helpers/process';
import { apnsToken } from '../../helpers/push';
import { expectStatus } from '../../helpers/rbac';

const DEVICES = 5_000;
const root = fileURLToPath(new URL('../../..', import.meta.url));

let apns: FakeApns;
let env: Record<string, string>;
const processes: HeraldProcess[] = [];
let worker: ReturnType<typeof spawn> | undefined;

beforeAll(async () => {
  // Slow: 20 streams answered after 10 ms each, about 2,000 pushes/s, so 5,000 take seconds.
  apns = await startFakeApns({ maxConcurrentStreams: 20 });
  apns.setDefault({ ...apnsAnswers.ok, delayMs: 10 });
  env = {
    HERALD_APNS_KEY_FILE: apns.key.keyFile,
    HERALD_APNS_KEY_ID: apns.key.keyId,
    HERALD_APNS_TEAM_ID: apns.key.teamId,
    HERALD_APNS_TOPIC: apns.topic,
    HERALD_APNS_ORIGIN: apns.origin,
    NODE_EXTRA_CA_CERTS: apns.caFile,
    HERALD_DISPATCH_LEASE_MS: '2000',
  };
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  for (const p of processes) p.removeDatabase();
  await apns.close();
});

/** `herald worker` as its own process on the same database; resolves once it dispatches. */
function spawnWorker(dbUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'worker'], {
    cwd: root,
    env: { ...process.env, HERALD_LOG: 'silent', ...env, HERALD_DB_URL: dbUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise<typeof child>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('dispatching')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${stderr}`)));
  });
}

describe('a server killed in the middle of dispatching', () => {
  it('loses no delivery: after a restart (and one more worker process) all 5,000 end sent', { timeout: 120_000 }, async () => {
    const first = await spawnHerald(env);
    processes.push(first);
    expect(first.stderr()).toMatch(/apns: real \(https:\/\/127\.0\.0\.1:\d+/);
    const api = apiClient(first.url, first.token!);
    const ids = Array.from({ length: DEVICES }, (_, i) => `d${i}`);
    await importDirectory(api, {
      users: ids.map((id) => user(`u-${id}`)),
      devices: ids.map((id, i) => phone(id, `u-${id}`, { push: { service: 'apns', token: apnsToken(i + 1) } })),
      groups: [
        group(
          'everyone',
          ids.map((id) => ({ type: 'user' as const, id: `u-${id}` })),
        ),
      ],
    });
    const sent = expectStatus(
      await api('POST', '/v1/notifications', { title: 'Evacuate', body: 'Drill at 3pm.', groupIds: ['everyone'] }),
      202,
    );
    expect(sent.audience.devices).toBe(DEVICES);

    await apns.waitFor(1_500);
    await first.stop('SIGKILL');
    const atKill = apns.count;
    expect(atKill).toBeLessThan(DEVICES);

    const second = await spawnHerald({ ...env, HERALD_DB_URL: first.dbUrl });
    processes.push(second);
    worker = await spawnWorker(first.dbUrl);
    const again = apiClient(second.url, first.token!);
    let counts: Record<string, number> = {};
    for (const deadline = Date.now() + 100_000; Date.now() < deadline; ) {
      counts = expectStatus(await again('GET', `/v1/notifications/${sent.id}`), 200).counts;
      if (counts.sent === DEVICES) break;
      await new Promise((resolve) => setTimeout(resolve, 200)); // another process's progress: nothing to await but the API
    }
    expect(counts).toMatchObject({ queued: 0, sent: DEVICES, failed: 0, expired: 0, skipped: 0 });
    const reached = new Set(apns.received.map((r) => r.token));
    expect(reached.size).toBe(DEVICES);
    // Duplicates are allowed (at least once), each with the same apns-id so the device shows it once.
    const idsByToken = new Map<string, Set<string>>();
    for (const r of apns.received) idsByToken.set(r.token, (idsByToken.get(r.token) ?? new Set()).add(r.headers['apns-id']!));
    expect([...idsByToken.values()].every((s) => s.size === 1)).toBe(true);
  });
});
