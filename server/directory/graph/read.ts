import type { MemberType } from '../../../shared/directory';
import { languageTag } from '../../../shared/message';
import type { Platform } from '../../../shared/schemas';
import { DeltaExpired, type graphClient } from './client';

export const USERS_DELTA = '/v1.0/users/delta?$select=id,userPrincipalName,displayName,mail,accountEnabled,preferredLanguage';
export const GROUPS_DELTA = '/v1.0/groups/delta?$select=id,displayName,members';
export const MANAGED_DEVICES =
  '/v1.0/deviceManagement/managedDevices?$select=id,deviceName,operatingSystem,osVersion,userId,managementState,serialNumber,azureADDeviceId,lastSyncDateTime';

/** A user as a delta round left it: a property Graph did not send is null and keeps its stored value. */
export interface UserChange {
  id: string;
  upn: string | null;
  displayName: string | null;
  /** Canonical BCP 47; null when Graph sent none (or one that is no language tag); undefined when Graph left it out. */
  preferredLanguage?: string | null;
}

export interface Member {
  type: MemberType;
  id: string;
}

/** A group as a delta round left it: its members added and removed, merged over every entry of the group in the round. */
export interface GroupChange {
  id: string;
  displayName: string | null;
  added: Map<string, Member>;
  removed: Map<string, Member>;
}

export interface DeviceRow {
  id: string;
  name: string;
  platform: Platform;
  /** Intune's userId; kept only when Herald has that user. */
  userId: string | null;
  managementState: 'enrolled' | 'unenrolled';
  serialNumber: string | null;
}

/** Objects of one delta resource. `full`: the round listed every object, so a synced one absent from it is gone. */
export interface DeltaChanges<T> {
  full: boolean;
  upserts: Map<string, T>;
  removed: Set<string>;
  deltaLink: string;
}

export interface DirectoryChanges {
  users: DeltaChanges<UserChange>;
  groups: DeltaChanges<GroupChange>;
  /** Every managed device (Graph has no delta for them). */
  devices: ListedDevices;
}

/** Managed devices as Graph listed them: their ids, and their rows as `deviceJson` writes them, index for index. */
export interface ListedDevices {
  ids: string[];
  rows: string[];
}

type GraphObject = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const isRemoved = (o: GraphObject) => o['@removed'] !== undefined;

const memberTypes: Record<string, MemberType> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  // Entra device objects: kept as device members, never targeted
  '#microsoft.graph.device': 'device',
};

/** Intune's operatingSystem as a Herald platform; anything unknown is `other` (skipped as unsupportedPlatform). */
export function platformOf(operatingSystem: unknown): Platform {
  const os = typeof operatingSystem === 'string' ? operatingSystem.trim().toLowerCase() : '';
  if (os === 'ios') return 'ios';
  if (os === 'ipados') return 'ipados';
  if (os.startsWith('android')) return 'android';
  if (os === 'macos') return 'macos';
  if (os === 'windows') return 'windows';
  return 'other';
}

export function deviceRow(o: GraphObject): DeviceRow | null {
  const id = str(o.id);
  if (!id) return null;
  return {
    id,
    name: str(o.deviceName) ?? id,
    platform: platformOf(o.operatingSystem),
    userId: str(o.userId),
    managementState: o.managementState === 'managed' ? 'enrolled' : 'unenrolled',
    serialNumber: str(o.serialNumber),
  };
}

/**
 * A device row as JSON text, `[id, name, platform, userId, managementState, serialNumber]`: what a sync keeps of each
 * listed device (one string, not an object and its strings, for 100,000 devices), compares with the stored devices
 * and hands the statements that write them.
 */
export const deviceJson = (d: DeviceRow): string => JSON.stringify([d.id, d.name, d.platform, d.userId, d.managementState, d.serialNumber]);

