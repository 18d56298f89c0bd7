import { z } from 'zod';
import { MAX_TARGET_DEVICES, MAX_TARGET_GROUPS } from './targets';
import { checkMessageSize, type PushOptions } from './push-payload';
import { checkText, normalizeText, type TextField } from './text';
import { MAX_TRANSLATIONS } from './send-rules';
import { urgencySchema } from './urgency';

/** `?limit=` of every paginated list: 1 to 200 items, 50 unless asked. */
export const MAX_PAGE_SIZE = 200;
export const pageLimit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50);

/** C0 controls, DEL and C1 controls. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Refuses control characters: the database keeps an id with a NUL whole but hands it back cut at the NUL
 * (so two ids would answer as one), and a search for a NUL matches every row.
 */
const withoutControlCharacters = (text: z.ZodString) =>
  text.superRefine((value, ctx) => {
    const found = CONTROL_CHARACTER.exec(value);
    if (found)
      ctx.addIssue({
        code: 'custom',
        message: `must not contain control characters; found U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${found.index + 1}.`,
      });
  });

/** Ids of every kind (directory objects, roles, assignments, accounts, tokens, notifications): Entra/Intune GUIDs or any string up to 128 characters. */
export const objectId = withoutControlCharacters(z.string().min(1).max(128));

/** `?search=` text: trimmed, 1-256 characters. */
export const searchText = withoutControlCharacters(z.string().trim().min(1).max(256));

/** A path whose one parameter is `{id}`. */
export const idParam = z.object({ id: objectId });

const messageText = (field: TextField) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const check = checkText(field, value);
      if (check.problem)
        ctx.addIssue({
          code: 'custom',
          message: check.problem,
          params: { count: check.count, limit: check.limit, ...(check.tooLarge ? TOO_LARGE : {}) },
        });
    })
    .transform(normalizeText);

/** The error code an issue asks the server to answer with (see parseOr400); other issues are `invalidRequest`. */
const TOO_LARGE = { errorCode: 'messageTooLarge' } as const;

/** Checks on the whole message run only once its fields passed theirs, so they measure normalised text of bounded size. */
const fieldsPassed = { when: (payload: { issues: unknown[] }) => payload.issues.length === 0 };

/** Refuses a title and body whose push (shown so: urgency, acknowledgement) would be larger than Apple and Google accept (`at`: the text's place in the body). */
function fitsPushOne(text: { title?: string; body?: string } & PushOptions, ctx: z.RefinementCtx, at: string[] = []) {
  if (text.title === undefined && text.body === undefined) return;
  const size = checkMessageSize(text.title ?? '', text.body ?? '', text);
  if (size.problem)
    ctx.addIssue({
      code: 'custom',
      message: size.problem,
      path: [...at, 'body'],
      params: { bytes: size.bytes, limit: size.limit, ...TOO_LARGE },
    });
}

/** The default text and every translation each make one push: each must fit (the error names the language). */
function fitsPush(text: { title?: string; body?: string; translations?: Translations } & PushOptions, ctx: z.RefinementCtx) {
  fitsPushOne(text, ctx);
  for (const [tag, translation] of Object.entries(text.translations ?? {}))
    fitsPushOne({ ...translation, urgency: text.urgency, requireAcknowledgement: text.requireAcknowledgement }, ctx, ['translations', tag]);
}

export const titleSchema = messageText('title');
export const bodySchema = messageText('body');

export { MAX_TRANSLATIONS } from './send-rules';

/** A BCP 47 language tag in its canonical form (`fr-fr` becomes `fr-FR`); anything Intl cannot read is refused. */
export const languageTag = z
  .string()
  .min(2)
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      /* refused below */
    }
    ctx.addIssue({ code: 'custom', message: `'${tag}' is not a BCP 47 language tag (e.g. fr-FR).` });
    return z.NEVER;
  });

/** A message in one more language; each is held to the same limits as the default text. */
export const translationSchema = z.object({ title: titleSchema, body: bodySchema }).strict();

/**
 * `{ "<BCP 47 tag>": { title, body } }`: up to 20 languages, errors naming the language (`translations.fr-FR.title`).
 * The number of languages is checked before any text: each title and body costs up to tens of milliseconds to check,
 * so a megabyte of translations would otherwise hold the server for many seconds.
 */
