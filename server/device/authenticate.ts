import { and, eq, sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import { devices } from '../db/schema';
import { forbidden, unauthenticated } from '../core/errors';
import type { DeviceIdentity } from '../core/principal';
import type { AppEnv } from '../http/env';
import { hashSecret } from '../core/secrets';

export interface DeviceEnv {
  Variables: AppEnv['Variables'] & { device: DeviceIdentity };
}

/** The device a credential belongs to: every device request runs it. */
const credentialQuery = preparedPer(({ db }: Database) =>
  db
    .select({ tenantId: devices.tenantId, deviceId: devices.id, managementState: devices.managementState })
    .from(devices)
    .where(and(eq(devices.credentialHash, sql.placeholder('hash')), eq(devices.id, sql.placeholder('deviceId'))))
    .prepare(),
);

/**
 * Requires `Authorization: Device <deviceId>:<secret>` and puts the device in `c.var.device`. The secret finds
 * the device and the id must be that device's, so a device of another tenant with the same id never matches.
 * An unenrolled device is refused (403) until it is enrolled again.
 */
export const authenticateDevice = (database: Database) =>
  createMiddleware<DeviceEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    // Secrets are base64url, so the last colon ends the id (ids may contain colons).
    const match = /^Device\s+(\S+):([A-Za-z0-9_-]+)\s*$/i.exec(header);
    if (!match) throw unauthenticated('A device credential is required: send Authorization: Device <deviceId>:<secret>.');
    const deviceId = match[1]!;
    const [found] = await credentialQuery(database).all({ hash: hashSecret(match[2]!), deviceId });
    if (!found) throw unauthenticated('The device credential is unknown or has been replaced.');
    // An unenrolled device is no longer managed: its credential no longer reads the organisation's messages.
    if (found.managementState !== 'enrolled') throw forbidden(`Device '${deviceId}' is not enrolled.`);
    c.set('device', { tenantId: found.tenantId, deviceId: found.deviceId });
    await next();
  });
