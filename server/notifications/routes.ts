import { Hono } from 'hono';
import {
  deliveryListQuery,
  notificationListQuery,
  previewSchema,
  quotaQuery,
  sendSchema,
  sendTargetSchema,
  sendUrgencySchema,
} from '../../shared/schemas';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { parseOr400, query, readJson, validId } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { requiresWholeTenant } from '../rbac/requires';
import { requirePermission } from '../rbac/scope';
import { getNotification, listDeliveries, listNotifications } from './history';
import { previewAudience } from './preview';
import { sendReminder } from './reminders';
import { cancelScheduled } from './cancel';
import { requireSendAtAhead, scheduleSend } from './schedule';
import { quotaReport } from './quotas';
import { requireSendPermission, sendNotification, targetIn, targetOf } from './send';

/** The urgency of a request body read without its text; `normal` where it gives none (or none readable: parsing says why). */
const urgencyIn = (body: unknown) => sendUrgencySchema.safeParse(body).data?.urgency ?? 'normal';

/** The history names every target, device and user of every send, so a reader scoped to groups may not see it. */
const readsHistory = requiresWholeTenant('the send history covers every group and device', 'Organization.Read');

export const notificationRoutes = (deps: Deps) => {
  const { db } = deps.database;
  return (
    new Hono<AppEnv>()
      // '/v1/notifications/*' also matches '/v1/notifications' itself
      .use('/v1/notifications/*', authenticate(deps.database, deps.now))
      .use('/v1/quotas', authenticate(deps.database, deps.now))
      .post('/v1/notifications', async (c) => {
        const accepted = await sendNotification(
          deps,
          c.var.principal,
          'api',
          async () => {
            const body = await readJson(c);
            return {
              target: targetIn(sendTargetSchema, body),
              urgency: urgencyIn(body),
              parse: () => requireSendAtAhead(parseOr400(sendSchema, body), deps.now()),
            };
          },
          (principal, outgoing, sendAt) => scheduleSend(deps, principal, outgoing, sendAt),
        );
        return c.json(accepted, 202);
      })
      .post('/v1/notifications/preview', async (c) => {
        // the permission before the text, as for a send
        const body = await readJson(c);
        requireSendPermission(c.var.principal, targetIn(sendTargetSchema, body)?.type ?? null, urgencyIn(body));
        const preview = requireSendAtAhead(parseOr400(previewSchema, body), deps.now());
        return c.json(await previewAudience(db, c.var.principal, targetOf(preview), preview));
      })
      .post('/v1/notifications/:id/reminders', validId, async (c) =>
        c.json(await sendReminder(deps, c.var.principal, c.req.valid('param').id), 202),
      )
      .post('/v1/notifications/:id/cancel', validId, async (c) =>
        c.json(await cancelScheduled(deps, c.var.principal, c.req.valid('param').id)),
      )
      .get('/v1/notifications', readsHistory, query(notificationListQuery), async (c) =>
        c.json(await listNotifications(db, c.var.principal.tenantId, c.req.valid('query'))),
      )
      .get('/v1/notifications/:id', readsHistory, validId, async (c) =>
        c.json(await getNotification(db, c.var.principal.tenantId, c.req.valid('param').id)),
      )
      .get('/v1/notifications/:id/deliveries', readsHistory, validId, query(deliveryListQuery), async (c) =>
        c.json(await listDeliveries(db, c.var.principal.tenantId, c.req.valid('param').id, c.req.valid('query'))),
      )
      .get('/v1/quotas', query(quotaQuery), async (c) => {
        const reach = requirePermission(c.var.principal, 'Organization.Read');
        return c.json(await quotaReport(db, c.var.principal.tenantId, reach, deps.now(), c.req.valid('query').deviceId));
      })
  );
};