export const translationsSchema = z
  .record(z.string(), z.unknown())
  .superRefine((translations, ctx) => {
    const count = Object.keys(translations).length;
    if (count > MAX_TRANSLATIONS) ctx.addIssue({ code: 'custom', message: `has ${count} languages; the limit is ${MAX_TRANSLATIONS}.` });
  })
  .pipe(z.record(z.string(), translationSchema))
  .superRefine((translations, ctx) => {
    const tags = Object.keys(translations);
    const seen = new Map<string, string>();
    for (const tag of tags) {
      const parsed = languageTag.safeParse(tag);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', path: [tag], message: parsed.error.issues[0]!.message });
        continue;
      }
      const twin = seen.get(parsed.data);
      if (twin !== undefined) ctx.addIssue({ code: 'custom', path: [tag], message: `names the same language as '${twin}'.` });
      seen.set(parsed.data, tag);
    }
  })
  .transform((translations) =>
    Object.fromEntries(Object.entries(translations).map(([tag, text]) => [Intl.getCanonicalLocales(tag)[0]!, text])),
  );

export type Translations = z.output<typeof translationsSchema>;

export { MAX_TARGET_DEVICES, MAX_TARGET_GROUPS } from './targets';

/** 1 to `max` ids of `what`s (`groupIds`, `deviceIds`), a duplicate counted once. */
const distinctIds = (what: 'group' | 'device', max: number) =>
  z
    .array(objectId)
    .min(1, `${what}Ids needs at least one ${what}.`)
    .transform((ids) => [...new Set(ids)])
    .refine((ids) => ids.length <= max, { message: `names more than ${max} distinct ${what}s.` });

const groupIds = distinctIds('group', MAX_TARGET_GROUPS);
const deviceIds = distinctIds('device', MAX_TARGET_DEVICES);

const targets = { groupIds: groupIds.optional(), deviceId: objectId.optional(), deviceIds: deviceIds.optional() };

function exactlyOneTarget(send: { groupIds?: string[]; deviceId?: string; deviceIds?: string[] }, ctx: z.RefinementCtx) {
  if ([send.groupIds, send.deviceId, send.deviceIds].filter((t) => t !== undefined).length !== 1)
    ctx.addIssue({ code: 'custom', message: 'Give exactly one target: groupIds, deviceId or deviceIds.', path: ['groupIds'] });
}

/** A send without `templateId` needs its own title and body; with one, what it gives overrides the template's. */
function textOrTemplate(send: { title?: string; body?: string; templateId?: string }, ctx: z.RefinementCtx) {
  if (send.templateId !== undefined) return;
  for (const field of ['title', 'body'] as const)
    if (send[field] === undefined) ctx.addIssue({ code: 'custom', message: `${field} is required (or give templateId).`, path: [field] });
}

/**
 * How a message is shown: its urgency (`high` needs RemoteTasks.SendUrgentNotifications) and whether the device asks
 * for an acknowledgement. Optional in a send, so a template's apply when it gives none; `normal` and false otherwise.
 */
const pushOptions = { urgency: urgencySchema.optional(), requireAcknowledgement: z.boolean().optional() };

const message = { translations: translationsSchema.optional(), templateId: objectId.optional(), ...pushOptions };

export { MAX_SCHEDULE_DAYS, sendAtProblem } from './send-rules';

/**
 * `sendAt`: an RFC 3339 instant with its offset (`Z` or `+01:00`; a local time without one is ambiguous). Whether it
 * lies in the future and within MAX_SCHEDULE_DAYS depends on the clock: see sendAtProblem.
 */
export const sendAtSchema = z.iso.datetime({
  offset: true,
  message: 'must be an RFC 3339 date-time with an offset, e.g. 2026-05-04T15:30:00+01:00.',
});

/**
 * A send: a title, a body (or a template giving them), translations, urgency, acknowledgement, and exactly one
 * target, groups or one device. Its text is checked again once a template's fields are merged in (resolvedMessageSchema).
 */
export const sendSchema = z
  .object({ title: titleSchema.optional(), body: bodySchema.optional(), ...message, ...targets, sendAt: sendAtSchema.optional() })
  .strict()
  .superRefine(exactlyOneTarget)
  .superRefine(textOrTemplate)
  .superRefine(fitsPush, fieldsPassed);

