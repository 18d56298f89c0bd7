import { z } from 'zod';
import { PERMISSIONS, type Permission } from './permissions';
import { objectId } from './schemas';

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
export const accountEmail = z.email().max(254).transform((email) => email.toLowerCase());

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

export interface Role {
  id: string;
  displayName: string;
  permissions: Permission[];
  builtIn: boolean;
}

export interface RoleAssignment {
  id: string;
  roleId: string;
  roleName: string;
  accountIds: string[];
  scope: AssignmentScope;
  createdAt: string;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  createdAt: string;
}

/** A token as listed: never the secret. */
export interface ApiToken {
  id: string;
  accountId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** GET /v1/me: what a client shows after connecting. */
export interface Me {
  tenant: { id: string; name: string };
  account: { id: string; email: string };
  permissions: Permission[];
  scopes: { roleId: string; roleName: string; permissions: Permission[]; scope: AssignmentScope }[];
}
