import type { Permission } from '../../shared/permissions';
import type { Me } from './api-types';

/** Herald on this machine: the manifest's host permissions (wxt.config.ts takes them from here), reached without asking. */
export const LOCAL_SERVER_ORIGINS: readonly string[] = ['http://127.0.0.1/*', 'http://localhost/*', 'http://[::1]/*'];

/** The host permission a server URL needs, e.g. https://herald.example.com/* */
export const originPattern = (serverUrl: string) => {
  const u = new URL(serverUrl);
  return `${u.protocol}//${u.hostname}/*`;
};

/** Herald on this machine is covered by the manifest's host permissions; any other server is asked for at save time. */
export function isLocalServer(serverUrl: string): boolean {
  return LOCAL_SERVER_ORIGINS.includes(originPattern(serverUrl));
}

/**
 * Why a Server URL cannot be used, or null: https, or http only to this machine (localhost, 127.0.0.1, [::1]), since
 * every call carries the API token or the Entra access token.
 */
export function serverUrlProblem(serverUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(serverUrl);
  } catch {
    return 'The Server URL is not a valid URL (for example http://127.0.0.1:8787).';
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && isLocalServer(serverUrl))) return null;
  if (u.protocol === 'http:')
    return 'The Server URL must start with https:// (http:// only for Herald on this machine: localhost or 127.0.0.1), so your token never crosses the network unencrypted.';
  return 'The Server URL must start with http:// or https://.';
}

/** What the extension does with each permission, to say plainly what a missing one prevents. */
const NEEDED: Partial<Record<Permission, string>> = {
  'Organization.Read': 'search groups, preview reach and read history',
  'ManagedDevices.Read': 'search devices',
  'Organization.Update': 'send to groups',
  'RemoteTasks.SendCustomNotifications': 'send to a device',
};

export interface ConnectionReport {
  ok: boolean;
  summary: string;
  missing: Permission[];
}

/** The answer of GET /v1/me as a sentence naming tenant and permissions, and what is missing. */
export function connectionReport(me: Me): ConnectionReport {
  const missing = (Object.keys(NEEDED) as Permission[]).filter((p) => !me.permissions.includes(p));
  const base = `Connected to tenant “${me.tenant.name}” as ${me.account.email}. Permissions: ${me.permissions.join(', ') || 'none'}.`;
  if (!missing.length) return { ok: true, summary: base, missing };
  const lacks = missing.map((p) => `${p} (needed to ${NEEDED[p]})`).join('; ');
  return { ok: false, summary: `${base} Missing permission: ${lacks}.`, missing };
}

/** Where the permissions of GET /v1/me come from, e.g. "From the Entra app role Herald.Administrator; Herald's role “Help desk” over 2 groups." */
export function grantSources(me: Me): string {
  const sources = me.scopes.map(({ source, roleName, scope }) => {
    if (source?.type === 'appRole') return `the Entra app role ${source.appRole}`;
    const over =
      scope.type === 'all'
        ? 'over the whole tenant'
        : `over ${scope.groupIds.length === 1 ? '1 group' : `${scope.groupIds.length} groups`}`;
    return `Herald's role “${roleName}” ${over}`;
  });
  return sources.length
    ? `From ${[...new Set(sources)].join('; ')}.`
    : 'No app role in the Entra sign-in and no Herald role assignment grants any.';
}