/** A preview takes the same body (a `sendAt` is read but the audience is the one of now); the text may still be unfinished. */
export const previewSchema = z
  .object({ title: titleSchema.optional(), body: bodySchema.optional(), ...message, ...targets, sendAt: sendAtSchema.optional() })
  .strict()
  .superRefine(exactlyOneTarget)
  .superRefine(fitsPush, fieldsPassed);

/** The text a send pushes once its template (if any) is merged in: every variant within the limits. */
export const resolvedMessageSchema = z
  .object({
    title: titleSchema,
    body: bodySchema,
    translations: translationsSchema,
    urgency: urgencySchema.default('normal'),
    requireAcknowledgement: z.boolean().default(false),
  })
  .superRefine(fitsPush, fieldsPassed);
export type ResolvedMessage = z.output<typeof resolvedMessageSchema>;

/** The target of a send or preview, read without the text: its title and body are neither read nor checked. */
export const sendTargetSchema = z.object(targets).superRefine(exactlyOneTarget);

/** The urgency of a send or preview, read without the text (the permission `high` needs is checked before it). */
export const sendUrgencySchema = z.object({ urgency: urgencySchema.default('normal') });

export type SendInput = z.input<typeof sendSchema>;
export type Send = z.output<typeof sendSchema>;

export { platforms, unsupportedPlatforms, type Platform } from './send-rules';
export const skipReasons = ['unsupportedPlatform', 'notEnrolled', 'notificationsNotPermitted', 'noPushToken'] as const;
export type SkipReason = (typeof skipReasons)[number];
export const deliveryStatuses = ['queued', 'sent', 'delivered', 'opened', 'acknowledged', 'failed', 'skipped', 'expired'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** The audience summary of a send or a preview. */
export const audienceSummarySchema = z.strictObject({
  users: z.number().int(),
  devices: z.number().int(),
  skipped: z.partialRecord(z.enum(skipReasons), z.number().int()),
});
export type AudienceSummary = z.output<typeof audienceSummarySchema>;

/** Where a send goes. */
export const targetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('groups'), groupIds: z.array(z.string()) }),
  z.strictObject({ type: z.literal('device'), deviceId: z.string() }),
  /** A bulk device send: the devices it was sent to (in a send's answer and history; a preview names those asked for). */
  z.strictObject({ type: z.literal('devices'), deviceIds: z.array(z.string()) }),
]);
export type Target = z.output<typeof targetSchema>;

/** A device of a bulk send that was not sent to, with the error a single send to it would have given. */
export const refusedDeviceSchema = z.strictObject({ deviceId: z.string(), code: z.string(), message: z.string() });
export type RefusedDevice = z.output<typeof refusedDeviceSchema>;

/**
 * Where a notification is: `scheduled` (waiting for its sendAt), `canceled` (before it fired), `queued` (its audience
 * snapshotted and its deliveries written; each delivery has its own status), `failed` (a scheduled send that could
 * not fire, see `failure`) or `expired` (it would have fired more than the tenant's pushTtlHours late).
 */
