import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../helpers/herald';
import { runCommand, spawnHerald, type HeraldProcess } from '../../helpers/process';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let herald: HeraldProcess;

beforeAll(async () => {
  const build = await runCommand('npm', ['run', '-s', 'build']);
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  herald = await spawnHerald({}, ['serve'], { compiled: true });
}, 120_000);
afterAll(async () => {
  await herald?.stop();
  herald?.removeDatabase();
});

describe('the production build (npm run build, then npm run herald:prod)', { timeout: 60_000 }, () => {
  it('is plain JavaScript with the migrations and the checkpointer thread beside it', () => {
    for (const file of ['dist/cli.js', 'dist/checkpoint-worker.mjs', 'dist/migrations/meta/_journal.json'])
      expect(existsSync(join(root, file))).toBe(true);
  });

  it('serves on a database it migrated, with the first admin token, and accepts a send', async () => {
    const api = apiClient(herald.url, herald.token!);
    expect((await api('GET', '/readyz')).status).toBe(200);
    expect((await api('GET', '/v1/me')).body.account.email).toBe('admin@localhost');
    const imported = await api('POST', '/v1/directory/import', {
      users: [{ id: 'u1', upn: 'ann@contoso.example', displayName: 'Ann' }],
      devices: [
        {
          id: 'd1',
          name: 'Ann iPhone',
          platform: 'ios',
          enrolledByUserId: 'u1',
          managementState: 'enrolled',
          push: { service: 'apns', token: 'ab'.repeat(32) },
        },
      ],
    });
    expect(imported.status).toBe(200);
    const send = await api('POST', '/v1/notifications', { title: 'Compiled', body: 'From dist/.', deviceId: 'd1' });
    expect(send.status).toBe(202);
  });

  it("runs with herald:prod's smaller young generation: a V8 heap of ~30 MB at rest, not ~55 MB", async () => {
    const metrics = await (await fetch(`${herald.url}/metrics`)).text();
    const heapTotal = Number(/^herald_heap_size_total_bytes (\S+)/m.exec(metrics)?.[1]);
    expect(heapTotal).toBeGreaterThan(0);
    expect(heapTotal).toBeLessThan(45 * 2 ** 20);
  });

  it('runs the same CLI commands as npm run herald', async () => {
    const init = await runCommand(process.execPath, ['dist/cli.js', 'init', '--tenant', 'Prod', '--admin', 'ops@prod.example', '--json'], {
      env: { HERALD_DB_URL: herald.dbUrl, HERALD_LOG: 'silent' },
    });
    expect(init.code, init.stderr).toBe(0);
    const created = JSON.parse(init.stdout);
    expect((await apiClient(herald.url, created.token)('GET', '/v1/me')).body.tenant.name).toBe('Prod');
  });
});
