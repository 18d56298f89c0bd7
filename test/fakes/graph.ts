import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { FakeEntra } from './entra-id';
import { trustedTls, type TestTls } from './tls';

/**
 * A fake Microsoft Graph (v1.0 users/groups delta, managed devices, organization) over HTTPS, for one tenant of a
 * fake Entra ID, whose app-only tokens it takes (for this origin, and no others). The directory is state the test
 * changes; delta links are versions of it, so an incremental round answers exactly what changed since, the way Graph
 * does (changed objects whole, `@removed` objects and members, `members@delta` with only the member changes).
 */

export interface FakeUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** As Entra holds it (e.g. `en-US`); null or absent: none. */
  preferredLanguage?: string | null;
}

export interface FakeMember {
  type: 'user' | 'group' | 'device';
  id: string;
}

export interface FakeDevice {
  id: string;
  deviceName: string;
  operatingSystem: string;
  userId: string | null;
  managementState: string;
  serialNumber: string | null;
}

export interface FakeGraphOptions {
  /** Default: the CA every test process trusts (NODE_EXTRA_CA_CERTS); a bench, which has none, passes its own. */
  tls?: TestTls;
  /** Entries per page of a delta round or a device list (Graph's are 100-999). */
  pageSize?: number;
  /** The tenant's verified domains, as `GET /v1.0/organization` lists them. */
  verifiedDomains?: string[];
}

type Json = Record<string, unknown>;

interface Change {
  version: number;
  kind: 'user' | 'group' | 'member';
  id: string;
  /** for `member`: the member's type:id */
  member?: string;
}

const odataType = (type: FakeMember['type']) => `#microsoft.graph.${type}`;
const key = (m: FakeMember) => `${m.type}:${m.id}`;