export const notificationStatuses = ['scheduled', 'canceled', 'queued', 'failed', 'expired'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/** The 202 answer of `POST /v1/notifications` sent now (and of a reminder); `refused` only for a bulk device send. */
export const acceptedSchema = z.strictObject({
  id: z.string(),
  status: z.literal('queued'),
  target: targetSchema,
  audience: audienceSummarySchema,
  refused: z.array(refusedDeviceSchema).optional(),
});
export type Accepted = z.output<typeof acceptedSchema>;

/**
 * The 202 answer of a send with `sendAt`: no audience, which is expanded when it fires. A bulk send lists the devices
 * it refused now; those that pass are judged again when it fires.
 */
export const scheduledSchema = z.strictObject({
  id: z.string(),
  status: z.literal('scheduled'),
  sendAt: z.iso.datetime(),
  target: targetSchema,
  refused: z.array(refusedDeviceSchema).optional(),
});
export type Scheduled = z.output<typeof scheduledSchema>;

/** The 202 answer of `POST /v1/notifications`: queued now, or scheduled (tell them by `status`). */
export const sendAnswerSchema = z.discriminatedUnion('status', [acceptedSchema, scheduledSchema]);
export type SendAnswer = z.output<typeof sendAnswerSchema>;

/**
 * How many devices get each variant of a message: `language` is the translation's tag as the send gave it, null for
 * the default title and body. Skipped devices are not counted; a language no device gets is left out.
 */
export const languageCountsSchema = z.array(z.strictObject({ language: z.string().nullable(), devices: z.number().int() }));
export type LanguageCounts = z.output<typeof languageCountsSchema>;

/** The answer of `POST /v1/notifications/preview`. */
export const previewResultSchema = z.strictObject({
  target: targetSchema,
  audience: audienceSummarySchema,
  languages: languageCountsSchema,
  /** For deviceIds: the devices a send would refuse (its device quotas aside), as a send lists them. */
  refused: z.array(refusedDeviceSchema).optional(),
});

/** Every error answer: `{"error":{"code","message","details"?}}`. */
export const errorSchema = z.strictObject({
  error: z.strictObject({ code: z.string().min(1), message: z.string().min(1), details: z.unknown().optional() }),
});
export type ApiError = z.output<typeof errorSchema>;

/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
/** A whole list, unpaginated. */
export const listOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/** Timestamps in answers: ISO 8601 in UTC. */
export const timestamp = z.iso.datetime();

export const deliveryCountsSchema = z.strictObject(
  Object.fromEntries(deliveryStatuses.map((s) => [s, z.number().int()])) as Record<DeliveryStatus, z.ZodNumber>,
);
export type Counts = z.output<typeof deliveryCountsSchema>;

/** A sent notification as `GET /v1/notifications[/{id}]` shows it; title and body are null once retention erased them. */
/** Why deliveries failed, expired, were skipped or wait to retry, per status and reason: `{ failed: { malformedToken: 2 } }`. */
export const deliveryReasonsSchema = z.partialRecord(z.enum(deliveryStatuses), z.record(z.string(), z.number().int()));

export const notificationViewSchema = z.strictObject({
  id: z.string(),
  createdAt: timestamp,
  /** The email is null once the sending account is gone. */
  sender: z.strictObject({ accountId: z.string(), email: z.string().nullable() }),
  via: z.enum(['api', 'graph']),
  target: targetSchema,
  title: z.string().nullable(),
  body: z.string().nullable(),
  /** The send's translations (`{}` when it had none); null once retention erased them with the title and body. */
  translations: z.record(z.string(), z.strictObject({ title: z.string(), body: z.string() })).nullable(),
  /** The template the send was made from (it may since have been deleted), or null. */
  templateId: z.string().nullable(),
  titleLength: z.number().int(),
  bodyLength: z.number().int(),
  textErasedAt: timestamp.nullable(),
  urgency: urgencySchema,
  requireAcknowledgement: z.boolean(),
  /** The notification this one reminds of (`POST /v1/notifications/{id}/reminders`), else null. */
  reminderOf: z.string().nullable(),
  status: z.enum(notificationStatuses),
  /** When a scheduled send is (or was) to fire; null for a send made at once. */
  sendAt: timestamp.nullable(),
  /** When a scheduled send fired (null until then, and for a send made at once). */
  firedAt: timestamp.nullable(),
  /** How late it fired after sendAt, in whole seconds (Herald was down, say); null unless it fired. */
  lateSeconds: z.number().int().nullable(),
  /** Why a scheduled send failed (`forbidden`: its sender lost the permission; ...), else null. */
  failure: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  /** The audience snapshotted when it was sent (or fired); null while it has not (any status but `queued`). */
  audience: audienceSummarySchema.nullable(),
  /** Deliveries by status; null while it has not been sent (any status but `queued`): they appear once it fires. */
  counts: deliveryCountsSchema.nullable(),
  reasons: deliveryReasonsSchema,
  /** Deliveries (not skipped) per variant. */
  languages: languageCountsSchema,
});
export type NotificationView = z.output<typeof notificationViewSchema>;

/** One delivery of `GET /v1/notifications/{id}/deliveries`. */
export const deliveryViewSchema = z.strictObject({
  deviceId: z.string(),
  /** Null once the device has left the directory. */
  deviceName: z.string().nullable(),
  userId: z.string().nullable(),
  /** The translation the device got (its tag as the send gave it), null for the default text. */
  language: z.string().nullable(),
  status: z.enum(deliveryStatuses),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  provider: z.string().nullable(),
  fallback: z.string().nullable(),
  updatedAt: timestamp,
});

/** `GET /v1/quotas`. */
const quotaState = {
  /** Sends made in the past hour, and when the oldest of them leaves it. */
  used: z.number().int(),
  resetsAt: timestamp.nullable(),
  /** How many sends made now would be accepted: each must fit every rolling hour it falls in, scheduled sends counted. */
  available: z.number().int(),
  /** Sends scheduled within the coming hour, which hold slots a send made now would need. */
  scheduled: z.number().int(),
};
export const quotasSchema = z.strictObject({
  groupSends: z.strictObject({ limit: z.number().int(), ...quotaState }),
  deviceSends: z.strictObject({ limitPerDevice: z.number().int() }),
  device: z.strictObject(quotaState).optional(),
});
export type Quotas = z.output<typeof quotasSchema>;

const page = { limit: pageLimit, cursor: z.string().min(1).max(512).optional() };
/** `GET /v1/notifications` query: `?status=` keeps the notifications in that status. */
export const notificationListQuery = z.object({ ...page, status: z.enum(notificationStatuses).optional() }).strict();
/** `GET /v1/notifications/{id}/deliveries` query. */
export const deliveryListQuery = z.object({ ...page, status: z.enum(deliveryStatuses).optional() }).strict();
/** `GET /v1/quotas` query. */
export const quotaQuery = z.object({ deviceId: objectId.optional() }).strict();

/** Tenant settings an admin may change (PATCH /v1/tenant/settings). */
export const tenantSettingsSchema = z
  .object({
    groupSendsPerHour: z.number().int().min(1).max(10_000),
    deviceSendsPerHour: z.number().int().min(1).max(10_000),
    retainMessageTextDays: z.number().int().min(1).max(3650),
    pushTtlHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 28),
    contentFreePush: z.boolean(),
    /** Minutes between automatic syncs from Microsoft Entra ID and Intune; 0 turns them off. */
    directorySyncMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60),
  })
  .strict();

