import type { z } from 'zod';
import type { directoryDeviceViewSchema, directoryGroupViewSchema } from '../../shared/directory';
import type { directoryStatusSchema, directorySyncStartedSchema, directorySyncViewSchema } from '../../shared/directory-sync';
import type { entraSignInSchema } from '../../shared/entra';
import type { meSchema } from '../../shared/rbac';
import type {
  acceptedSchema,
  deliveryCountsSchema,
  deliveryViewSchema,
  LanguageCounts,
  notificationViewSchema,
  previewResultSchema,
  quotasSchema,
  sendAnswerSchema,
  targetSchema,
} from '../../shared/schemas';
import type { templateCreateSchema, templatePatchSchema, templateSchema } from '../../shared/templates';

/**
 * The shapes of Herald's HTTP API that the extension reads, from the zod schemas the server's API description
 * declares its answers with (and its tests check every answer against), so they cannot drift apart.
 */
export type Device = z.output<typeof directoryDeviceViewSchema>;
export type Group = z.output<typeof directoryGroupViewSchema>;
export type Me = z.output<typeof meSchema>;
/** `GET /v1/auth/entra`: how a tenant signs in with Microsoft. */
export type EntraSignIn = z.output<typeof entraSignInSchema>;
export type Accepted = z.output<typeof acceptedSchema>;
/** A send's 202: queued now, or scheduled (`status`). */
export type SendAnswer = z.output<typeof sendAnswerSchema>;
export type Target = z.output<typeof targetSchema>;
export type LanguageCount = LanguageCounts[number];
export type Preview = z.output<typeof previewResultSchema>;
export type Quotas = z.output<typeof quotasSchema>;
export type Counts = z.output<typeof deliveryCountsSchema>;
export type NotificationItem = z.output<typeof notificationViewSchema>;
export type Template = z.output<typeof templateSchema>;
export type TemplateInput = z.input<typeof templateCreateSchema>;
export type TemplateChange = z.input<typeof templatePatchSchema>;
/** One row of `GET /v1/notifications/{id}/deliveries`. */
export type Delivery = z.output<typeof deliveryViewSchema>;
export type { DeliveryReasons } from '../../shared/reasons';
export type DirectoryStatus = z.output<typeof directoryStatusSchema>;
export type DirectorySync = z.output<typeof directorySyncViewSchema>;
export type SyncStarted = z.output<typeof directorySyncStartedSchema>;
/** A page of a keyset-paginated list (what `pageOf(item)` answers). */
export type { Page } from '../../shared/directory';
