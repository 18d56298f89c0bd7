import type { z } from 'zod';
import { directoryImportSchema, directoryListQuerySchema } from '../../shared/directory';
import { directoryConnectionSchema, directorySyncListQuerySchema, directorySyncRequestSchema } from '../../shared/directory-sync';
import { checkinSchema, inboxQuerySchema, receiptSchema } from '../../shared/device';
import { accountCreateSchema, roleAssignmentCreateSchema, roleCreateSchema, roleUpdateSchema, tokenCreateSchema } from '../../shared/rbac';
import { previewSchema, sendSchema, tenantSettingsPatchSchema } from '../../shared/schemas';
import { templateCreateSchema, templateListQuerySchema, templatePatchSchema } from '../../shared/templates';
import { auditQuerySchema } from '../audit/routes';
import { deliveryListQuery, notificationListQuery, quotaQuery } from '../notifications/routes';
import type { Permission } from '../../shared/permissions';

/** A route as the API description tells it. */
export interface Operation {
  summary: string;
  /** The permission the route checks; absent for routes any valid token may call. */
  permission?: Permission | `${Permission} and ${Permission}`;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status -> description of the success answer(s). */
  responses: Record<number, string>;
  /** Authentication other than a bearer API token. */
  auth?: 'device';
}

const list = (summary: string, permission: Operation['permission'], query: z.ZodType = directoryListQuerySchema): Operation => ({
  summary,
  permission,
  query,
  responses: { 200: '{ items, nextCursor }' },
});
const one = (summary: string, permission: Operation['permission']): Operation => ({ summary, permission, responses: { 200: 'The object' } });
const remove = (summary: string, permission: Operation['permission']): Operation => ({ summary, permission, responses: { 204: 'Deleted' } });

