import { randomUUID } from 'node:crypto';
import type { PushMessage } from '../../server/dispatch/providers/types';

/** A well-formed APNs device token (64 hex digits) numbered `i`. */
export const apnsToken = (i: number) => i.toString(16).padStart(64, '0');

/** A push as the dispatcher builds it: fresh UUIDs, expiring in a day unless overridden. */
export function pushMessage(token: string, overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    deliveryId: randomUUID(),
    notificationId: randomUUID(),
    token,
    title: 'Maintenance tonight',
    body: 'Please save your work before 22:00.',
    expiresAt: Date.now() + 86_400_000,
    urgency: 'normal',
    requireAcknowledgement: false,
    ...overrides,
  };
}
