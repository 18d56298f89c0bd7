/**
 * Herald's module boundaries, checked by `npm run lint:deps` (part of `npm test`): a lower layer never imports
 * a higher one, and no two modules import each other, directly or through others, type-only imports included.
 *
 * Layers, lowest first:
 *   shared/       schemas, text and types used by the server and the extension; imports neither
 *   server/core/  what every server layer uses: errors, logging, pagination, the principal of a request
 *   server/db/    the database client, schema and migrations
 *   features      server/<feature>/ services (audit, directory, rbac, notifications, dispatch, ...)
 *   server/http/  the HTTP plumbing routes use (the app's env, validation, error mapping, listening)
 *   routes        each feature's routes.ts and middleware, the app, the server and the CLI
 * The extension imports shared/ and itself only.
 */
const FEATURES = '(audit|directory|rbac|notifications|dispatch|tenant|device|templates|identity|simulator|graph|ops)';
// a feature's HTTP face: its routes and the middleware that routes put before them
const ROUTE_FILES = [
  `^server/${FEATURES}/routes\\.ts$`,
  `^server/${FEATURES}/[a-z-]+/routes\\.ts$`,
  '^server/(rbac|device)/(authenticate|requires)\\.ts$',
  '^server/(app|serve|cli|extension-build)\\.ts$',
  '^server/openapi/',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be understood or changed one at a time.',
      from: {},
      to: { circular: true },
    },
    { name: 'shared-stands-alone', severity: 'error', from: { path: '^shared/' }, to: { path: '^(server|extension|test)/' } },
    { name: 'extension-uses-only-shared', severity: 'error', from: { path: '^extension/' }, to: { path: '^(server|test)/' } },
    { name: 'server-never-imports-extension-or-tests', severity: 'error', from: { path: '^server/' }, to: { path: '^(extension|test)/' } },
    { name: 'core-is-the-bottom', severity: 'error', from: { path: '^server/core/' }, to: { path: '^server/', pathNot: '^server/core/' } },
    {
      name: 'db-below-features',
      severity: 'error',
      from: { path: '^server/db/' },
      to: { path: '^server/', pathNot: '^server/(core|db)/' },
    },
    {
      name: 'features-below-http',
      severity: 'error',
      comment: 'A service does not know it is called over HTTP: no hono, no http/, no routes.',
      from: { path: `^server/${FEATURES}/`, pathNot: ROUTE_FILES },
      to: { path: ['^server/http/', ...ROUTE_FILES] },
    },
    { name: 'http-below-routes', severity: 'error', from: { path: '^server/http/' }, to: { path: ROUTE_FILES } },
    {
      name: 'threads-through-start-thread',
      severity: 'error',
      comment:
        "A Worker is constructed only by server/core/thread.ts, which gives it the environment without Herald's secrets; a thread's own entry reads its workerData and port.",
      from: {
        path: '^server/',
        pathNot: '^server/(core/thread\\.ts|dispatch/(push-thread\\.ts|ts-thread\\.mjs)|db/checkpoint-worker\\.mjs)$',
      },
      to: { dependencyTypes: ['core'], path: '^worker_threads$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.output|\\.wxt|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
