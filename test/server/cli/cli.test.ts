import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config';
import { startServer, type RunningServer } from '../../../server/serve';
import { group, phone, user } from '../../helpers/directory';
import { apiClient } from '../../helpers/herald';
import { runCommand, runHerald } from '../../helpers/process';

const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
const dbUrl = `file:${join(dir, 'herald.db')}`;
const env = { HERALD_DB_URL: dbUrl, HERALD_LOG: 'silent' };

/** The CLI on this file's database; each run takes seconds on a busy machine. */
const herald = (...args: string[]) => runHerald(args, env);

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

describe('herald init', { timeout: 60_000 }, () => {
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
    const init = await runCommand(
      'npm',
      ['run', '-s', 'herald', '--', 'init', '--tenant', 'Woodgrove', '--admin', 'admin@woodgrove.example', '--json'],
      { env },
    );
    expect(init.code).toBe(0);
    expect(Object.keys(JSON.parse(init.stdout))).toEqual(['tenantId', 'accountId', 'token']);
  });

  it('stops with exit code 2, the problem and the usage on stderr when an option is missing or unknown', async () => {
    const calls = [
      ['init', '--tenant', 'X'],
      ['init', '--tenant', 'X', '--admin', 'a@x.example', '--colour', 'red'],
      ['init', '--tenant', 'X', '--admin', 'not-an-email'],
    ];
    const results = await Promise.all(calls.map((args) => herald(...args)));
    for (const [i, res] of results.entries()) {
      expect(res.code, calls[i]!.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('Usage:');
    }
  });
});

describe('herald token create', { timeout: 60_000 }, () => {
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

describe('herald import', { timeout: 60_000 }, () => {
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it("imports a JSON file into the tenant's directory, printing the counts", async () => {
    const path = file('directory.json', {
      users: [user('u1'), user('u2')],
      devices: [phone('d1', 'u1')],
      groups: [
        group('g1', [
          { type: 'user', id: 'u1' },
          { type: 'user', id: 'u2' },
        ]),
      ],
    });
    const res = await herald('import', path, '--tenant', first.tenantId);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(`Imported 2 users, 1 groups and 1 devices into tenant ${first.tenantId}.\n`);
    const audit = await apiClient(server.url, first.token)('GET', '/v1/audit?action=directory.import&limit=1');
    expect(audit.body.items[0]).toMatchObject({ actor: null, outcome: 'success' });
    const assign = await apiClient(server.url, first.token)('POST', '/v1/roleAssignments', {
      roleId: 'readOnlyOperator',
      accountIds: [first.accountId],
      scope: { type: 'groups', groupIds: ['g1'] },
    });
    expect(assign.status).toBe(201);
  });

  it('refuses a file that is not JSON, does not match the schema or names an unknown member, with exit code 1', async () => {
    const [notJson, badShape, unknownMember, noTenant] = await Promise.all([
      herald('import', file('broken.json', '{"users": ['), '--tenant', first.tenantId),
      herald('import', file('shape.json', { users: [{ id: 'u9' }] }), '--tenant', first.tenantId),
      herald('import', file('member.json', { groups: [group('g9', [{ type: 'user', id: 'ghost' }])] }), '--tenant', first.tenantId),
      herald('import', file('fine.json', { users: [user('u9')] }), '--tenant', 'no-such-tenant'),
    ]);
    for (const res of [notJson, badShape, unknownMember, noTenant]) {
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
    }
    expect(notJson.stderr).toContain('as JSON');
    expect(badShape.stderr).toContain('users.0.upn');
    expect(unknownMember.stderr).toContain("'ghost'");
    expect(noTenant.stderr).toContain("Tenant 'no-such-tenant' does not exist.");
  });

  it('stops with exit code 2 without a file', async () => {
    const res = await herald('import', '--tenant', first.tenantId);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Missing FILE');
  });
});
