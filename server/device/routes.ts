import { Hono } from 'hono';
import { checkinSchema, deviceEnrollSchema, inboxQuerySchema, receiptSchema } from '../../shared/device';
import type { Deps } from '../deps';
import { jsonBody, query, validId } from '../http/validate';
import { authenticate } from '../rbac/authenticate';
import { authenticateDevice, type DeviceEnv } from './authenticate';
import { checkin } from './checkin';
import { enrollDevice, issueDeviceCredential } from './credentials';
import { listInbox, recordReceipt } from './inbox';

/** The device side (what a Company Portal-like app calls, as itself or its user to enrol) and the admin route that issues its credential. */
export const deviceRoutes = (deps: Deps) =>
  new Hono<DeviceEnv>()
    .use('/v1/devices/:id/credentials', authenticate(deps.database))
    // before the device credential below: enrolling is how a device app gets one, signed in as its user
    .post('/v1/device/enroll', authenticate(deps.database, deps.now), jsonBody(deviceEnrollSchema), async (c) =>
      c.json(await enrollDevice(deps.database, c.var.principal, c.req.valid('json').deviceId, deps.now()), 201),
    )
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
