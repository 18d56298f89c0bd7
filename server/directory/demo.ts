import { createHash } from 'node:crypto';
import { directoryImportSchema, type DirectoryImportInput, type ImportCounts } from '../../shared/directory';
import type { Platform } from '../../shared/schemas';
import type { Database } from '../db/client';
import { importDirectory } from './import';

/**
 * A small sample organisation to try Herald with, fixed so that importing it again changes nothing:
 * nested groups with a cycle, devices of every platform, one of each skip reason and an Android app too
 * old for custom notifications, all with push tokens the push-service simulator accepts.
 */

const people = [
  ['ann', 'Ann Archer'],
  ['ben', 'Ben Baker'],
  ['chloe', 'Chloé Dubois'],
  ['dev', 'Dev Patel'],
  ['emma', 'Emma Evans'],
  ['farid', 'Farid Haddad'],
  ['grace', 'Grace Green'],
  ['hugo', 'Hugo Müller'],
  ['isla', 'Isla Irving'],
  ['jon', 'Jon James'],
  ['kai', 'Kai Kowalski'],
  ['lea', 'Léa Martin'],
  ['mo', 'Mo Mahmoud'],
  ['nina', 'Nina Novak'],
  ['omar', 'Omar Ortiz'],
  ['priya', 'Priya Pillai'],
  ['quinn', 'Quinn Quayle'],
  ['rosa', 'Rosa Rossi'],
  ['sam', 'Sam Smith'],
  ['tom', 'Tom Turner'],
] as const;

/** Preferred languages of a few people: a French translation reaches Chloé exactly and Léa (fr-CA) by its primary language. */
const LANGUAGES: Partial<Record<(typeof people)[number][0], string>> = { chloe: 'fr-FR', lea: 'fr-CA', hugo: 'de-DE', omar: 'es-ES' };

const userId = (handle: string) => `demo-user-${handle}`;
const groupId = (slug: string) => `demo-group-${slug}`;

/** A token of the service's shape, the same for a device every time. */
function pushToken(deviceId: string, service: 'apns' | 'fcm'): string {
  const hex = createHash('sha256').update(deviceId).digest('hex');
  return service === 'apns' ? hex : `demo-fcm:${hex}`;
}

interface DemoDevice {
  id: string;
  name: string;
  platform: Platform;
  owner: string;
  /** What makes this device worth trying; null for an ordinary one. */
  note?: string;
  unenrolled?: boolean;
  notificationsOff?: boolean;
  noToken?: boolean;
  appVersion?: string;
}

const DEVICES: DemoDevice[] = [
  ...people.map(([handle, name], i): DemoDevice => {
    const platform: Platform = i % 3 === 0 ? 'android' : i % 5 === 1 ? 'ipados' : 'ios';
    const kind = platform === 'android' ? 'Pixel' : platform === 'ipados' ? 'iPad' : 'iPhone';
    return { id: `demo-device-${handle}`, name: `${name.split(' ')[0]}'s ${kind}`, platform, owner: handle };
  }),
  { id: 'demo-device-ann-mac', name: "Ann's MacBook", platform: 'macos', owner: 'ann', note: 'macOS: skipped as unsupportedPlatform' },
  { id: 'demo-device-ben-pc', name: "Ben's Surface", platform: 'windows', owner: 'ben', note: 'Windows: skipped as unsupportedPlatform' },
  {
    id: 'demo-device-dev-old',
    name: "Dev's old iPhone",
    platform: 'ios',
    owner: 'dev',
    unenrolled: true,
    note: 'retired: skipped as notEnrolled',
  },
  {
    id: 'demo-device-emma-quiet',
    name: "Emma's work iPhone",
    platform: 'ios',
    owner: 'emma',
    notificationsOff: true,
    note: 'notifications turned off: skipped as notificationsNotPermitted',
  },
  {
    id: 'demo-device-farid-new',
    name: "Farid's new Pixel",
    platform: 'android',
    owner: 'farid',
    noToken: true,
    note: 'app not opened yet: skipped as noPushToken',
  },
  {
    id: 'demo-device-hugo-legacy',
    name: "Hugo's Galaxy",
    platform: 'android',
    owner: 'hugo',
    appVersion: '5.0.5000.0',
    note: 'Company Portal too old: asked to update, the message waits in its inbox',
  },
];

const GROUPS: { slug: string; name: string; users: string[]; groups: string[] }[] = [
  { slug: 'all', name: 'All staff (demo)', users: [], groups: ['leeds', 'london'] },
  { slug: 'leeds', name: 'Leeds office (demo)', users: ['ann', 'ben', 'chloe', 'dev', 'emma', 'farid', 'grace'], groups: ['leeds-it'] },
  // Leeds IT and Leeds office contain each other: expansion reaches each user once
  { slug: 'leeds-it', name: 'Leeds IT (demo)', users: ['hugo', 'isla'], groups: ['leeds'] },
  {
    slug: 'london',
    name: 'London office (demo)',
    users: ['jon', 'kai', 'lea', 'mo', 'nina', 'omar', 'priya', 'quinn', 'rosa', 'sam', 'tom'],
    groups: [],
  },
];

/** The sample organisation as the body of `POST /v1/directory/import`. */
export function demoDirectory(): DirectoryImportInput {
  return {
    users: people.map(([handle, displayName]) => ({
      id: userId(handle),
      upn: `${handle}@demo.herald.example`,
      displayName,
      preferredLanguage: LANGUAGES[handle] ?? null,
    })),
    devices: DEVICES.map((d) => {
      const service = d.platform === 'android' ? 'fcm' : 'apns';
      return {
        id: d.id,
        name: d.name,
        platform: d.platform,
        enrolledByUserId: userId(d.owner),
        managementState: d.unenrolled ? 'unenrolled' : 'enrolled',
        app: 'companyPortal',
        appVersion: d.appVersion ?? (d.platform === 'android' ? '5.0.6198.0' : '5.2404.0'),
        push: d.noToken ? null : { service, token: pushToken(d.id, service) },
        notificationsPermitted: !d.notificationsOff,
        serialNumber: `DEMO${createHash('sha256').update(d.id).digest('hex').slice(0, 8).toUpperCase()}`,
      };
    }),
    groups: GROUPS.map((g) => ({
      id: groupId(g.slug),
      displayName: g.name,
      members: [
        ...g.users.map((u) => ({ type: 'user' as const, id: userId(u) })),
        ...g.groups.map((s) => ({ type: 'group' as const, id: groupId(s) })),
      ],
    })),
  };
}

/** What to try first, for the command's closing lines. */
export const demoHighlights = {
  groups: GROUPS.map((g) => ({ id: groupId(g.slug), name: g.name })),
  device: { id: DEVICES[0]!.id, name: DEVICES[0]!.name },
  special: DEVICES.filter((d) => d.note).map((d) => ({ id: d.id, name: d.name, note: d.note! })),
  /** Where a send with a French (fr-FR) translation shows each way a device's language is matched. */
  languages: {
    groupId: groupId('all'),
    people: people.filter(([handle]) => LANGUAGES[handle]).map(([handle, name]) => ({ name, language: LANGUAGES[handle]! })),
  },
};

/** Imports (or re-imports, changing nothing) the sample organisation into a tenant. */
export function importDemo(database: Database, tenantId: string, now: number): Promise<ImportCounts> {
  return importDirectory(database, { tenantId, actorAccountId: null, input: directoryImportSchema.parse(demoDirectory()), now });
}
