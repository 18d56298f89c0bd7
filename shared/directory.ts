import { z } from 'zod';
import { languageTag, objectId, pageLimit, platforms, searchText } from './schemas';

/** Free text from the source directory (names, UPNs, versions). */
const label = z.string().min(1).max(256);

/**
 * `preferredLanguage` (BCP 47, stored canonical: `fr-fr` becomes `fr-FR`) picks the translation the user's devices get;
 * like a device's optional fields, leaving it out of an import clears it.
 */
export const directoryUserSchema = z
  .object({ id: objectId, upn: label, displayName: label, preferredLanguage: languageTag.nullable().default(null) })
  .strict();

export const memberTypes = ['user', 'device', 'group'] as const;
export type MemberType = (typeof memberTypes)[number];

export const groupMemberSchema = z.object({ type: z.enum(memberTypes), id: objectId }).strict();

/** A group; given `members` (even empty) replace the stored list, omitted ones leave it as it is. */
export const directoryGroupSchema = z.object({ id: objectId, displayName: label, members: z.array(groupMemberSchema).optional() }).strict();

export const pushServices = ['apns', 'fcm'] as const;
export const managementStates = ['enrolled', 'unenrolled'] as const;
export const deviceApps = ['companyPortal', 'intuneApp'] as const;
export type PushService = (typeof pushServices)[number];
export type DeviceApp = (typeof deviceApps)[number];

export const directoryDeviceSchema = z
  .object({
    id: objectId,
    name: label,
    platform: z.enum(platforms),
    enrolledByUserId: objectId.nullable().default(null),
    managementState: z.enum(managementStates),
    app: z.enum(deviceApps).nullable().default(null),
    appVersion: label.nullable().default(null),
    push: z
      .object({ service: z.enum(pushServices), token: z.string().min(1).max(4096) })
      .strict()
      .nullable()
      .default(null),
    notificationsPermitted: z.boolean().default(true),
    serialNumber: label.nullable().default(null),
  })
  .strict();

/** `POST /v1/directory/import`: objects are upserted by id; every list is optional. */
export const directoryImportSchema = z
  .object({
    users: z.array(directoryUserSchema).default([]),
    groups: z.array(directoryGroupSchema).default([]),
    devices: z.array(directoryDeviceSchema).default([]),
  })
  .strict();

export type DirectoryImportInput = z.input<typeof directoryImportSchema>;
export type DirectoryImport = z.output<typeof directoryImportSchema>;
export type DirectoryDeviceInput = z.input<typeof directoryDeviceSchema>;

/** The answer of `POST /v1/directory/import`: how many of each were upserted. */
export const importCountsSchema = z.strictObject({ users: z.number().int(), groups: z.number().int(), devices: z.number().int() });
export type ImportCounts = z.output<typeof importCountsSchema>;

/** `GET /v1/users|groups|devices`: contains-search (so also prefix) and keyset pagination. */
export const directoryListQuerySchema = z
  .object({
    search: searchText.optional(),
    limit: pageLimit,
    cursor: z.string().min(1).max(1024).optional(),
  })
  .strict();

export type DirectoryListQuery = z.output<typeof directoryListQuerySchema>;

/** Items as the API returns them. */
export const directoryUserViewSchema = z.strictObject({
  id: z.string(),
  upn: z.string(),
  displayName: z.string(),
  preferredLanguage: z.string().nullable(),
});
export type DirectoryUser = z.output<typeof directoryUserViewSchema>;

export const directoryGroupViewSchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  memberCounts: z.strictObject({ users: z.number().int(), devices: z.number().int(), groups: z.number().int() }),
});
export type DirectoryGroup = z.output<typeof directoryGroupViewSchema>;

export const directoryDeviceViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  platform: z.enum(platforms),
  enrolledByUserId: z.string().nullable(),
  user: directoryUserViewSchema.nullable(),
  managementState: z.enum(managementStates),
  app: z.enum(deviceApps).nullable(),
  appVersion: z.string().nullable(),
  /** `hasToken` is false when there is no token or a provider reported it invalid; the token is never returned. */
  push: z.strictObject({ service: z.enum(pushServices), hasToken: z.boolean() }).nullable(),
  notificationsPermitted: z.boolean(),
  serialNumber: z.string().nullable(),
});
export type DirectoryDevice = z.output<typeof directoryDeviceViewSchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
