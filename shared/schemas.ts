import { z } from 'zod';
import { checkText, normalizeText, type TextField } from './text';

/** `?limit=` of every paginated list: 1 to 200 items, 50 unless asked. */
export const MAX_PAGE_SIZE = 200;
export const pageLimit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50);

/** Directory ids: Entra/Intune GUIDs or any string up to 128 characters. */
export const objectId = z.string().min(1).max(128);

const messageText = (field: TextField) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const check = checkText(field, value);
      if (check.problem) ctx.addIssue({ code: 'custom', message: check.problem, params: { count: check.count, limit: check.limit } });
    })
    .transform(normalizeText);

export const titleSchema = messageText('title');
export const bodySchema = messageText('body');

export const MAX_TARGET_GROUPS = 25;

const groupIds = z
  .array(objectId)
  .min(1, 'groupIds needs at least one group.')
  .transform((ids) => [...new Set(ids)])
  .refine((ids) => ids.length <= MAX_TARGET_GROUPS, {
    message: `names more than ${MAX_TARGET_GROUPS} distinct groups.`,
  });

const targets = { groupIds: groupIds.optional(), deviceId: objectId.optional() };

function exactlyOneTarget(send: { groupIds?: string[]; deviceId?: string }, ctx: z.RefinementCtx) {
  if ((send.groupIds === undefined) === (send.deviceId === undefined))
    ctx.addIssue({ code: 'custom', message: 'Give exactly one target: groupIds or deviceId.', path: ['groupIds'] });
}

/** A send: a title, a body and exactly one target, groups or one device. */
export const sendSchema = z.object({ title: titleSchema, body: bodySchema, ...targets }).strict().superRefine(exactlyOneTarget);

/** A preview takes the same body; the text may still be unfinished. */
export const previewSchema = z
  .object({ title: titleSchema.optional(), body: bodySchema.optional(), ...targets })
  .strict()
  .superRefine(exactlyOneTarget);

export type SendInput = z.input<typeof sendSchema>;
export type Send = z.output<typeof sendSchema>;

/** `other`: an Intune operating system Herald cannot push to (Linux, ChromeOS...), skipped as unsupportedPlatform. */
export const platforms = ['ios', 'ipados', 'android', 'macos', 'windows', 'other'] as const;
/** Platforms a custom notification cannot reach. */
export const unsupportedPlatforms: readonly Platform[] = ['macos', 'windows', 'other'];
export type Platform = (typeof platforms)[number];
export const skipReasons = ['unsupportedPlatform', 'notEnrolled', 'notificationsNotPermitted', 'noPushToken'] as const;
export type SkipReason = (typeof skipReasons)[number];
export const deliveryStatuses = ['queued', 'sent', 'delivered', 'opened', 'failed', 'skipped', 'expired'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** The audience summary of a send or a preview. */
export interface AudienceSummary {
  users: number;
  devices: number;
  skipped: Partial<Record<SkipReason, number>>;
}

/** Where a send goes. */
export type Target = { type: 'groups'; groupIds: string[] } | { type: 'device'; deviceId: string };

/** The 202 answer of `POST /v1/notifications`. */
export interface Accepted {
  id: string;
  status: 'queued';
  target: Target;
  audience: AudienceSummary;
}

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

/** Tenant settings an admin may change (PATCH /v1/tenant/settings). */
export const tenantSettingsSchema = z
  .object({
    groupSendsPerHour: z.number().int().min(1).max(10_000),
    deviceSendsPerHour: z.number().int().min(1).max(10_000),
    retainMessageTextDays: z.number().int().min(1).max(3650),
    pushTtlHours: z.number().int().min(1).max(24 * 28),
    contentFreePush: z.boolean(),
    /** Minutes between automatic syncs from Microsoft Entra ID and Intune; 0 turns them off. */
    directorySyncMinutes: z.number().int().min(0).max(7 * 24 * 60),
  })
  .strict();

export type TenantSettings = z.output<typeof tenantSettingsSchema>;
export const tenantSettingsPatchSchema = tenantSettingsSchema.partial();

/** Microsoft Graph's `sendCustomNotificationToCompanyPortal` bodies, mapped onto a Herald send. */
export const graphGroupSendSchema = z
  .object({ notificationTitle: titleSchema, notificationBody: bodySchema, groupsToNotify: groupIds })
  .transform((g) => ({ title: g.notificationTitle, body: g.notificationBody, groupIds: g.groupsToNotify }));

export const graphDeviceSendSchema = z
  .object({ notificationTitle: titleSchema, notificationBody: bodySchema })
  .transform((g) => ({ title: g.notificationTitle, body: g.notificationBody }));
