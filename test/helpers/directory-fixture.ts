/**
 * A big synthetic directory for benches and tests: users, devices with a realistic mix of platforms,
 * states and tokens, and nested groups with cycles. Deterministic for a given seed.
 *
 * Groups: `targetGroups` top-level groups, each the root of a tree `nestingDepth` levels deep (every group
 * of a level holds every group of the next; the deepest holds its root again, a cycle; level 3 of each
 * tree also holds level 2 of the next tree, so trees overlap). Every user is a member of one tree group,
 * so the targets together reach every user. The other groups hold a second membership of each user,
 * a few direct device members, one another (cycles included) and sometimes a target root.
 */
import type { DirectoryImport, MemberType } from '../../shared/directory';
import type { Platform } from '../../shared/schemas';

export interface DirectorySize {
  users: number;
  devices: number;
  groups: number;
  /** Levels of groups below each target group (default 6). */
  nestingDepth?: number;
  /** Top-level target groups (default 25). */
  targetGroups?: number;
  seed?: number;
}

export interface GeneratedDirectory {
  input: DirectoryImport;
  /** The top-level groups, each nested `nestingDepth` deep; together they reach every user. */
  targetGroupIds: string[];
}

/** GUID-shaped ids, like Entra's, so index sizes are realistic. */
const guid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const userId = (n: number) => guid(0xa, n);
export const deviceId = (n: number) => guid(0xd, n);
export const groupId = (n: number) => guid(0x6, n);

/** mulberry32: a small seeded PRNG. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const platformMix: [Platform, number][] = [
  ['ios', 0.45],
  ['ipados', 0.1],
  ['android', 0.35],
  ['macos', 0.06],
  ['windows', 0.04],
];

function pick<T>(rand: () => number, mix: [T, number][]): T {
  let r = rand();
  for (const [value, share] of mix) {
    if ((r -= share) < 0) return value;
  }
  return mix[mix.length - 1]![0];
}

export function generateDirectory(size: DirectorySize): GeneratedDirectory {
  const { users: userCount, devices: deviceCount, groups: groupCount, nestingDepth = 6, targetGroups = 25, seed = 1 } = size;
  const rand = random(seed);
  const int = (n: number) => Math.floor(rand() * n);

  const users = Array.from({ length: userCount }, (_, i) => ({
    id: userId(i),
    upn: `user${i}@contoso.example`,
    displayName: `User ${i}`,
    preferredLanguage: null,
  }));

  const devices = Array.from({ length: deviceCount }, (_, i): DirectoryImport['devices'][number] => {
    const platform = pick(rand, platformMix);
    const mobile = platform !== 'macos' && platform !== 'windows';
    const service = platform === 'android' ? 'fcm' : 'apns';
    return {
      id: deviceId(i),
      name: `${platform}-${i}`,
      platform,
      enrolledByUserId: rand() < 0.02 ? null : userId(int(userCount)),
      managementState: rand() < 0.03 ? 'unenrolled' : 'enrolled',
      app: mobile ? (platform === 'android' && rand() < 0.3 ? 'intuneApp' : 'companyPortal') : null,
      appVersion: mobile ? `5.${int(10)}.${int(100)}` : null,
      push: mobile && rand() >= 0.04 ? { service, token: `${service}-token-${i}-${int(1e9).toString(36)}` } : null,
      notificationsPermitted: rand() >= 0.08,
      serialNumber: rand() < 0.9 ? `SN${(100000000 + i).toString(36).toUpperCase()}` : null,
    };
  });

  const width = groupCount >= targetGroups * (1 + nestingDepth * 2) * 2 ? 2 : 1;
  const perTree = 1 + nestingDepth * width;
  const treeCount = targetGroups * perTree;
  if (groupCount < treeCount)
    throw new Error(`generateDirectory needs at least ${treeCount} groups for ${targetGroups} targets ${nestingDepth} deep.`);
  /** Group number of tree `t`, level `level` (0 is the root), position `j`. */
  const treeGroup = (t: number, level: number, j = 0) => t * perTree + (level === 0 ? 0 : 1 + (level - 1) * width + j);

  const members: { type: MemberType; id: string }[][] = Array.from({ length: groupCount }, () => []);
  const nest = (parent: number, child: number) => members[parent]!.push({ type: 'group', id: groupId(child) });
  for (let t = 0; t < targetGroups; t++) {
    for (let level = 0; level < nestingDepth; level++) {
      for (let j = 0; j < (level === 0 ? 1 : width); j++)
        for (let k = 0; k < width; k++) nest(treeGroup(t, level, j), treeGroup(t, level + 1, k));
    }
    nest(treeGroup(t, nestingDepth), treeGroup(t, 0));
    if (nestingDepth >= 3 && targetGroups > 1) nest(treeGroup(t, 3), treeGroup((t + 1) % targetGroups, 2));
  }
  const otherCount = groupCount - treeCount;
  for (let g = treeCount; g < groupCount; g++) {
    if (otherCount > 1) nest(g, treeCount + int(otherCount));
    if (rand() < 0.05) nest(g, treeGroup(int(targetGroups), 0));
    for (let k = 0; k < 3 && deviceCount > 0; k++) members[g]!.push({ type: 'device', id: deviceId(int(deviceCount)) });
  }
  for (let i = 0; i < userCount; i++) {
    members[i % treeCount]!.push({ type: 'user', id: userId(i) });
    if (otherCount > 0) members[treeCount + int(otherCount)]!.push({ type: 'user', id: userId(i) });
  }

  const groups = members.map((list, g) => ({ id: groupId(g), displayName: `Group ${g}`, members: dedupe(list) }));
  return {
    input: { users, groups, devices },
    targetGroupIds: Array.from({ length: targetGroups }, (_, t) => groupId(treeGroup(t, 0))),
  };
}

function dedupe<T extends { type: string; id: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((m) => !seen.has(m.type + m.id) && seen.add(m.type + m.id));
}

/**
 * The directory as several import bodies of at most `maxObjects` users or devices each, in an order
 * whose references always resolve: users, then devices, then every group in the last body.
 */
export function importBatches(input: DirectoryImport, maxObjects: number): Partial<DirectoryImport>[] {
  const chunks = <T>(list: T[]) =>
    Array.from({ length: Math.ceil(list.length / maxObjects) }, (_, i) => list.slice(i * maxObjects, (i + 1) * maxObjects));
  return [
    ...chunks(input.users).map((users) => ({ users })),
    ...chunks(input.devices).map((devices) => ({ devices })),
    { groups: input.groups },
  ];
}
