import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config';
import { startServer, type RunningServer } from '../../../server/serve';
import { apiClient } from '../../helpers/herald';

const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
const dbUrl = `file:${join(dir, 'herald.db')}`;
const env = { ...process.env, HERALD_DB_URL: dbUrl, HERALD_LOG: 'silent' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
/** The CLI as `npx tsx server/cli.ts` runs it, without npx's start-up. */
const herald = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args]);

let first: { tenantId: string; accountId: string; token: string };
let server: RunningServer;
const me = (token: string) => apiClient(server.url, token)('GET', '/v1/me');

beforeAll(async () => {
  const init = await herald('init', '--tenant', 'Contoso', '--admin', 'Admin@Contoso.example', '--json');
  if (init.code !== 0) throw new Error(init.stderr);
  first = JSON.parse(init.stdout);
  server = await startServer(loadConfig({ HERALD_DB_URL: dbUrl, HERALD_PORT: '0', HERALD_LOG: 'silent' }));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('herald init', () => {
  it('with --json prints exactly one JSON object {tenantId, accountId, token} on stdout', async () => {
    const init = await herald('init', '--tenant', 'Northwind', '--admin', 'it@northwind.example', '--json');
    expect(init.code).toBe(0);
    expect(init.stdout.endsWith('}\n')).toBe(true);
    expect(init.stdout.trim().split('\n')).toHaveLength(1);
    const output = JSON.parse(init.stdout);
    expect(Object.keys(output)).toEqual(['tenantId', 'accountId', 'token']);
    expect(output.token).toMatch(/^hrld_/);
    expect(init.stderr).toContain('Northwind');
  });

  it("creates the tenant's admin with the Administrator role over everything, on the migrated database", async () => {
    const res = await me(first.token);
    expect(res.status).toBe(200);
    expect(res.body.tenant).toEqual({ id: first.tenantId, name: 'Contoso' });
    expect(res.body.account).toEqual({ id: first.accountId, email: 'admin@contoso.example' });
    expect(res.body.scopes).toEqual([expect.objectContaining({ roleId: 'administrator', scope: { type: 'all' } })]);
  });

  it('creates a second tenant on the same database, isolated from the first', async () => {
    const init = await herald('init', '--tenant', 'Fabrikam', '--admin', 'admin@fabrikam.example', '--json');
    expect(init.code).toBe(0);
    const second = JSON.parse(init.stdout);
    expect(second.tenantId).not.toBe(first.tenantId);
    expect((await me(second.token)).body.tenant).toEqual({ id: second.tenantId, name: 'Fabrikam' });
    const theirs = await apiClient(server.url, second.token)('GET', `/v1/accounts/${first.accountId}`);
    expect(theirs.status).toBe(404);
  });

  it('without --json prints the token with a sentence saying it is shown once', async () => {
    const init = await herald('init', '--tenant', 'Tailspin', '--admin', 'admin@tailspin.example');
    expect(init.code).toBe(0);
    const token = /hrld_[\w-]+/.exec(init.stdout)?.[0];
    expect(init.stdout).toContain('shown only this once');
    expect((await me(token!)).body.tenant.name).toBe('Tailspin');
  });

  it('through npm run -s herald prints only the JSON object on stdout', async () => {
    const init = await run('npm', ['run', '-s', 'herald', '--', 'init', '--tenant', 'Woodgrove', '--admin', 'admin@woodgrove.example', '--json']);
    expect(init.code).toBe(0);
    expect(Object.keys(JSON.parse(init.stdout))).toEqual(['tenantId', 'accountId', 'token']);
  });

  it('stops with exit code 2, the problem and the usage on stderr when an option is missing or unknown', async () => {
    const calls = [['init', '--tenant', 'X'], ['init', '--tenant', 'X', '--admin', 'a@x.example', '--colour', 'red'], ['init', '--tenant', 'X', '--admin', 'not-an-email']];
    const results = await Promise.all(calls.map((args) => herald(...args)));
    for (const [i, res] of results.entries()) {
      expect(res.code, calls[i]!.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('Usage:');
    }
  });
});

describe('herald token create', () => {
  it('prints a new named token for an existing account, and the server accepts it', async () => {
    const res = await herald('token', 'create', '--tenant', first.tenantId, '--account', 'ADMIN@contoso.example', '--name', 'ci pipeline');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^hrld_[\w-]{43}\n$/);
    const token = res.stdout.trim();
    expect((await me(token)).body.account.id).toBe(first.accountId);
    const listed = await apiClient(server.url, first.token)('GET', `/v1/accounts/${first.accountId}/tokens`);
    expect(listed.body.items.map((t: { name: string }) => t.name)).toContain('ci pipeline');
    const audit = await apiClient(server.url, first.token)('GET', '/v1/audit?action=token.create&limit=1');
    expect(audit.body.items[0]).toMatchObject({ actor: null, details: { accountId: first.accountId, name: 'ci pipeline' } });
  });

  it('fails with exit code 1 and a clear message for an unknown tenant or account', async () => {
    const [noTenant, noAccount] = await Promise.all([
      herald('token', 'create', '--tenant', 'no-such-tenant', '--account', 'admin@contoso.example'),
      herald('token', 'create', '--tenant', first.tenantId, '--account', 'nobody@contoso.example'),
    ]);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stdout).toBe('');
    expect(noTenant.stderr).toContain("Tenant 'no-such-tenant' does not exist.");
    expect(noAccount.code).toBe(1);
    expect(noAccount.stdout).toBe('');
    expect(noAccount.stderr).toContain("has no account 'nobody@contoso.example'");
  });
});
