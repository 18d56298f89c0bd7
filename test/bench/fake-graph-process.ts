/**
 * Child-process entry for the directory-sync bench: the fake Entra ID and Graph in their own process. Real Graph is
 * remote, so its work must not be counted as the sync's; served from the bench's own event loop, it was. Builds the
 * directory (BENCH_SCALE), reports how to reach it over IPC, then answers the bench's requests; exits with its parent.
 */
import { startFakeEntra } from '../fakes/entra-id';
import { startFakeGraph, type FakeGraph } from '../fakes/graph';
import { testTls } from '../fakes/tls';

/** BENCH_SCALE=0.1 runs a tenth of the directory, to try the bench out quickly. */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const USERS = Math.round(50_000 * SCALE);
export const GROUPS = Math.round(2_000 * SCALE);
export const DEVICES = Math.round(100_000 * SCALE);
export const USERS_PER_GROUP = 59;

export interface FakeGraphProcess {
  /** HERALD_ENTRA_AUTHORITY_HOST */
  authorityHost: string;
  /** HERALD_GRAPH_BASE_URL */
  origin: string;
  caFile: string;
  entraTenantId: string;
  clientId: string;
  clientSecret: string;
}

/** `changes`: make the bench's 100 changes; `usage`: the CPU this process used (µs) and when Graph last answered. */
export type Request = 'changes' | 'usage';
export interface Usage {
  cpuUs: number;
  lastAnswerAt: number;
}

const userId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const groupId = (i: number) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const deviceId = (i: number) => `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function populate(fake: FakeGraph) {
  for (let i = 0; i < USERS; i++) fake.addUser({ id: userId(i), userPrincipalName: `user${i}@contoso.example`, displayName: `User ${i}` });
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: USERS_PER_GROUP }, (_, k) => ({
      type: 'user' as const,
      id: userId((g * USERS_PER_GROUP + k) % USERS),
    }));
    // chains of six: each group holds the next, so expansion goes 6 deep
    if (g % 6 !== 5 && g + 1 < GROUPS) members.push({ type: 'group', id: groupId(g + 1) } as never);
    fake.addGroup(groupId(g), `Group ${g}`, members);
  }
  for (let i = 0; i < DEVICES; i++)
    fake.setDevice({
      id: deviceId(i),
      deviceName: `Device ${i}`,
      operatingSystem: i % 2 ? 'Android' : 'iOS',
      userId: userId(i % USERS),
      managementState: 'managed',
      serialNumber: `SN${i}`,
    });
}

/** 100 changes: 60 renamed users, 20 membership changes, 20 removed users. */
function hundredChanges(fake: FakeGraph) {
  for (let i = 0; i < 60; i++) fake.addUser({ id: userId(i), userPrincipalName: `user${i}@contoso.example`, displayName: `Renamed ${i}` });
  for (let g = 0; g < 20; g++) fake.addMember(groupId(g), { type: 'user', id: userId(USERS - 1 - g) });
  for (let i = 0; i < 20; i++) fake.removeUser(userId(1000 + i));
}

if (process.send) {
  // a CA of this process's own, which the server it is started beside trusts through NODE_EXTRA_CA_CERTS
  const tls = testTls();
  const entra = await startFakeEntra({ tls });
  const fake = await startFakeGraph(entra, { tls, pageSize: 999 });
  populate(fake);
  const ready: FakeGraphProcess = {
    authorityHost: entra.origin,
    origin: fake.origin,
    caFile: fake.caFile,
    entraTenantId: entra.tenantId,
    clientId: entra.clientId,
    clientSecret: entra.app.clientSecret,
  };
  process.send(ready);
  process.on('message', (request: Request) => {
    if (request === 'changes') hundredChanges(fake);
    const { user, system } = process.cpuUsage();
    process.send!({ cpuUs: user + system, lastAnswerAt: fake.state.lastAnswerAt } satisfies Usage);
  });
  process.on('disconnect', () => void Promise.all([fake.close(), entra.close()]).then(() => process.exit(0)));
}
