import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHerald, type Api, type TestHerald } from '../../helpers/herald';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Another process (as a CLI import or a second `herald serve` would be) that takes the database's write
 * lock with BEGIN IMMEDIATE, then holds it for `ms` before committing. Resolves once it holds the lock.
 */
async function holdWriteLock(file: string, ms: number) {
  const script = `const db = new (require('libsql'))(process.argv[1]);
db.exec("BEGIN IMMEDIATE; INSERT INTO tenants (id, name, created_at) VALUES ('other-process', 'Other', 0)");
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    void exited.then(([code]) => reject(new Error(`the lock holder exited with ${code} before locking`)));
  });
  return { released: exited.then(() => undefined) };
}

const users = (prefix: string) => ({
  users: [1, 2, 3].map((i) => ({ id: `${prefix}-${i}`, upn: `${prefix}-${i}@contoso.example`, displayName: `${prefix} ${i}` })),
});

const probes = ['/healthz', '/v1/users?limit=10'];

/** The slowest of a few /healthz and directory reads made one after another over ~`ms`. */
async function slowestAnswer(api: Api, ms: number): Promise<number> {
  let slowest = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const path of probes) {
      const started = performance.now();
      const res = await api('GET', path);
      expect(res.status).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return slowest;
}

let herald: TestHerald | undefined;
afterEach(async () => {
  await herald?.close();
  herald = undefined;
});

describe('another process holding the write lock', { timeout: 30_000 }, () => {
  it('leaves health checks and reads answering at once; the waiting write succeeds once the lock frees', async () => {
    herald = await startTestHerald();
    const api = herald.admin.api;
    for (const path of probes) await api('GET', path); // unmeasured: the first of each builds what later ones reuse
    const lock = await holdWriteLock(herald.dbFile, 2_000);

    let settled = false;
    const write = api('POST', '/v1/directory/import', users('waited')).finally(() => (settled = true));
    expect(await slowestAnswer(api, 800)).toBeLessThan(300);
    expect(settled).toBe(false); // still waiting for the lock, without holding anyone else up

    expect((await write).status).toBe(200);
    await lock.released;
    const listed = await api('GET', '/v1/users?search=waited');
    expect(listed.body.items.map((u: { id: string }) => u.id).sort()).toEqual(['waited-1', 'waited-2', 'waited-3']);
  });

  it('answers a write 503 databaseBusy with Retry-After once the busy timeout passes, and takes it after the lock frees', async () => {
    herald = await startTestHerald({ database: { busyTimeoutMs: 300 } });
    const api = herald.admin.api;
    for (const path of probes) await api('GET', path); // unmeasured: the first of each builds what later ones reuse
    const lock = await holdWriteLock(herald.dbFile, 1_500);

    const write = api('POST', '/v1/directory/import', users('refused'));
    expect(await slowestAnswer(api, 500)).toBeLessThan(300);
    const refused = await write;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.error.code).toBe('databaseBusy');

    await lock.released;
    expect((await api('POST', '/v1/directory/import', users('retried'))).status).toBe(200);
    expect((await api('GET', '/v1/users?search=refused')).body.items).toEqual([]);
  });
});
