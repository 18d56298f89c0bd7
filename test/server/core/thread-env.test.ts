import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadEnv } from '../../../server/core/thread-env';

describe('the environment of Herald’s worker threads', () => {
  it('has none of Herald’s settings, the secret key and the database token among them, and keeps the rest', async () => {
    const env = threadEnv({ HERALD_SECRET_KEY: 'k', HERALD_DB_AUTH_TOKEN: 't', PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' });
    expect(env).toEqual({ PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' });
    // and that is what a thread started with it sees
    const seen = await new Promise((resolve, reject) => {
      const worker = new Worker("require('node:worker_threads').parentPort.postMessage(Object.keys(process.env))", { eval: true, env });
      worker.once('message', resolve).once('error', reject);
    });
    expect(new Set(seen as string[])).toEqual(new Set(['PATH', 'NODE_EXTRA_CA_CERTS']));
  });
});