/** Notes a delta entry's `@removed` (the last word on an object in a round wins); the id of an entry still present, else null. */
function present(into: DeltaChanges<unknown>, o: GraphObject): string | null {
  const id = str(o.id);
  if (!id) return null;
  if (isRemoved(o)) {
    into.upserts.delete(id);
    into.removed.add(id);
    return null;
  }
  into.removed.delete(id);
  return id;
}

/** Entra's preferredLanguage (`en-US`, free text in practice) canonicalised, or null when it is no BCP 47 tag. */
function languageOf(value: unknown): string | null {
  const parsed = languageTag.safeParse(str(value));
  return parsed.success ? parsed.data : null;
}

/** Folds one page of users/delta into `into`: a later entry of a user updates the earlier one's properties. */
function foldUsers(into: DeltaChanges<UserChange>, page: GraphObject[]) {
  for (const o of page) {
    const id = present(into, o);
    if (!id) continue;
    const before = into.upserts.get(id);
    into.upserts.set(id, {
      id,
      upn: 'userPrincipalName' in o ? str(o.userPrincipalName) : (before?.upn ?? null),
      displayName: 'displayName' in o ? str(o.displayName) : (before?.displayName ?? null),
      preferredLanguage: 'preferredLanguage' in o ? languageOf(o.preferredLanguage) : before?.preferredLanguage,
    });
  }
}

/**
 * Folds one page of groups/delta into `into`. One group may come several times in a round, its
 * `members@delta` split across the entries: they are merged, a later entry never replaces an earlier one.
 */
function foldGroups(into: DeltaChanges<GroupChange>, page: GraphObject[]) {
  for (const o of page) {
    const id = present(into, o);
    if (!id) continue;
    let group = into.upserts.get(id);
    if (!group) into.upserts.set(id, (group = { id, displayName: null, added: new Map(), removed: new Map() }));
    if ('displayName' in o) group.displayName = str(o.displayName);
    const members = o['members@delta'];
    if (!Array.isArray(members)) continue;
    for (const m of members as GraphObject[]) {
      const type = memberTypes[String(m['@odata.type'])];
      const memberId = str(m.id);
      if (!type || !memberId) continue;
      const key = `${type}:${memberId}`;
      const member = { type, id: memberId };
      if (isRemoved(m)) {
        group.added.delete(key);
        group.removed.set(key, member);
      } else {
        group.removed.delete(key);
        group.added.set(key, member);
      }
    }
  }
}

type Client = ReturnType<typeof graphClient>;

/** A delta round from `deltaLink` (or a full one without it); an expired link falls back to a full round. */
async function readDelta<T>(
  client: Client,
  path: string,
  deltaLink: string | null,
  fold: (into: DeltaChanges<T>, page: GraphObject[]) => void,
): Promise<DeltaChanges<T>> {
  const round = async (startAt: string | null): Promise<DeltaChanges<T>> => {
    const into: DeltaChanges<T> = { full: startAt === null, upserts: new Map(), removed: new Set(), deltaLink: '' };
    const link = await client.readAll(path, (page) => fold(into, page), startAt ?? undefined);
    if (!link) throw new Error(`${path.split('?')[0]} ended without @odata.deltaLink`);
    into.deltaLink = link;
    return into;
  };
  if (deltaLink === null) return round(null);
  try {
    return await round(deltaLink);
  } catch (error) {
    if (error instanceof DeltaExpired) return round(null);
    throw error;
  }
}

/** Reads what changed in the tenant: users and groups from their delta links (null: a full round), every managed device. */
export async function readDirectory(client: Client, links: { users: string | null; groups: string | null }): Promise<DirectoryChanges> {
  const users = await readDelta(client, USERS_DELTA, links.users, foldUsers);
  const groups = await readDelta(client, GROUPS_DELTA, links.groups, foldGroups);
  const devices: ListedDevices = { ids: [], rows: [] };
  await client.readAll(MANAGED_DEVICES, (page) => {
    for (const o of page) {
      const row = deviceRow(o);
      if (!row) continue;
      devices.ids.push(row.id);
      devices.rows.push(deviceJson(row));
    }
  });
  return { users, groups, devices };
}
