import { createMiddleware } from 'hono/factory';
import type { Permission } from '../../shared/permissions';
import type { AppEnv } from '../http/env';
import { requirePermission } from './scope';

/** Route middleware: 403 naming the permission before the body is even read. Scope checks stay in the service. */
export const requires = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    requirePermission(c.var.principal, permission);
    await next();
  });
