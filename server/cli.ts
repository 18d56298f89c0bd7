import { loadConfig } from './config';
import { startServer } from './serve';

const usage = `Usage: npm run herald -- <command>
  serve                                   run the server (what npm start runs)
  start                                   build the extension, then serve
  init --tenant NAME --admin EMAIL [--json]   create a tenant and its first admin; prints an API token
  import FILE --tenant ID                 import users, groups and devices from a JSON file
  token create --account EMAIL --tenant ID [--name NAME]   print a new API token for an account`;

async function serve() {
  const config = loadConfig();
  const server = await startServer(config);
  // One write, so whoever watches stderr sees the token together with the listening line.
  const lines = [`Herald is listening on ${server.url} (database ${config.HERALD_DB_URL})`];
  if (server.bootstrap)
    lines.push(
      '',
      'Created tenant "Default" with admin admin@localhost. Its API token, shown only this once:',
      '',
      `  ${server.bootstrap.token}`,
      '',
      `Use it as:  curl -H "Authorization: Bearer ${server.bootstrap.token}" ${server.url}/v1/me`,
      '',
    );
  console.error(lines.join('\n'));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve: () => serve(),
  start: () => serve(),
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
  process.exit(1);
});

