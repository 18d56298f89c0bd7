import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fcmServiceAccount } from '../../fakes/fcm';
import { tempFile } from '../../fakes/files';
import { spawnHerald } from '../../helpers/process';

/**
 * Code run before `herald serve` (through NODE_OPTIONS) that writes down every file it loads: ES modules as its
 * resolve hook sees them, CommonJS ones as require() loads them.
 */
const recorder = (file: string) => {
  const hooks = `import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(${JSON.stringify(file)}, resolved.url + '\\n');
      return resolved;
    }`;
  const preload = `import { appendFileSync } from 'node:fs';
    import Module, { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      const loaded = load.call(this, request, parent, isMain);
      appendFileSync(${JSON.stringify(file)}, Module._resolveFilename(request, parent, isMain) + '\\n');
      return loaded;
    };`;
  return `--import=data:text/javascript,${encodeURIComponent(preload)}`;
};

let runs = 0;

/** The packages a `herald serve` started with `env` loaded, from its start to its exit. */
async function packagesLoadedBy(env: Record<string, string>): Promise<Set<string>> {
  const file = tempFile(`loaded-${++runs}.txt`, '');
  const server = await spawnHerald({ ...env, NODE_OPTIONS: recorder(file) });
  try {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  } finally {
    await server.stop();
    server.removeDatabase();
  }
  const names = readFileSync(file, 'utf8').matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  return new Set([...names].map((m) => m[1]!));
}

describe('packages a server loads', () => {
  it('leaves firebase-admin and MSAL unloaded until FCM or an Entra connection needs them', async () => {
    const loaded = await packagesLoadedBy({});
    // what the recorder sees: an ES module package and a CommonJS one the server always uses
    expect(loaded).toContain('hono');
    expect(loaded).toContain('libsql');
    expect(loaded).not.toContain('firebase-admin');
    expect(loaded).not.toContain('@azure/msal-node');
  });

  it('loads firebase-admin when FCM is configured', async () => {
    const loaded = await packagesLoadedBy({ HERALD_FCM_SERVICE_ACCOUNT_FILE: fcmServiceAccount().file });
    expect(loaded).toContain('firebase-admin');
  });
});
