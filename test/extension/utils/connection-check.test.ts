import { describe, expect, it } from 'vitest';
import type { Permission } from '../../../shared/permissions';
import type { Me } from '../../../extension/utils/api-types';
import { connectionReport, grantSources, isLocalServer, originPattern, serverUrlProblem } from '../../../extension/utils/connection-check';

const me = (permissions: Permission[]): Me => ({
  tenant: { id: 't1', name: 'Contoso' },
  account: { id: 'a1', email: 'helpdesk@contoso.example' },
  permissions,
  scopes: [],
});

describe('grantSources', () => {
  it('names the Entra app roles and the Herald role assignments the permissions come from', () => {
    const all = { type: 'all' } as const;
    expect(
      grantSources({
        ...me(['Organization.Read']),
        scopes: [
          {
            roleId: 'r1',
            roleName: 'Administrator',
            permissions: [],
            scope: all,
            source: { type: 'appRole', appRole: 'Herald.Administrator' },
          },
          {
            roleId: 'r2',
            roleName: 'Help desk',
            permissions: [],
            scope: { type: 'groups', groupIds: ['g1', 'g2'] },
            source: { type: 'assignment' },
          },
          { roleId: 'r3', roleName: 'Reader', permissions: [], scope: all },
        ],
      }),
    ).toBe(
      "From the Entra app role Herald.Administrator; Herald's role “Help desk” over 2 groups; Herald's role “Reader” over the whole tenant.",
    );
    expect(grantSources(me([]))).toBe('No app role in the Entra sign-in and no Herald role assignment grants any.');
  });
});

describe('connectionReport', () => {
  it('names the tenant, the account and its permissions', () => {
    const report = connectionReport(
      me(['Organization.Read', 'Organization.Update', 'ManagedDevices.Read', 'RemoteTasks.SendCustomNotifications']),
    );
    expect(report.ok).toBe(true);
    expect(report.summary).toBe(
      'Connected to tenant “Contoso” as helpdesk@contoso.example. Permissions: Organization.Read, Organization.Update, ManagedDevices.Read, RemoteTasks.SendCustomNotifications.',
    );
  });

  it('says which permission is missing and what it prevents', () => {
    const report = connectionReport(me(['Organization.Read', 'ManagedDevices.Read', 'RemoteTasks.SendCustomNotifications']));
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual(['Organization.Update']);
    expect(report.summary).toMatch(/Missing permission: Organization\.Update \(needed to send to groups\)\.$/);
  });
});

describe('server URLs', () => {
  it('needs no prompt for Herald on this machine and asks for the origin of any other', () => {
    expect(isLocalServer('http://127.0.0.1:8787')).toBe(true);
    expect(isLocalServer('http://localhost:3000')).toBe(true);
    expect(isLocalServer('http://[::1]:8787')).toBe(true);
    expect(isLocalServer('https://localhost:8443')).toBe(false);
    expect(isLocalServer('https://herald.contoso.example')).toBe(false);
    expect(originPattern('https://herald.contoso.example:8443/api')).toBe('https://herald.contoso.example/*');
  });

  it('rejects what is not an http(s) URL', () => {
    expect(serverUrlProblem('herald.local')).toMatch(/not a valid URL/);
    expect(serverUrlProblem('ftp://herald.local')).toMatch(/http:\/\/ or https:\/\//);
    expect(serverUrlProblem('https://herald.local')).toBeNull();
  });

  it('refuses http:// except to this machine, so no token crosses the network in the clear', () => {
    for (const local of ['http://127.0.0.1:8787', 'http://localhost:3000', 'http://[::1]:8787'])
      expect(serverUrlProblem(local), local).toBeNull();
    for (const remote of ['http://herald.contoso.example', 'http://10.0.0.5:8787', 'http://127.0.0.1.evil.example'])
      expect(serverUrlProblem(remote), remote).toMatch(/must start with https:\/\//);
  });
});
