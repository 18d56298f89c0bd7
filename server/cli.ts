import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { directoryImportSchema } from '../shared/directory';
import { accountEmail } from '../shared/rbac';
import { loadConfig } from './config';
import { startWorkerProcess } from './dispatch/dispatcher';
import { migrateDatabase, openDatabase, type Database } from './db/client';
import { demoHighlights, importDemo } from './directory/demo';
import type { SyncProgress } from './directory/graph/client';
import { directorySyncFrom } from './directory/graph/service';
import { importDirectory } from './directory/import';
import { silentLogger } from './core/logger';
import { buildExtension } from './extension-build';
import { parseOr400 } from './http/validate';
import { findAccountByEmail } from './rbac/accounts';
import { createTenant, findTenant, findTenantByName } from './rbac/tenants';
import { createToken } from './rbac/tokens';
import { startServer } from './serve';

const usage = `Usage: npm run herald -- <command>
  serve                                   run the server (what npm start runs)
  worker                                  run one more dispatcher against the server's database
  start                                   build the extension, then serve
  init --tenant NAME --admin EMAIL [--json]   create a tenant and its first admin; prints an API token
  import FILE --tenant ID                 import users, groups and devices from a JSON file
  token create --account EMAIL --tenant ID [--name NAME]   print a new API token for an account
  demo [--tenant ID]                      import a sample organisation to try Herald with (the Default tenant if omitted)
  sync --tenant ID [--full]               sync the tenant's directory from Microsoft Entra ID and Intune now; prints the sync`;

async function serve(defaults: Record<string, string> = {}) {
  const config = loadConfig({ ...defaults, ...process.env });
  const server = await startServer(config);
  // One write, so whoever watches stderr sees the token together with the listening line.
  const lines = [
    `Herald is listening on ${server.url} (database ${config.HERALD_DB_URL.split('?')[0]})`,
    'Push services:',
    ...server.pushServices.map((s) => `  ${s}`),
  ];
  if (config.HERALD_DEVICE_SIMULATOR === 'on') lines.push(`Device simulator (a phone in a browser tab): ${server.url}/simulator`);
  if (server.bootstrap)
    lines.push(
      '',
      'Created tenant "Default" with admin admin@localhost. Its API token, shown only this once:',
      '',
      `  ${server.bootstrap.token}`,
      '',
      `Use it as:  curl -H "Authorization: Bearer ${server.bootstrap.token}" ${server.url}/v1/me`,
      '',
      'No directory yet? Import a sample organisation to try sends with:  npm run -s herald -- demo',
      '',
    );
  console.error(lines.join('\n'));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function worker() {
  const running = await startWorkerProcess(loadConfig());
  console.error(['Herald worker is dispatching. Push services:', ...running.services.map((s) => `  ${s}`)].join('\n'));
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A mistake in how the command was called: the message and the usage, exit code 2. */
class UsageError extends Error {}

function options<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], spec: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: spec, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new UsageError(`Unexpected argument '${parsed.positionals[positionals]}'.`);
    return parsed;
  } catch (error) {
    throw error instanceof TypeError && 'code' in error ? new UsageError(error.message) : error;
  }
}

function required(value: string | undefined, what: string): string {
  if (!value?.trim()) throw new UsageError(`Missing ${what}.`);
  return value.trim();
}

/** Opens HERALD_DB_URL, migrates it, runs `fn` and closes it. */
async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = openDatabase(config.HERALD_DB_URL, { authToken: config.HERALD_DB_AUTH_TOKEN, client: config.HERALD_DB_CLIENT });
  try {
    await migrateDatabase(database);
    return await fn(database);
  } finally {
    database.close();
  }
}

async function existingTenant(database: Database, tenantId: string): Promise<void> {
  if (!(await findTenant(database.db, tenantId))) throw new Error(`Tenant '${tenantId}' does not exist.`);
}

const tenantName = z.string().trim().min(1).max(128);

