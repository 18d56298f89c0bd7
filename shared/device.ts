import { z } from 'zod';
import { directoryDeviceSchema, directoryDeviceViewSchema } from './directory';
import { deliveryStatuses, objectId, pageLimit, timestamp } from './schemas';
import { urgencySchema } from './urgency';

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

/**
 * `POST /v1/device/notifications/{id}/receipt`: receipts only move a delivery forward; `acknowledged` is the
 * person's answer to a message that asked for it (the app's Acknowledge button).
 */
export const receiptSchema = z.object({ state: z.enum(['delivered', 'opened', 'acknowledged']) }).strict();

export type Receipt = z.output<typeof receiptSchema>;

/** `GET /v1/device/notifications` query. */
export const inboxQuerySchema = z.object({ limit: pageLimit, cursor: z.string().min(1).max(512).optional() }).strict();

/** The answer of `POST /v1/device/checkin`: the device as it sees itself after the check-in. */
export const checkedInSchema = directoryDeviceViewSchema
  .pick({ id: true, push: true, app: true, appVersion: true, notificationsPermitted: true })
  .extend({ lastCheckinAt: timestamp });
export type CheckedIn = z.output<typeof checkedInSchema>;

/**
 * One message of `GET /v1/device/notifications` in the variant chosen for the device's user (`language`: the
 * translation's tag, null for the default text); title and body are null once retention erased them.
 */
export const inboxItemSchema = z.strictObject({
  id: z.string(),
  title: z.string().nullable(),
  body: z.string().nullable(),
  language: z.string().nullable(),
  sentAt: timestamp,
  state: z.enum(deliveryStatuses),
  urgency: urgencySchema,
  /** The app shows an Acknowledge button, which sends the `acknowledged` receipt. */
  requireAcknowledgement: z.boolean(),
});

/** The answer of a receipt: the delivery's state afterwards. */
export const receiptResultSchema = z.strictObject({ id: z.string(), state: z.enum(deliveryStatuses) });

/** The 201 answer of `POST /v1/devices/{id}/credentials`: the secret, shown this once. */
export const deviceCredentialSchema = z.strictObject({ secret: z.string() });

/** `POST /v1/device/enroll`: the Intune managed device id the app read from its app configuration. */
export const deviceEnrollSchema = z.strictObject({ deviceId: objectId });
/** Its 201 answer: the device's credential (`Authorization: Device <deviceId>:<secret>`), shown this once. */
export const deviceEnrolledSchema = z.strictObject({ deviceId: z.string(), secret: z.string() });
