import type { z } from 'zod';
import type { DeliveryStatus, SkipReason, deliveryReasonsSchema } from './schemas';

/**
 * Deliveries per status per recorded reason, e.g. `{ failed: { malformedToken: 2 }, skipped: { notificationsNotPermitted: 1 } }`:
 * the `reasons` of `GET /v1/notifications` items and `GET /v1/notifications/{id}`. Only statuses with a reason appear.
 */
export type DeliveryReasons = z.output<typeof deliveryReasonsSchema>;

/** Why the snapshot or the dispatcher skipped a device, in short ("Skipped: 1 macOS or Windows"). */
export const skipReasonLabels: Record<SkipReason, string> = {
  unsupportedPlatform: 'macOS or Windows',
  notEnrolled: 'not enrolled',
  notificationsNotPermitted: 'notifications turned off',
  noPushToken: 'no push token yet',
};

const skipped: Record<SkipReason, string> = {
  unsupportedPlatform: 'macOS or Windows, which cannot show custom notifications',
  notEnrolled: 'the device is not enrolled any more',
  notificationsNotPermitted: 'notifications turned off on the device',
  noPushToken: 'the device has no push token yet (the app has not checked in)',
};

const unavailable = 'the push service was unavailable';
const throttled = 'the push service asked Herald to slow down';
const credentials = "the push service refused Herald's credentials";
const tokenRejected = 'the push service rejected the device token';
const tooLarge = 'the message is too large for the push service';

/** What the dispatcher and the providers record (server/dispatch): Herald's own names, Apple's and Google's error codes. */
const pushed: Record<string, string> = {
  malformedToken: 'the device token is malformed, so no push service would take it',
  ttlElapsed: 'it was not delivered before the notification expired',
  connectionFailed: 'the push service could not be reached',
  noStreamSlot: 'the connection to the push service was saturated',
  providerError: 'the push provider failed',
  authenticationFailed: credentials,
  // APNs
  Unregistered: 'the app was removed from the device or its token withdrawn',
  BadDeviceToken: tokenRejected,
  DeviceTokenNotForTopic: 'the device token belongs to another app',
  PayloadTooLarge: tooLarge,
  ExpiredProviderToken: credentials,
  InvalidProviderToken: credentials,
  TooManyProviderTokenUpdates: credentials,
  BadCertificate: credentials,
  BadCertificateEnvironment: credentials,
  Forbidden: credentials,
  TopicDisallowed: "the push service refused the app's topic (bundle id)",
  BadTopic: "the push service refused the app's topic (bundle id)",
  MissingTopic: "the push service refused the app's topic (bundle id)",
  TooManyRequests: throttled,
  InternalServerError: unavailable,
  ServiceUnavailable: unavailable,
  Shutdown: unavailable,
  // FCM
  UNREGISTERED: 'the app was removed from the device or its token withdrawn',
  INVALID_REGISTRATION: tokenRejected,
  SENDER_ID_MISMATCH: 'the device token belongs to another Firebase project',
  THIRD_PARTY_AUTH_ERROR: 'Firebase could not authenticate with Apple (APNs key)',
  QUOTA_EXCEEDED: throttled,
  UNAVAILABLE: unavailable,
  INTERNAL: unavailable,
};

/** Reasons that carry details after the code: `HTTP 503`, `INVALID_ARGUMENT: Message is too big`. */
function byShape(reason: string): string | undefined {
  const http = /^HTTP (\d{3})$/.exec(reason);
  if (http) {
    const code = Number(http[1]);
    if (code === 410) return pushed.Unregistered;
    if (code === 413) return tooLarge;
    if (code === 429) return throttled;
    if (code >= 500) return unavailable;
    return `the push service answered HTTP ${code}`;
  }
  if (reason.startsWith('INVALID_ARGUMENT'))
    return /too big/i.test(reason) ? tooLarge : `the push service refused the message as invalid (${reason})`;
  const code = /^([A-Za-z_-]+): /.exec(reason)?.[1];
  return code ? pushed[code] : undefined;
}

/**
 * A recorded delivery reason in words, the one place they are written. A status that ends in waiting (`expired`,
 * or `queued` for a retry) says so; a reason this version does not know is quoted as recorded.
 */
export function describeReason(status: DeliveryStatus, reason: string): string {
  if (status === 'skipped' && reason in skipped) return skipped[reason as SkipReason];
  const words = Object.hasOwn(pushed, reason) ? pushed[reason] : byShape(reason);
  const said = words ?? `the push service answered “${reason}”`;
  if (status === 'expired' && reason !== 'ttlElapsed') return `retries ran out: ${said}`;
  if (status === 'queued') return `will retry: ${said}`;
  if (status === 'skipped' && !words) return `a reason this version of Herald does not know (“${reason}”)`;
  return said;
}

/** The statuses whose reasons say why a delivery did not (yet) arrive, in the order they are told. */
export const explainedStatuses = ['failed', 'expired', 'skipped', 'queued'] as const satisfies readonly DeliveryStatus[];

const statusWords: Record<(typeof explainedStatuses)[number], string> = {
  failed: 'failed',
  expired: 'expired',
  skipped: 'skipped',
  queued: 'waiting',
};

/** One line per status and reason, most frequent first: "2 failed: the device token is malformed, so no push service would take it". */
export function reasonLines(reasons: DeliveryReasons | undefined): string[] {
  return explainedStatuses.flatMap((status) =>
    Object.entries(reasons?.[status] ?? {})
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([reason, n]) => `${n} ${statusWords[status]}: ${describeReason(status, reason)}`),
  );
}
