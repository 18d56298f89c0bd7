import { createMiddleware } from 'hono/factory';
import type { Permission } from '../../shared/permissions';
import { missingPermission } from '../core/errors';
import type { AppEnv } from '../http/env';
import { requirePermission } from './scope';

/** Route middleware: 403 naming the permission before the body is even read. Scope checks stay in the service. */
export const requires = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    requirePermission(c.var.principal, permission);
    await next();
  });

/**
 * Route middleware for what reaches across the whole tenant (an import, tenant settings, roles, accounts and
 * tokens, the audit log, the send history):
 * each permission must be held without a scope; `why` tells the caller why a scoped grant is not enough.
 */
export const requiresWholeTenant = (why: string, ...permissions: Permission[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    for (const permission of permissions)
      if (requirePermission(c.var.principal, permission) !== 'all') throw missingPermission(permission, `the whole tenant (${why})`);
    await next();
  });
