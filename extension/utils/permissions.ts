import type { Permission } from '../../shared/permissions';
import type { Me } from './api-types';

/** The permission to send `high` urgency (part of Administrator, not Help Desk Operator). */
export const URGENT_PERMISSION: Permission = 'RemoteTasks.SendUrgentNotifications';

/** High urgency is offered only to those the server would let send it. */
export const mayUseHighUrgency = (me: Me) => me.permissions.includes(URGENT_PERMISSION);

/** Tenant-wide changes (syncs, templates) need the permission over the whole tenant, as the server checks. */
export const holdsOverWholeTenant = (me: Me, permission: Permission) =>
  me.scopes.some((s) => s.scope.type === 'all' && s.permissions.includes(permission));
