import { Hono } from 'hono';
import { z } from 'zod';
import { graphDeviceSendSchema, graphGroupSendSchema, graphGroupTargetSchema, objectId } from '../../shared/schemas';
import type { Deps } from '../deps';
import type { AppEnv } from '../http/env';
import { parseOr400, readJson } from '../http/validate';
import { sendNotification, targetIn } from '../notifications/send';
import { authenticate } from '../rbac/authenticate';
import { executeAction } from './execute-action';

/** The device id in the path, named in errors as Graph names it. */
const managedDeviceId = z.object({ managedDeviceId: objectId }).transform((p) => p.managedDeviceId);

/**
 * Microsoft Graph-compatible sends, under /beta and /v1.0, so scripts written for Graph work by changing
 * the base URL and token. Same rules, quotas, permissions and audit as POST /v1/notifications; 204 on success.
 */
export const graphRoutes = (deps: Deps) => {
  const app = new Hono<AppEnv>();
  for (const version of ['/beta', '/v1.0']) {
    const base = `${version}/deviceManagement`;
    app
      .use(`${base}/*`, authenticate(deps.database, deps.now))
      .post(`${base}/sendCustomNotificationToCompanyPortal`, async (c) => {
        await sendNotification(deps, c.var.principal, 'graph', async () => {
          const body = await readJson(c);
          return { kind: 'groups', target: targetIn(graphGroupTargetSchema, body), parse: () => parseOr400(graphGroupSendSchema, body) };
        });
        return c.body(null, 204);
      })
      .post(`${base}/managedDevices/:id/sendCustomNotificationToCompanyPortal`, async (c) => {
        await sendNotification(deps, c.var.principal, 'graph', async () => {
          const body = await readJson(c);
          const deviceId = parseOr400(managedDeviceId, { managedDeviceId: c.req.param('id') });
          return { target: { type: 'device', deviceId }, parse: () => ({ ...parseOr400(graphDeviceSendSchema, body), deviceId }) };
        });
        return c.body(null, 204);
      })
      .post(`${base}/managedDevices/executeAction`, async (c) =>
        c.json(await executeAction(deps, c.var.principal, await readJson(c)), 200),
      );
  }
  return app;
};
