import { z } from 'zod';
import { PERMISSIONS } from './permissions';
import { objectId, timestamp } from './schemas';

const unique = <T>(items: T[]) => [...new Set(items)];

const permission = z.enum(PERMISSIONS, {
  error: (issue) => `'${String(issue.input)}' is not a permission; the permissions are ${PERMISSIONS.join(', ')}.`,
});
const permissions = z
  .array(permission)
  .min(1, 'permissions needs at least one permission.')
  .transform((list) => unique(list).sort());

const roleName = z.string().trim().min(1, 'displayName is empty.').max(128);

/** POST /v1/roles: a custom role. */
export const roleCreateSchema = z.object({ displayName: roleName, permissions }).strict();
/** PATCH /v1/roles/{id}: what changes, at least one field. */
export const roleUpdateSchema = z
  .object({ displayName: roleName.optional(), permissions: permissions.optional() })
  .strict()
  .refine((patch) => patch.displayName !== undefined || patch.permissions !== undefined, {
    message: 'Give displayName, permissions or both.',
  });

/** Where an assignment's permissions reach: everywhere, or the transitive members of these groups. */
export const assignmentScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).strict(),
  z
    .object({
      type: z.literal('groups'),
      groupIds: z.array(objectId).min(1, 'groupIds needs at least one group.').max(500).transform(unique),
    })
    .strict(),
]);

/** POST /v1/roleAssignments. */
export const roleAssignmentCreateSchema = z
  .object({
    roleId: objectId,
    accountIds: z.array(objectId).min(1, 'accountIds needs at least one account.').max(500).transform(unique),
    scope: assignmentScopeSchema,
  })
  .strict();

/** Account emails are compared and stored in lower case. */
export const accountEmail = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());

/** POST /v1/accounts. */
export const accountCreateSchema = z
  .object({ email: accountEmail, displayName: z.string().trim().min(1, 'displayName is empty.').max(256) })
  .strict();

/** POST /v1/accounts/{id}/tokens. */
export const tokenCreateSchema = z.object({ name: z.string().trim().min(1, 'name is empty.').max(100) }).strict();

export type AssignmentScope = z.output<typeof assignmentScopeSchema>;
export type RoleCreate = z.output<typeof roleCreateSchema>;
export type RoleUpdate = z.output<typeof roleUpdateSchema>;
export type RoleAssignmentCreate = z.output<typeof roleAssignmentCreateSchema>;
export type AccountCreate = z.output<typeof accountCreateSchema>;

const permissionList = z.array(z.enum(PERMISSIONS));

export const roleSchema = z.strictObject({ id: z.string(), displayName: z.string(), permissions: permissionList, builtIn: z.boolean() });
export type Role = z.output<typeof roleSchema>;

/** A scope as answered (the create schema's output). */
const scopeView = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('groups'), groupIds: z.array(z.string()) }),
]);

export const roleAssignmentSchema = z.strictObject({
  id: z.string(),
  roleId: z.string(),
  roleName: z.string(),
  accountIds: z.array(z.string()),
  scope: scopeView,
  createdAt: timestamp,
});
export type RoleAssignment = z.output<typeof roleAssignmentSchema>;

export const accountSchema = z.strictObject({ id: z.string(), email: z.string(), displayName: z.string(), createdAt: timestamp });
export type Account = z.output<typeof accountSchema>;

/** A token as listed: never the secret. */
export const apiTokenSchema = z.strictObject({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type ApiToken = z.output<typeof apiTokenSchema>;

/** The 201 answer of `POST /v1/accounts/{id}/tokens`: the token with its secret, shown this once. */
export const createdTokenSchema = apiTokenSchema.extend({ token: z.string() });

/** Where a grant of `/v1/me` comes from: a Herald role assignment, or an app role in the Entra ID token (whole tenant). */
export const grantSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('assignment') }),
  z.strictObject({ type: z.literal('appRole'), appRole: z.string() }),
]);

/**
 * GET /v1/me: what a client shows after connecting. `signIn` and each scope's `source` are always sent by this
 * server (optional for clients that were written before them).
 */
export const meSchema = z.strictObject({
  tenant: z.strictObject({ id: z.string(), name: z.string() }),
  account: z.strictObject({ id: z.string(), email: z.string() }),
  /** How the caller signed in: a Herald API token, or Microsoft Entra ID. */
  signIn: z.strictObject({ source: z.enum(['apiToken', 'entra']) }).optional(),
  permissions: permissionList,
  scopes: z.array(
    z.strictObject({
      roleId: z.string(),
      roleName: z.string(),
      permissions: permissionList,
      scope: scopeView,
      source: grantSourceSchema.optional(),
    }),
  ),
});
export type Me = z.output<typeof meSchema>;
