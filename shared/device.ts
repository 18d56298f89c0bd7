import { z } from 'zod';
import { directoryDeviceSchema } from './directory';
import { pageLimit } from './schemas';

const device = directoryDeviceSchema.shape;

/**
 * `POST /v1/device/checkin`: what the app reports about itself; omitted fields stay as they are. `push: null`
 * says the device has no push token; a new token also clears an earlier "token invalid" mark.
 */
export const checkinSchema = z
  .object({
    push: device.push.removeDefault().optional(),
    app: device.app.removeDefault().optional(),
    appVersion: device.appVersion.removeDefault().optional(),
    notificationsPermitted: device.notificationsPermitted.removeDefault().optional(),
  })
  .strict();

export type Checkin = z.output<typeof checkinSchema>;

/** `POST /v1/device/notifications/{id}/receipt`: receipts only move a delivery forward. */
export const receiptSchema = z.object({ state: z.enum(['delivered', 'opened']) }).strict();

export type Receipt = z.output<typeof receiptSchema>;

/** `GET /v1/device/notifications` query. */
export const inboxQuerySchema = z
  .object({ limit: pageLimit, cursor: z.string().min(1).max(512).optional() })
  .strict();