/** Graph for the tenant of `entra`, whose tokens for this origin it takes. */
export async function startFakeGraph(entra: FakeEntra, options: FakeGraphOptions = {}) {
  const pageSize = options.pageSize ?? 100;
  const tls = options.tls ?? trustedTls();

  const users = new Map<string, FakeUser>();
  const groups = new Map<string, { id: string; displayName: string; members: Map<string, FakeMember> }>();
  /** As Graph lists them, built once at `setDevice` (lastSyncDateTime: when the device last synced with Intune). */
  const devices = new Map<string, Json>();
  const log: Change[] = [];
  let version = 0;
  /** Delta links older than this answer 410 syncStateNotFound. */
  let oldestValid = 0;
  const pages = new Map<string, { entries: Json[]; offset: number; deltaLink: string | null }>();
  /** Answers for the next Graph requests, used once each. */
  const interruptions: Array<{ status: number; retryAfter?: string; body?: Json }> = [];
  let failing: { status: number; body: Json; path: string } | null = null;
  /** `lastAnswerAt`: when Graph last answered (Date.now()), so a bench can tell listing from applying. */
  const state = {
    splitGroups: false,
    requests: [] as string[],
    throttled: 0,
    lastAnswerAt: 0,
    verifiedDomains: options.verifiedDomains ?? ['contoso.example'],
  };

  const change = (kind: Change['kind'], id: string, member?: string) => log.push({ version: ++version, kind, id, member });

  // ---- Graph ----
  const userJson = (u: FakeUser): Json => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    mail: null,
    accountEnabled: true,
    preferredLanguage: u.preferredLanguage ?? null,
  });
  const memberJson = (m: FakeMember, removed = false): Json => ({
    '@odata.type': odataType(m.type),
    id: m.id,
    ...(removed ? { '@removed': { reason: 'deleted' } } : {}),
  });

  function usersRound(since: number | null): Json[] {
    if (since === null) return [...users.values()].map(userJson);
    const ids = new Set(log.filter((c) => c.version > since && c.kind === 'user').map((c) => c.id));
    return [...ids].map((id) => (users.has(id) ? userJson(users.get(id)!) : { id, '@removed': { reason: 'changed' } }));
  }

  function groupsRound(since: number | null): Json[] {
    if (since === null) {
      const first: Json[] = [];
      const later: Json[] = [];
      for (const g of groups.values()) {
        const members = [...g.members.values()].map((m) => memberJson(m));
        if (state.splitGroups && members.length > 1) {
          // Graph's way: the same group again later in the round, with the rest of its members
          const half = Math.ceil(members.length / 2);
          first.push({ id: g.id, displayName: g.displayName, 'members@delta': members.slice(0, half) });
          later.push({ id: g.id, 'members@delta': members.slice(half) });
        } else first.push({ id: g.id, displayName: g.displayName, ...(members.length ? { 'members@delta': members } : {}) });
      }
      return [...first, ...later];
    }
    const changed = log.filter((c) => c.version > since && (c.kind === 'group' || c.kind === 'member'));
    const entries = new Map<string, Json>();
    for (const c of changed) {
      const g = groups.get(c.id);
      if (!g) {
        entries.set(c.id, { id: c.id, '@removed': { reason: 'deleted' } });
        continue;
      }
      const entry = entries.get(c.id) ?? { id: g.id, displayName: g.displayName };
      entries.set(c.id, entry);
      if (c.kind === 'member') {
        const [type, id] = c.member!.split(/:(.*)/s) as [FakeMember['type'], string];
        const list = ((entry['members@delta'] as Json[] | undefined) ?? []).filter(
          (m) => !(m.id === id && m['@odata.type'] === odataType(type)),
        );
        list.push(memberJson({ type, id }, !g.members.has(c.member!)));
        entry['members@delta'] = list;
      }
    }
    return [...entries.values()];
  }

  /** First page of `entries`; the rest wait behind `$skiptoken`s, and the last page carries `deltaLink`. */
  function paged(path: string, entries: Json[], deltaLink: string | null): Json {
    const skip = randomUUID();
    pages.set(skip, { entries, offset: 0, deltaLink });
    return nextPage(path, skip);
  }

  function nextPage(path: string, skip: string): Json {
    const stored = pages.get(skip)!;
    pages.delete(skip);
    // an offset into the round's entries, not a copy of the rest at every page
    const offset = stored.offset + pageSize;
    const value = stored.entries.slice(stored.offset, offset);
    if (offset < stored.entries.length) {
      const next = randomUUID();
      pages.set(next, { ...stored, offset });
      return { value, '@odata.nextLink': `${origin}${path}?$skiptoken=${next}` };
    }
    return { value, ...(stored.deltaLink ? { '@odata.deltaLink': stored.deltaLink } : {}) };
  }

  function graph(url: URL): { status: number; body: Json; headers?: Record<string, string> } {
    const path = url.pathname;
    const skip = url.searchParams.get('$skiptoken');
    if (skip) {
      if (!pages.has(skip)) return { status: 400, body: { error: { code: 'badRequest', message: 'unknown skiptoken' } } };
      return { status: 200, body: nextPage(path, skip) };
    }
    const deltaToken = url.searchParams.get('$deltatoken');
    const since = deltaToken === null ? null : Number(deltaToken);
    if (since !== null && since < oldestValid)
      return { status: 410, body: { error: { code: 'syncStateNotFound', message: 'The delta token has expired; resync.' } } };
    const link = `${origin}${path}?$deltatoken=${version}`;
    if (path === '/v1.0/users/delta') return { status: 200, body: paged(path, usersRound(since), link) };
    if (path === '/v1.0/groups/delta') return { status: 200, body: paged(path, groupsRound(since), link) };
    if (path === '/v1.0/deviceManagement/managedDevices')
      return {
        status: 200,
        body: paged(path, [...devices.values()], null),
      };
    if (path === '/v1.0/organization')
      return {
        status: 200,
        body: {
          value: [
            {
              id: entra.tenantId,
              verifiedDomains: state.verifiedDomains.map((name, i) => ({ name, isDefault: i === 0, isInitial: false, type: 'Managed' })),
            },
          ],
        },
      };
    return { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: `no ${path}` } } };
  }

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    // Graph's reads carry no body
    req.resume();
    const url = new URL(req.url ?? '/', origin);
    state.requests.push(url.pathname + url.search);
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (!bearer || entra.app.audienceOf(bearer) !== origin)
      return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } });
    const interruption = interruptions.shift();
    if (interruption) {
      if (interruption.status === 429 || interruption.status === 503) state.throttled++;
      return send(
        res,
        interruption.status,
        interruption.body ?? { error: { code: 'TooManyRequests', message: 'Throttled' } },
        interruption.retryAfter !== undefined ? { 'retry-after': interruption.retryAfter } : {},
      );
    }
    if (failing && url.pathname.startsWith(failing.path)) return send(res, failing.status, failing.body);
    const answer = graph(url);
    send(res, answer.status, answer.body, answer.headers);
    state.lastAnswerAt = Date.now();
  }

  const sockets = new Set<Socket>();
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: { code: 'fakeFailed', message: String(error) } }));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // the app registration may ask Entra for tokens to this Graph (`<origin>/.default`)
  entra.app.addResource(origin);

  return {
    /** HERALD_GRAPH_BASE_URL. */
    origin,
    /** NODE_EXTRA_CA_CERTS for a process that reaches this Graph (and its Entra, on the same CA unless a bench says). */
    caFile: tls.caFile,
    state,
    addUser(user: FakeUser) {
      users.set(user.id, user);
      change('user', user.id);
    },
    removeUser(id: string) {
      users.delete(id);
      change('user', id);
    },
    addGroup(id: string, displayName: string, members: FakeMember[] = []) {
      groups.set(id, { id, displayName, members: new Map(members.map((m) => [key(m), m])) });
      change('group', id);
    },
    removeGroup(id: string) {
      groups.delete(id);
      change('group', id);
    },
    addMember(groupId: string, member: FakeMember) {
      groups.get(groupId)!.members.set(key(member), member);
      change('member', groupId, key(member));
    },
    removeMember(groupId: string, member: FakeMember) {
      groups.get(groupId)!.members.delete(key(member));
      change('member', groupId, key(member));
    },
    setDevice(device: FakeDevice) {
      devices.set(device.id, { ...device, osVersion: '1.0', azureADDeviceId: null, lastSyncDateTime: new Date().toISOString() });
    },
    removeDevice(id: string) {
      devices.delete(id);
    },
    /** Every delta link given so far answers 410 syncStateNotFound. */
    expireDeltaLinks() {
      oldestValid = version + 1;
      version++;
    },
    /** The next Graph requests answer these statuses (e.g. 429 with Retry-After), one each. */
    interrupt(...answers: Array<{ status: number; retryAfter?: string; body?: Json }>) {
      interruptions.push(...answers);
    },
    /** Every Graph request (below `path`) fails with `status` until called with null. */
    fail(status: number | null, path = '/') {
      failing = status === null ? null : { status, path, body: { error: { code: 'serviceNotAvailable', message: 'Graph is down' } } };
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeGraph = Awaited<ReturnType<typeof startFakeGraph>>;
