import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { deliveryStatuses, notificationStatuses, platforms } from '../../shared/schemas';
import { urgencies } from '../../shared/urgency';

/** Epoch milliseconds; every timestamp in Herald is stored this way. */
const ms = (name: string) => integer(name, { mode: 'number' });
const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
/** Where a directory object came from (issue 12): a sync removes only the objects it created. */
const source = () =>
  text('source', { enum: ['import', 'graph'] })
    .notNull()
    .default('import');

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  groupSendsPerHour: integer('group_sends_per_hour').notNull().default(25),
  deviceSendsPerHour: integer('device_sends_per_hour').notNull().default(10),
  retainMessageTextDays: integer('retain_message_text_days').notNull().default(30),
  pushTtlHours: integer('push_ttl_hours').notNull().default(24),
  contentFreePush: integer('content_free_push', { mode: 'boolean' }).notNull().default(false),
  /** Minutes between automatic directory syncs of a connected tenant (issue 12); 0 turns them off. */
  directorySyncMinutes: integer('directory_sync_minutes').notNull().default(60),
  createdAt: ms('created_at').notNull().default(now),
});

export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** The Entra ID user object id (`oid`) signed in as this account (issue 13); set once, at its first sign-in. */
    entraObjectId: text('entra_object_id'),
    /**
     * The Herald app roles of the account's last Entra ID sign-in (issue 15): a scheduled send fires with no token,
     * so its sender's rights are then these and the stored role assignments. Null before any such sign-in.
     */
    entraAppRoles: text('entra_app_roles', { mode: 'json' }).$type<string[]>(),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('accounts_tenant_email').on(t.tenantId, t.email),
    uniqueIndex('accounts_tenant_entra_oid').on(t.tenantId, t.entraObjectId),
  ],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    /** sha256 of the secret; the secret itself is never stored. */
    hash: text('hash').notNull(),
    createdAt: ms('created_at').notNull().default(now),
    lastUsedAt: ms('last_used_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.hash), index('api_tokens_account').on(t.tenantId, t.accountId)],
);

/** Custom roles only; the built-in roles live in shared/permissions.ts. */
export const roles = sqliteTable('roles', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull(),
  displayName: text('display_name').notNull(),
  /** JSON array of permission names. */
  permissions: text('permissions', { mode: 'json' }).$type<string[]>().notNull(),
  createdAt: ms('created_at').notNull().default(now),
});

export const roleAssignments = sqliteTable('role_assignments', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull(),
  roleId: text('role_id').notNull(),
  /** JSON `{type:'all'}` or `{type:'groups', groupIds}`. */
  scope: text('scope', { mode: 'json' }).$type<{ type: 'all' } | { type: 'groups'; groupIds: string[] }>().notNull(),
  createdAt: ms('created_at').notNull().default(now),
});

export const roleAssignmentAccounts = sqliteTable(
  'role_assignment_accounts',
  {
    assignmentId: text('assignment_id')
      .notNull()
      .references(() => roleAssignments.id, { onDelete: 'cascade' }),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.assignmentId, t.accountId] }), index('raa_account').on(t.accountId)],
);

export const users = sqliteTable(
  'users',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    upn: text('upn').notNull(),
    displayName: text('display_name').notNull(),
    /** BCP 47, canonical (`fr-FR`): picks the translation a send's deliveries to this user's devices get. */
    preferredLanguage: text('preferred_language'),
    source: source(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('users_upn').on(t.tenantId, t.upn)],
);

export const groups = sqliteTable(
  'groups',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    displayName: text('display_name').notNull(),
    source: source(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('groups_name').on(t.tenantId, t.displayName)],
);

export const groupMembers = sqliteTable(
  'group_members',
  {
    tenantId: text('tenant_id').notNull(),
    groupId: text('group_id').notNull(),
    memberType: text('member_type', { enum: ['user', 'device', 'group'] }).notNull(),
    memberId: text('member_id').notNull(),
    /** 'graph': a sync listed this membership, and only such a membership may a sync remove (a hand-added member stays). */
    source: source(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.groupId, t.memberType, t.memberId] }),
    index('group_members_member').on(t.tenantId, t.memberType, t.memberId, t.groupId),
  ],
);

