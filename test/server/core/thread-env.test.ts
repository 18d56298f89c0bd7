import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startThread } from '../../../server/core/thread';
import { threadEnv } from '../../../server/core/thread-env';

const dir = mkdtempSync(join(tmpdir(), 'herald-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the environment of Herald’s worker threads', () => {
  it('has none of Herald’s settings, the secret key and the database token among them, and keeps the rest', () => {
    const env = threadEnv({ HERALD_SECRET_KEY: 'k', HERALD_DB_AUTH_TOKEN: 't', PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' });
    expect(env).toEqual({ PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' });
  });

  it('is what a thread started by startThread sees, whatever the process has', async () => {
    const entry = join(dir, 'env.mjs');
    writeFileSync(entry, "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(Object.keys(process.env));\n");
    const before = { ...process.env };
    Object.assign(process.env, { HERALD_SECRET_KEY: 'secret', HERALD_DB_AUTH_TOKEN: 'token', HERALD_THREAD_TEST: 'x' });
    try {
      const seen = await new Promise<string[]>((resolve, reject) => {
        startThread(pathToFileURL(entry)).once('message', resolve).once('error', reject);
      });
      expect(seen.filter((name) => name.startsWith('HERALD_'))).toEqual([]);
      expect(seen).toContain('PATH');
    } finally {
      for (const name of ['HERALD_SECRET_KEY', 'HERALD_DB_AUTH_TOKEN', 'HERALD_THREAD_TEST']) {
        if (before[name] === undefined) delete process.env[name];
        else process.env[name] = before[name];
      }
    }
  });
});
