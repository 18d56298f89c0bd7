import type { PushService } from '../../../shared/directory';
import type { Urgency } from '../../../shared/urgency';

/** The push services a device can be reached through (one list, in shared/directory.ts). */
export type { PushService };

/** One push to one device token. */
export interface PushMessage {
  /** The delivery's id as a UUID: APNs `apns-id`, and `herald.deliveryId` in the payload. */
  deliveryId: string;
  notificationId: string;
  token: string;
  title: string;
  body: string;
  /** Epoch ms after which the push service should drop it (APNs `apns-expiration`, FCM `ttl`). */
  expiresAt: number;
  /** APNs priority and interruption level, FCM message and notification priority. */
  urgency: Urgency;
  /** Herald's data says so, and the app shows an Acknowledge button. */
  requireAcknowledgement: boolean;
}

/**
 * What a push service said about one message. A per-token failure is a result, never an exception;
 * a network failure or outage is `retryable` too.
 */
export type PushResult =
  | { outcome: 'ok' }
  | { outcome: 'invalidToken'; reason: string }
  | {
      outcome: 'retryable';
      reason: string;
      /** The push service's Retry-After: no try before it. */
      retryAfterMs?: number;
      /** The provider's floor for this kind of failure where the service gives no Retry-After: the backoff starts here (see retryDelayMs). */
      minDelayMs?: number;
    }
  | { outcome: 'permanent'; reason: string };

export interface PushProvider {
  /** Recorded on each delivery it handles. */
  readonly name: 'apns' | 'fcm' | 'simulator';
  readonly service: PushService;
  /**
   * Sends a batch; resolves to one result per message, in order. Throws only for a failure of the
   * provider's configuration (e.g. an unreadable key), never for a token or a network problem.
   */
  send(messages: readonly PushMessage[]): Promise<PushResult[]>;
  /** Closes held connections. */
  close(): Promise<void>;
}

/** What every device of one notification gets alike: a push without its token and delivery id. */
export type NotificationText = Omit<PushMessage, 'token' | 'deliveryId'>;

/** Whether two pushes carry the same body but for the delivery id, and the same per-notification headers. */
export const sameNotificationText = (a: NotificationText, b: NotificationText) =>
  a.notificationId === b.notificationId &&
  a.title === b.title &&
  a.body === b.body &&
  a.urgency === b.urgency &&
  a.requireAcknowledgement === b.requireAcknowledgement &&
  a.expiresAt === b.expiresAt;