/** Every `/v1` route, keyed `METHOD /hono/path`; a test checks this table against the app's routes both ways. */
export const operations: Record<string, Operation> = {
  'POST /v1/notifications': {
    summary: 'Send a custom notification to up to 25 groups (Organization.Update) or to one device (RemoteTasks.SendCustomNotifications)',
    body: sendSchema,
    responses: { 202: 'Accepted and durable: { id, status: "queued", target, audience }' },
  },
  'POST /v1/notifications/preview': {
    summary: 'The audience a send would have now, without sending or using quota',
    body: previewSchema,
    responses: { 200: '{ target, audience }' },
  },
  'GET /v1/notifications': {
    ...list('Sent notifications, newest first, each with its delivery counts and reasons', 'Organization.Read', notificationListQuery),
    responses: { 200: '{ items: [{ id, createdAt, sender, via, target, title, body, audience, counts, reasons }], nextCursor }' },
  },
  'GET /v1/notifications/:id': {
    summary: 'One notification with its delivery counts, and why deliveries failed, expired, were skipped or wait to retry',
    permission: 'Organization.Read',
    responses: { 200: '{ ..., counts: { queued, sent, delivered, opened, failed, skipped, expired }, reasons: { failed: { malformedToken: 2 }, skipped: { notificationsNotPermitted: 1 } } }' },
  },
  'GET /v1/notifications/:id/deliveries': {
    ...list("A notification's deliveries, optionally of one status", 'Organization.Read', deliveryListQuery),
    responses: { 200: '{ items: [{ deviceId, deviceName, userId, status, reason, attempts, provider, fallback, updatedAt }], nextCursor }' },
  },
  'GET /v1/quotas': {
    summary: "The tenant's group-send quota, and one device's with ?deviceId=",
    permission: 'Organization.Read',
    query: quotaQuery,
    responses: { 200: '{ groupSends: { limit, used, resetsAt }, deviceSends: { limitPerDevice }, device?: { used, resetsAt } }' },
  },
  'GET /v1/tenant/settings': one("The tenant's settings", 'Organization.Read'),
  'PATCH /v1/tenant/settings': { summary: 'Change tenant settings', permission: 'Organization.Update', body: tenantSettingsPatchSchema, responses: { 200: 'The settings' } },

  'POST /v1/directory/import': {
    summary: 'Upsert users, groups (member lists replaced) and devices in one transaction',
    permission: 'Organization.Update and ManagedDevices.Update',
    body: directoryImportSchema,
    responses: { 200: '{ users, groups, devices }' },
  },
  'PUT /v1/directory/connection': {
    summary: 'Connect the Microsoft Entra app registration (client secret or certificate, stored encrypted) that directory syncs read Graph with; needs Organization.Update over the whole tenant',
    permission: 'Organization.Update',
    body: directoryConnectionSchema,
    responses: { 200: '{ entraTenantId, clientId, credential: { type, setAt, thumbprintSha256 }, updatedAt } (never the secret or key)' },
  },
  'GET /v1/directory/connection': one('The directory connection, without its secret or key', 'Organization.Read'),
  'DELETE /v1/directory/connection': remove('Remove the directory connection and stop syncing (the directory stays)', 'Organization.Update'),
  'POST /v1/directory/sync': {
    summary: 'Start a sync from Microsoft Entra ID and Intune (incremental once delta links are stored; { "full": true } for a full round)',
    permission: 'Organization.Update',
    body: directorySyncRequestSchema,
    responses: { 202: '{ id, status: "running", kind }', 409: 'syncRunning: one runs already' },
  },
  'GET /v1/directory/status': one("Where the tenant's directory comes from (Entra ID sync or hand import), its newest sync and its size", 'Organization.Read'),
  'GET /v1/directory/syncs': { summary: 'Directory syncs, newest first', permission: 'Organization.Read', query: directorySyncListQuerySchema, responses: { 200: '{ items }' } },
  'GET /v1/directory/syncs/:id': one('One directory sync: { id, kind, status, startedAt, finishedAt, counts, error }', 'Organization.Read'),
  'GET /v1/users': list('Users, searchable by name or UPN', 'Organization.Read'),
  'GET /v1/users/:id': one('One user', 'Organization.Read'),
  'DELETE /v1/users/:id': remove('Delete a user', 'Organization.Update'),
  'GET /v1/groups': list('Groups, searchable by name', 'Organization.Read'),
  'GET /v1/groups/:id': one('One group with its direct member counts', 'Organization.Read'),
  'DELETE /v1/groups/:id': remove('Delete a group', 'Organization.Update'),
  'GET /v1/devices': list('Devices, searchable by name, owner or serial number', 'ManagedDevices.Read'),
  'GET /v1/devices/:id': one('One device', 'ManagedDevices.Read'),
  'DELETE /v1/devices/:id': remove('Delete a device', 'ManagedDevices.Update'),
  'POST /v1/devices/:id/credentials': {
    summary: "Issue a device's credential (shown once; replaces the previous one)",
    permission: 'ManagedDevices.Update',
    responses: { 201: '{ secret }' },
  },

  'GET /v1/me': { summary: 'The calling account, its tenant, permissions and scopes', responses: { 200: '{ tenant, account, permissions, scopes }' } },
  'GET /v1/templates': list('Saved messages by name; ?search= finds names containing it', 'Organization.Read', templateListQuerySchema),
  'GET /v1/templates/:id': one('One template', 'Organization.Read'),
  'POST /v1/templates': { summary: 'Save a message to send again (Organization.Update over the whole tenant)', permission: 'Organization.Update', body: templateCreateSchema, responses: { 201: 'The template' } },
  'PATCH /v1/templates/:id': { summary: 'Change a template (Organization.Update over the whole tenant)', permission: 'Organization.Update', body: templatePatchSchema, responses: { 200: 'The template' } },
  'DELETE /v1/templates/:id': remove('Delete a template; notifications sent with it keep their text', 'Organization.Update'),
  'GET /v1/roles': { summary: 'Built-in and custom roles', permission: 'Roles.Read', responses: { 200: '{ items }' } },
  'GET /v1/roles/:id': one('One role', 'Roles.Read'),
  'POST /v1/roles': { summary: 'Create a custom role', permission: 'Roles.Update', body: roleCreateSchema, responses: { 201: 'The role' } },
  'PATCH /v1/roles/:id': { summary: 'Change a custom role', permission: 'Roles.Update', body: roleUpdateSchema, responses: { 200: 'The role' } },
  'DELETE /v1/roles/:id': remove('Delete a custom role that is not assigned', 'Roles.Update'),
  'GET /v1/roleAssignments': { summary: 'Role assignments', permission: 'Roles.Read', responses: { 200: '{ items }' } },
  'POST /v1/roleAssignments': {
    summary: 'Assign a role to accounts, over everything or over scope groups',
    permission: 'Roles.Update',
    body: roleAssignmentCreateSchema,
    responses: { 201: 'The assignment' },
  },
  'DELETE /v1/roleAssignments/:id': remove('Remove a role assignment', 'Roles.Update'),
  'GET /v1/accounts': { summary: 'Accounts of the tenant', permission: 'Roles.Read', responses: { 200: '{ items }' } },
  'GET /v1/accounts/:id': one('One account', 'Roles.Read'),
  'POST /v1/accounts': { summary: 'Create an account', permission: 'Roles.Update', body: accountCreateSchema, responses: { 201: 'The account' } },
  'GET /v1/accounts/:id/tokens': { summary: "An account's API tokens, never their secrets", permission: 'Roles.Read', responses: { 200: '{ items }' } },
  'POST /v1/accounts/:id/tokens': {
    summary: 'Create an API token (the secret is shown once)',
    permission: 'Roles.Update',
    body: tokenCreateSchema,
    responses: { 201: '{ id, name, createdAt, token }' },
  },
  'DELETE /v1/tokens/:id': remove('Revoke an API token', 'Roles.Update'),
  'GET /v1/audit': list('The audit log, newest first', 'Audit.Read', auditQuerySchema),

  'POST /v1/device/checkin': { summary: 'A device reports its push token, app and permission', auth: 'device', body: checkinSchema, responses: { 200: 'The device' } },
  'GET /v1/device/notifications': { summary: "The calling device's inbox, newest first", auth: 'device', query: inboxQuerySchema, responses: { 200: '{ items, nextCursor }' } },
  'POST /v1/device/notifications/:id/receipt': {
    summary: 'Mark a notification delivered or opened on the calling device',
    auth: 'device',
    body: receiptSchema,
    responses: { 200: 'The delivery state' },
  },
};