function parsed<T>(schema: z.ZodType<T>, value: string, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what}: ${result.error.issues[0]?.message ?? 'invalid'}.`);
  return result.data;
}

async function init(args: string[]) {
  const { values } = options(args, { tenant: { type: 'string' }, admin: { type: 'string' }, json: { type: 'boolean', default: false } });
  const name = parsed(tenantName, required(values.tenant, '--tenant NAME'), '--tenant');
  const adminEmail = parsed(accountEmail, required(values.admin, '--admin EMAIL'), '--admin');
  const created = await withDatabase((database) => createTenant(database, { name, adminEmail, now: Date.now() }));
  const summary = `Created tenant "${name}" (id ${created.tenantId}) with admin ${adminEmail} (account id ${created.accountId}).`;
  if (values.json) {
    console.error(summary);
    process.stdout.write(`${JSON.stringify({ tenantId: created.tenantId, accountId: created.accountId, token: created.token })}\n`);
  } else {
    process.stdout.write(`${summary}\nIts API token, shown only this once:\n\n  ${created.token}\n`);
  }
}

async function token(args: string[]) {
  const [action, ...rest] = args;
  if (action !== 'create') throw new UsageError(action ? `Unknown token command '${action}'.` : 'Missing token command: create.');
  const { values } = options(rest, {
    account: { type: 'string' },
    tenant: { type: 'string' },
    name: { type: 'string', default: 'cli token' },
  });
  // looked up, not validated: the first admin `npm start` creates is admin@localhost
  const email = required(values.account, '--account EMAIL').toLowerCase();
  const tenantId = required(values.tenant, '--tenant ID');
  const name = required(values.name, '--name NAME');
  const created = await withDatabase(async (database) => {
    await existingTenant(database, tenantId);
    const account = await findAccountByEmail(database.db, tenantId, email);
    if (!account) throw new Error(`Tenant '${tenantId}' has no account '${email}'.`);
    return createToken(database, { tenantId, actorAccountId: null, accountId: account.id, name, now: Date.now() });
  });
  process.stdout.write(`${created.token}\n`);
}

async function importFile(args: string[]) {
  const { values, positionals } = options(args, { tenant: { type: 'string' } }, 1);
  const file = required(positionals[0], 'FILE (the JSON to import)');
  const tenantId = required(values.tenant, '--tenant ID');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const input = parseOr400(directoryImportSchema, json);
  const counts = await withDatabase(async (database) => {
    await existingTenant(database, tenantId);
    return importDirectory(database, { tenantId, actorAccountId: null, input, now: Date.now() });
  });
  process.stdout.write(`Imported ${counts.users} users, ${counts.groups} groups and ${counts.devices} devices into tenant ${tenantId}.\n`);
}

async function demo(args: string[]) {
  const { values } = options(args, { tenant: { type: 'string' } });
  const { tenantId, counts } = await withDatabase(async (database) => {
    let tenantId = values.tenant?.trim();
    if (tenantId) await existingTenant(database, tenantId);
    else {
      tenantId = (await findTenantByName(database.db, 'Default'))?.id;
      if (!tenantId) throw new Error('There is no tenant "Default" yet: run `npm start` once, or name a tenant with --tenant ID.');
    }
    return { tenantId, counts: await importDemo(database, tenantId, Date.now()) };
  });
  const { groups, device, special, languages } = demoHighlights;
  process.stdout.write(
    [
      `Imported the sample organisation into tenant ${tenantId}: ${counts.users} users, ${counts.groups} groups, ${counts.devices} devices (running it again changes nothing).`,
      '',
      'Groups to send to:',
      ...groups.map((g) => `  ${g.id}  ${g.name}`),
      '',
      `A device to send to:  ${device.id}  ${device.name}`,
      '',
      'Devices that show what Herald does when a device cannot simply receive:',
      ...special.map((d) => `  ${d.id}  ${d.name}: ${d.note}`),
      '',
      `Languages: send to ${languages.groupId} with a French translation ("translations": {"fr-FR": {"title", "body"}}).`,
      `  ${languages.people.map((p) => `${p.name} (${p.language})`).join(', ')} prefer other languages than the default:`,
      '  fr-FR gets the French text exactly, fr-CA gets it by its primary language, the others get the default title and body.',
      '',
    ].join('\n'),
  );
}

async function sync(args: string[]) {
  const { values } = options(args, { tenant: { type: 'string' }, full: { type: 'boolean', default: false } });
  const tenantId = required(values.tenant, '--tenant ID');
  const result = await withDatabase(async (database) => {
    await existingTenant(database, tenantId);
    const service = directorySyncFrom(loadConfig(), { database, now: Date.now, log: silentLogger });
    const progress = (p: SyncProgress) =>
      process.stderr.write(
        `\rRead ${p.objects} objects in ${p.pages} pages; throttled ${p.throttleWaits} times (${Math.round(p.waitedMs / 1000)} s waited)`,
      );
    const started = await service.start(tenantId, null, { full: values.full, onProgress: progress });
    const done = await started.done;
    process.stderr.write('\n');
    return done;
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (result.status !== 'succeeded') {
    console.error(`The sync failed: ${result.error?.message ?? 'unknown error'}`);
    process.exitCode = 1;
  }
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve: () => serve(),
  start: async () => {
    const extension = await buildExtension();
    // a newcomer's first run: the device simulator is on unless the environment says otherwise
    await serve({ HERALD_DEVICE_SIMULATOR: 'on' });
    console.error(extension);
  },
  worker: () => worker(),
  init,
  token,
  import: importFile,
  demo,
  sync,
};

async function main(argv: string[]) {
  const [command = 'help', ...rest] = argv;
  const run = commands[command];
  if (!run) {
    console.error(command === 'help' ? usage : `Unknown command '${command}'.\n${usage}`);
    process.exitCode = command === 'help' ? 0 : 2;
    return;
  }
  await run(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError) console.error(usage);
  process.exit(error instanceof UsageError ? 2 : 1);
});