export type TenantSettings = z.output<typeof tenantSettingsSchema>;
/** The settings as answered: all of them. */
export const tenantSettingsViewSchema = tenantSettingsSchema;
export const tenantSettingsPatchSchema = tenantSettingsSchema.partial();

/** Microsoft Graph's `sendCustomNotificationToCompanyPortal` bodies, mapped onto a Herald send. */
export const graphGroupSendSchema = z
  .object({ notificationTitle: titleSchema, notificationBody: bodySchema, groupsToNotify: groupIds })
  .superRefine((g, ctx) => fitsPush({ title: g.notificationTitle, body: g.notificationBody }, ctx), fieldsPassed)
  .transform((g) => ({ title: g.notificationTitle, body: g.notificationBody, groupIds: g.groupsToNotify }));

/** The target of a Graph group send, read without the text. */
export const graphGroupTargetSchema = z.object({ groupsToNotify: groupIds }).transform((g) => ({ groupIds: g.groupsToNotify }));

export const graphDeviceSendSchema = z
  .object({ notificationTitle: titleSchema, notificationBody: bodySchema })
  .superRefine((g, ctx) => fitsPush({ title: g.notificationTitle, body: g.notificationBody }, ctx), fieldsPassed)
  .transform((g) => ({ title: g.notificationTitle, body: g.notificationBody }));

/** Microsoft Graph's `managedDevices/executeAction` body; only `customTextNotification` is carried out. */
export const graphExecuteActionSchema = z
  .object({ actionName: z.literal('customTextNotification'), deviceIds, notificationTitle: titleSchema, notificationBody: bodySchema })
  .superRefine((g, ctx) => fitsPush({ title: g.notificationTitle, body: g.notificationBody }, ctx), fieldsPassed)
  .transform((g) => ({ title: g.notificationTitle, body: g.notificationBody, deviceIds: g.deviceIds }));

/** The action and target of an executeAction, read without the text. */
export const graphExecuteActionTargetSchema = z
  .object({ actionName: z.string().optional(), deviceIds })
  .transform((g) => ({ actionName: g.actionName, deviceIds: g.deviceIds }));

/** Graph's `bulkManagedDeviceActionResult`, the 200 answer of executeAction. */
export const graphBulkActionResultSchema = z.strictObject({
  successfulDeviceIds: z.array(z.string()),
  failedDeviceIds: z.array(z.string()),
  notFoundDeviceIds: z.array(z.string()),
  notSupportedDeviceIds: z.array(z.string()),
});
export type GraphBulkActionResult = z.output<typeof graphBulkActionResultSchema>;
