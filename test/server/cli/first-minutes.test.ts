import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type Api } from '../../helpers/herald';
import { startFakeEntra, type FakeEntra } from '../../fakes/entra-id';
import { startFakeGraph, type FakeGraph } from '../../fakes/graph';
import { runCommand, runHerald, spawnHerald, type HeraldProcess } from '../../helpers/process';

// What a newcomer does first: the README's commands as written, and the sample organisation.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'herald-readme-'));

/** The README's shell examples, in order; the quick start's install-and-run block is what the test suite itself is. */
function readmeShellBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((block) => !/\bnpm install\b/.test(block));
}

let herald: HeraldProcess;
let api: Api;
/** The README's Entra ID example syncs from this stand-in for Entra ID and Graph. */
let entra: FakeEntra;
let graph: FakeGraph;

/** Waits until no delivery of the notification is queued, and answers the notification. */
async function settled(id: string) {
  for (let i = 0; i < 200; i++) {
    const res = await api('GET', `/v1/notifications/${id}`);
    expect(res.status).toBe(200);
    if (res.body.counts.queued === 0) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`notification ${id} still has queued deliveries`);
}

beforeAll(async () => {
  entra = await startFakeEntra();
  graph = await startFakeGraph(entra);
  graph.addUser({ id: 'entra-user-1', userPrincipalName: 'maya@contoso.example', displayName: 'Maya' });
  herald = await spawnHerald({
    HERALD_ENTRA_AUTHORITY_HOST: entra.origin,
    HERALD_GRAPH_BASE_URL: graph.origin,
    NODE_EXTRA_CA_CERTS: graph.caFile,
  });
  api = apiClient(herald.url, herald.token!);
});
afterAll(async () => {
  await herald?.stop();
  herald?.removeDatabase();
  await graph?.close();
  await entra?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the first five minutes', { timeout: 120_000 }, () => {
  it('npm start on an empty database names the demo command', () => {
    expect(herald.token).toMatch(/^hrld_/);
    expect(herald.stderr()).toContain('npm run -s herald -- demo');
  });

  it('every shell example in the README runs as written against a fresh server, and its send reaches the device', async () => {
    const blocks = readmeShellBlocks();
    expect(blocks.some((b) => b.includes('/v1/directory/import'))).toBe(true);
    const script = [
      'set -euo pipefail',
      // a refused request fails the script instead of printing an error body a reader might miss
      'curl() { command curl --fail-with-body "$@"; echo; }',
      `npm() { command npm --prefix ${JSON.stringify(root)} "$@"; }`,
      ...blocks.map((b) =>
        b
          .replaceAll('http://127.0.0.1:8787', herald.url)
          // what an admin copies from their app registration
          .replaceAll('<directory (tenant) id>', entra.tenantId)
          .replaceAll('<application (client) id>', entra.clientId)
          .replaceAll('<secret>', entra.app.clientSecret),
      ),
      'echo "notification=$ID"',
    ].join('\n');
    const result = await runCommand('bash', ['-c', script], {
      env: { TOKEN: herald.token!, HERALD_DB_URL: herald.dbUrl, HERALD_LOG: 'silent' },
      cwd: work,
    });
    // no API error body, and no failure of curl's own
    expect(result.stdout).not.toContain('"error":{');
    expect(result.stderr).not.toMatch(/curl: \(/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"tenant"');
    const id = /notification=(\S+)/.exec(result.stdout)?.[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const sent = await settled(id!);
    expect(sent.counts).toMatchObject({ sent: 1, failed: 0, skipped: 0 });
    // the Entra ID example's sync ran against the stand-in, and brought its user in
    await expect.poll(async () => (await api('GET', '/v1/directory/syncs')).body.items[0]?.status, { timeout: 20_000 }).toBe('succeeded');
    expect((await api('GET', '/v1/users/entra-user-1')).body.upn).toBe('maya@contoso.example');
  });

  it('demo imports a sample organisation, twice without change, and a send to its groups fails nowhere', async () => {
    const env = { HERALD_DB_URL: herald.dbUrl, HERALD_LOG: 'silent' };
    const first = await runHerald(['demo'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/20 users, 4 groups, 26 devices/);
    const groupIds = [...first.stdout.matchAll(/^ {2}(demo-group-\S+)/gm)].map((m) => m[1]!);
    expect(groupIds).toContain('demo-group-all');
    const device = /A device to send to:\s+(\S+)/.exec(first.stdout)?.[1];

    const before = await api('GET', '/v1/groups/demo-group-leeds');
    const again = await runHerald(['demo'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect((await api('GET', '/v1/groups/demo-group-leeds')).body).toEqual(before.body);
    expect((await api('GET', '/v1/users?search=demo.herald.example&limit=200')).body.items).toHaveLength(20);

    const send = await api('POST', '/v1/notifications', { title: 'Welcome', body: 'Herald works.', groupIds: ['demo-group-all'] });
    expect(send.status).toBe(202);
    const done = await settled(send.body.id);
    expect(done.counts.failed).toBe(0);
    expect(done.counts.sent).toBeGreaterThanOrEqual(20);
    // the sample has one device of each reason a device cannot simply receive
    const skipped = await api('GET', `/v1/notifications/${send.body.id}/deliveries?status=skipped&limit=200`);
    const reasons = new Set(skipped.body.items.map((d: { reason: string }) => d.reason));
    for (const reason of ['unsupportedPlatform', 'notEnrolled', 'notificationsNotPermitted', 'noPushToken'])
      expect(reasons).toContain(reason);

    const toDevice = await api('POST', '/v1/notifications', { title: 'Hello', body: 'Just you.', deviceId: device });
    expect(toDevice.status).toBe(202);
    expect((await settled(toDevice.body.id)).counts).toMatchObject({ sent: 1, failed: 0 });

    // the printout names the group to try a French translation on; there Chloé (fr-FR) and Léa (fr-CA) get it
    const languages = /Languages: send to (\S+) with a French translation/.exec(first.stdout)?.[1];
    expect(languages).toBe('demo-group-all');
    expect(first.stdout).toMatch(/Chloé Dubois \(fr-FR\), Hugo Müller \(de-DE\), Léa Martin \(fr-CA\), Omar Ortiz \(es-ES\)/);
    const french = { 'fr-FR': { title: 'Bienvenue', body: 'Herald fonctionne.' } };
    const preview = await api('POST', '/v1/notifications/preview', { translations: french, groupIds: [languages] });
    expect(preview.body.languages).toContainEqual({ language: 'fr-FR', devices: 2 });
  });

  it('demo without a Default tenant says what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-demo-'));
    try {
      const result = await runHerald(['demo'], {
        HERALD_DB_URL: `file:${join(dir, 'empty.db')}`,
        HERALD_LOG: 'silent',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('npm start');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