export const devices = sqliteTable(
  'devices',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    platform: text('platform', { enum: platforms }).notNull(),
    enrolledByUserId: text('enrolled_by_user_id'),
    managementState: text('management_state', { enum: ['enrolled', 'unenrolled'] }).notNull(),
    app: text('app', { enum: ['companyPortal', 'intuneApp'] }),
    appVersion: text('app_version'),
    pushService: text('push_service', { enum: ['apns', 'fcm'] }),
    pushToken: text('push_token'),
    /** Set when a provider reported the token invalid (which clears push_token); cleared by a check-in with another token. */
    pushTokenInvalidAt: ms('push_token_invalid_at'),
    /** sha256 (hex) of the token a provider last reported invalid: a check-in with that same token keeps the mark. */
    pushTokenRejectedSha256: text('push_token_rejected_sha256'),
    notificationsPermitted: integer('notifications_permitted', { mode: 'boolean' }).notNull().default(true),
    serialNumber: text('serial_number'),
    /** sha256 of the device credential secret. */
    credentialHash: text('credential_hash'),
    lastCheckinAt: ms('last_checkin_at'),
    source: source(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    /** Covers the audience expansion (server/directory/audience.ts): every column it reads, the device id included. */
    index('devices_audience').on(
      t.tenantId,
      t.enrolledByUserId,
      t.managementState,
      t.notificationsPermitted,
      t.pushService,
      t.platform,
      t.pushTokenInvalidAt,
      t.id,
    ),
    index('devices_name').on(t.tenantId, t.name),
    index('devices_serial').on(t.tenantId, t.serialNumber),
    /** A device authenticates by its credential alone (then the id must match), so the lookup needs no tenant. */
    uniqueIndex('devices_credential').on(t.credentialHash),
  ],
);

/**
 * Per user, the devices they enrolled by what a push to them would meet now: `reachable`, or the one skip reason
 * skipReasonSql gives (server/directory/audience.ts). Written only by triggers on `devices` (migration
 * 0018_user_reach.sql, which also fills it), so every writer of devices keeps it exact; the preview sums it over the users
 * a target reaches instead of reading their devices. WITHOUT ROWID (written into that migration by hand: drizzle cannot
 * declare it), so a user's counts are one seek. A user left with no devices keeps a row of zeros.
 */
export const userReach = sqliteTable(
  'user_reach',
  {
    tenantId: text('tenant_id').notNull(),
    userId: text('user_id').notNull(),
    reachable: integer('reachable').notNull().default(0),
    unsupportedPlatform: integer('unsupported_platform').notNull().default(0),
    notEnrolled: integer('not_enrolled').notNull().default(0),
    notificationsNotPermitted: integer('notifications_not_permitted').notNull().default(0),
    noPushToken: integer('no_push_token').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] })],
);

/**
 * A tenant whose devices a bulk write is changing, inside that write's transaction only: `user_reach`'s triggers skip
 * its devices, and the write recounts the tenant's `user_reach` in one pass before it commits (server/directory/reach.ts).
 */
export const userReachRecounts = sqliteTable('user_reach_recounts', {
  tenantId: text('tenant_id').primaryKey(),
});

