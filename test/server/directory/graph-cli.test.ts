import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncedHerald, type SyncedHerald } from '../../helpers/graph';
import { runHerald } from '../../helpers/process';
import { expectStatus } from '../../helpers/rbac';

let s: SyncedHerald;

/**
 * `herald sync` as its own process on the test server's database: it trusts the fakes' CA only through
 * NODE_EXTRA_CA_CERTS, as production would, and reads the key file the server generated.
 */
function sync(...args: string[]) {
  return runHerald(['sync', '--tenant', s.herald.admin.tenantId, ...args], {
    HERALD_DB_URL: `file:${s.herald.dbFile}`,
    HERALD_LOG: 'silent',
    HERALD_ENTRA_AUTHORITY_HOST: s.entra.origin,
    HERALD_GRAPH_BASE_URL: s.fake.origin,
    NODE_EXTRA_CA_CERTS: s.fake.caFile,
  });
}

beforeAll(async () => {
  s = await startSyncedHerald();
  for (const id of ['u1', 'u2']) s.fake.addUser({ id, userPrincipalName: `${id}@contoso.example`, displayName: id });
  s.fake.setDevice({ id: 'd1', deviceName: 'Phone', operatingSystem: 'iOS', userId: 'u1', managementState: 'managed', serialNumber: null });
  await s.connect();
});
afterAll(() => s.close());

describe('herald sync --tenant ID', { timeout: 90_000 }, () => {
  it('runs one sync in the foreground: progress on stderr, the sync as JSON on stdout', async () => {
    const run = await sync();
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ kind: 'full', status: 'succeeded', counts: { users: { added: 2 }, devices: { added: 1 } } });
    expect(run.stderr).toMatch(/Read \d+ objects in \d+ pages; throttled 0 times/);
    expect(expectStatus(await s.herald.admin.api('GET', `/v1/directory/syncs/${printed.id}`), 200).status).toBe('succeeded');
  });

  it('two processes on one database never sync the tenant at once', async () => {
    // whichever claims the sync first waits out a throttle, so the other surely finds it running
    s.fake.interrupt({ status: 429, retryAfter: '6' });
    const runs = await Promise.all([sync('--full'), sync('--full')]);
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
    const loser = runs.find((r) => r.code === 1)!;
    expect(loser.stderr).toContain('already running');
    const winner = JSON.parse(runs.find((r) => r.code === 0)!.stdout);
    expect(winner.status).toBe('succeeded');
    expect(s.fake.state.throttled).toBe(1);
  });
});
