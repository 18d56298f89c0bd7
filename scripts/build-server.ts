// `npm run build`: the server and CLI as plain JavaScript in dist/, run by `node dist/cli.js` (`npm run herald:prod`).
// One ESM bundle of Herald's own code (server/ and shared/); packages stay in node_modules, imported as they are.
// Files the code opens beside itself (the migrations, the checkpointer's worker thread, the device simulator's page)
// are copied next to the bundle.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
const started = performance.now();
await build({
  // the push thread's body is a bundle of its own beside the CLI's (see server/dispatch/provider-thread.ts)
  entryPoints: { cli: 'server/cli.ts', 'push-thread': 'server/dispatch/push-thread.ts' },
  outdir: out,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
cpSync('server/db/migrations', `${out}/migrations`, { recursive: true });
cpSync('server/db/checkpoint-worker.mjs', `${out}/checkpoint-worker.mjs`);
cpSync('server/simulator/public', `${out}/public`, { recursive: true });
console.error(`Built ${out}/cli.js in ${Math.round(performance.now() - started)} ms`);
