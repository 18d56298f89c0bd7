import { Hono } from 'hono';
import { checkinSchema, inboxQuerySchema, receiptSchema } from '../../shared/device';
import type { Deps } from '../deps';
import { jsonBody, query, validId } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { authenticateDevice, type DeviceEnv } from './authenticate';
import { checkin } from './checkin';
import { issueDeviceCredential } from './credentials';
import { listInbox, recordReceipt } from './inbox';

/** The device side (what a Company Portal-like app calls, as itself) and the admin route that issues its credential. */
export const deviceRoutes = (deps: Deps) =>
  new Hono<DeviceEnv>()
    .use('/v1/devices/:id/credentials', authenticate(deps.database))
    .use('/v1/device/*', authenticateDevice(deps.database))
    .post('/v1/devices/:id/credentials', validId, async (c) =>
      c.json(await issueDeviceCredential(deps.database, c.var.principal, c.req.valid('param').id, deps.now()), 201),
    )
    .post('/v1/device/checkin', jsonBody(checkinSchema), async (c) =>
      c.json(await checkin(deps.database, c.var.device, c.req.valid('json'), deps.now())),
    )
    .get('/v1/device/notifications', query(inboxQuerySchema), async (c) =>
      c.json(await listInbox(deps.database.db, c.var.device, c.req.valid('query'))),
    )
    .post('/v1/device/notifications/:id/receipt', validId, jsonBody(receiptSchema), async (c) =>
      c.json(await recordReceipt(deps.database, c.var.device, c.req.valid('param').id, c.req.valid('json'), deps.now(), deps.metrics)),
    );