export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    senderAccountId: text('sender_account_id').notNull(),
    kind: text('kind', { enum: ['groups', 'device', 'devices'] }).notNull(),
    /** Group ids (JSON array) for a group send. */
    groupIds: text('group_ids', { mode: 'json' }).$type<string[]>(),
    deviceId: text('device_id'),
    /** The devices a bulk device send (kind `devices`) was sent to (JSON array); the refused ones are not kept. */
    deviceIds: text('device_ids', { mode: 'json' }).$type<string[]>(),
    /** Null once erased by the tenant's retention setting. */
    title: text('title'),
    body: text('body'),
    /** JSON object of BCP 47 tag -> { title, body } (null: none); erased with the title and body. */
    translations: text('translations', { mode: 'json' }).$type<Record<string, { title: string; body: string }>>(),
    /** The template the send was made from (kept when the template is deleted; no foreign key). */
    templateId: text('template_id'),
    titleLength: integer('title_length').notNull(),
    bodyLength: integer('body_length').notNull(),
    audienceUsers: integer('audience_users').notNull(),
    audienceDevices: integer('audience_devices').notNull(),
    /** JSON `{ reason: count }`. */
    skipped: text('skipped', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    via: text('via', { enum: ['api', 'graph'] }).notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    textErasedAt: ms('text_erased_at'),
    urgency: text('urgency', { enum: urgencies }).notNull().default('normal'),
    requireAcknowledgement: integer('require_acknowledgement', { mode: 'boolean' }).notNull().default(false),
    /** The notification a reminder repeats (POST /v1/notifications/{id}/reminders). */
    reminderOf: text('reminder_of'),
    /** Issue 15: `queued` for a send made at once; a scheduled one moves from `scheduled` when it fires or is canceled. */
    status: text('status', { enum: notificationStatuses }).notNull().default('queued'),
    /** When a scheduled send fires (its quota time too); null for a send made at once. */
    sendAt: ms('send_at'),
    firedAt: ms('fired_at'),
    /** Why a scheduled send could not fire. */
    failure: text('failure', { mode: 'json' }).$type<{ code: string; message: string }>(),
    /** How the sender of a scheduled send signed in (its API token must still be valid when it fires). */
    signIn: text('sign_in', { mode: 'json' }).$type<{ source: 'apiToken'; tokenId: string } | { source: 'entra'; oid: string }>(),
    /**
     * The row ids of its deliveries, first and last (null: none written): one INSERT writes them all, so they are
     * consecutive, and a reader finds them by this range (deliveriesOf) with no index by notification to write per
     * delivery. Internal: the row ids are one sequence across every tenant.
     */
    firstDeliveryId: integer('first_delivery_id'),
    lastDeliveryId: integer('last_delivery_id'),
  },
  (t) => [
    index('notifications_tenant_created').on(t.tenantId, t.createdAt),
    // the history of one status (?status=scheduled), newest first, without reading the others
    index('notifications_tenant_status_created').on(t.tenantId, t.status, t.createdAt, t.id),
    // the scheduler's queue: only scheduled sends are in it
    index('notifications_scheduled_due').on(t.sendAt).where(sql`status = 'scheduled'`),
    // scheduled group sends count against the quota at their sendAt (see quotaTimes)
    index('notifications_quota_scheduled').on(t.tenantId, t.sendAt).where(sql`kind = 'groups' AND send_at IS NOT NULL`),
    // Partial: only group sends are written to it (device sends are counted in device_sends).
    // The quota query names the kind as a literal (see quotaTimes).
    index('notifications_quota_groups').on(t.tenantId, t.createdAt).where(sql`kind = 'groups'`),
  ],
);

/**
 * One row per device a device send (single or bulk) went to: the device quota counts these, so a device's share of
 * a bulk send counts as a single send to it does. WITHOUT ROWID (added by hand to its migration: drizzle cannot say
 * it) keyed by the quota's own columns, so a send inserts into one B-tree here instead of a table and its index.
 */
export const deviceSends = sqliteTable(
  'device_sends',
  {
    tenantId: text('tenant_id').notNull(),
    deviceId: text('device_id').notNull(),
    createdAt: ms('created_at').notNull(),
    notificationId: text('notification_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.deviceId, t.createdAt, t.notificationId] })],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantId: text('tenant_id').notNull(),
    notificationId: text('notification_id').notNull(),
    deviceId: text('device_id').notNull(),
    userId: text('user_id'),
    /** The translation chosen for the device's user at the snapshot (its tag as given in the send); null: the default text. */
    language: text('language'),
    status: text('status', { enum: deliveryStatuses }).notNull(),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    /** Which provider handled it: apns, fcm or simulator. */
    provider: text('provider'),
    /** e.g. `appUpdateRequired` when an old Android app got the update prompt instead. */
    fallback: text('fallback'),
    nextAttemptAt: ms('next_attempt_at'),
    leaseUntil: ms('lease_until'),
    updatedAt: ms('updated_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    // Only the queue: a delivery leaves this index for good once it is sent, failed, skipped or expired, so the
    // index stays the size of the backlog however long the history. Queries name `status = 'queued'` literally.
    index('deliveries_due').on(t.nextAttemptAt).where(sql`status = 'queued'`),
    // no index by notification: a notification's rows are found by its row-id range (notifications.first_delivery_id)
    index('deliveries_device').on(t.tenantId, t.deviceId, t.id),
  ],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    /** Internal only: one sequence across every tenant, so never shown (it would count other tenants' activity). */
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantId: text('tenant_id').notNull(),
    /** The entry's number within its tenant (1, 2, ...): its public id and the key the log is paged on. */
    seq: integer('seq').notNull(),
    actorAccountId: text('actor_account_id'),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome').notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    at: ms('at').notNull(),
  },
  (t) => [uniqueIndex('audit_tenant_seq').on(t.tenantId, t.seq)],
);

/** Saved messages to send again (not erased by text retention: they are not messages sent). */
export const templates = sqliteTable(
  'templates',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** JSON object of BCP 47 tag -> { title, body }. */
    translations: text('translations', { mode: 'json' }).$type<Record<string, { title: string; body: string }>>().notNull(),
    urgency: text('urgency', { enum: ['low', 'normal', 'high'] }).notNull(),
    requireAcknowledgement: integer('require_acknowledgement', { mode: 'boolean' }).notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  // names are unique per tenant ignoring case; the list is ordered by name
  (t) => [uniqueIndex('templates_tenant_name').on(t.tenantId, sql`lower(${t.name})`)],
);

/** A tenant's Microsoft Entra app registration (issue 12); its secret or certificate key is encrypted at rest. */
export const directoryConnections = sqliteTable('directory_connections', {
  tenantId: text('tenant_id').primaryKey(),
  entraTenantId: text('entra_tenant_id').notNull(),
  clientId: text('client_id').notNull(),
  credentialKind: text('credential_kind', { enum: ['secret', 'certificate'] }).notNull(),
  /** AES-256-GCM (see server/directory/graph/crypto.ts); never returned. */
  credentialCipher: text('credential_cipher').notNull(),
  /** SHA-256 thumbprint (hex) of a certificate credential: public, shown to tell certificates apart. */
  certificateThumbprint: text('certificate_thumbprint'),
  credentialSetAt: ms('credential_set_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
  usersDeltaLink: text('users_delta_link'),
  groupsDeltaLink: text('groups_delta_link'),
  /** The Entra tenant's id (GUID) and verified domains, as `GET /v1.0/organization` answered at the last sync (issue 13). */
  entraOrganizationId: text('entra_organization_id'),
  verifiedDomains: text('verified_domains', { mode: 'json' }).$type<string[]>(),
  /** The client applications (lower-case ids) whose tokens sign in (`azp`/`appid`); null: any the tenant consented to. */
  allowedClientIds: text('allowed_client_ids', { mode: 'json' }).$type<string[]>(),
});

/** Every directory sync; a `running` row whose lease has not expired is the tenant's one running sync. */
export const directorySyncs = sqliteTable(
  'directory_syncs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    kind: text('kind', { enum: ['full', 'incremental'] }).notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at'),
    /** While running: the process's claim, renewed; a crashed process's sync is failed once it lapses. */
    leaseUntil: ms('lease_until'),
    counts: text('counts', { mode: 'json' }).$type<
      Record<'users' | 'groups' | 'devices', { added: number; updated: number; removed: number }>
    >(),
    error: text('error', { mode: 'json' }).$type<{ code: string; message: string }>(),
  },
  (t) => [
    index('directory_syncs_tenant').on(t.tenantId, t.startedAt),
    // one running sync per tenant, whichever process started it
    uniqueIndex('directory_syncs_running').on(t.tenantId).where(sql`status = 'running'`),
  ],
);
