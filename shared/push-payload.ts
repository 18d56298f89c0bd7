import type { Urgency } from './urgency';

/**
 * The payloads Herald pushes, built here once: the APNs and FCM providers send exactly these, and the send
 * check, the preview and the popup measure these, so what is refused before sending is what Apple or Google
 * would refuse.
 */

/** Apple: at most 4096 bytes of payload (the request body). Google: at most 4096 bytes of message payload. */
export const PUSH_PAYLOAD_MAX_BYTES = 4096;

/** How a push is shown; a message without them is `normal` and asks for no acknowledgement. */
export interface PushOptions {
  urgency?: Urgency;
  /** The app shows an Acknowledge button and reports the `acknowledged` receipt. */
  requireAcknowledgement?: boolean;
}

/** What a push carries: the text, the ids the app reports receipts with, and how it is shown. */
export interface PushContent extends PushOptions {
  title: string;
  body: string;
  notificationId: string;
  deliveryId: string;
}

/** APNs `aps.interruption-level` per urgency (iOS 15+): passive never lights the screen, time-sensitive breaks through Focus. */
export const APNS_INTERRUPTION_LEVEL = { low: 'passive', normal: 'active', high: 'time-sensitive' } as const satisfies Record<
  Urgency,
  string
>;

/**
 * The APNs request body around its one per-device value, the delivery id: `head + JSON.stringify(deliveryId) + tail`.
 * Built once per notification text (and urgency), it serves every device of a batch. It is exactly
 * `JSON.stringify({ aps: { alert: { title, body }, sound: 'default', 'interruption-level' }, herald: { notificationId,
 * deliveryId, requireAcknowledgement? } })`, without building that object for each device.
 */
export function apnsPayloadAround(m: Omit<PushContent, 'deliveryId'>): { head: string; tail: string } {
  const level = APNS_INTERRUPTION_LEVEL[m.urgency ?? 'normal'];
  return {
    head:
      `{"aps":{"alert":{"title":${JSON.stringify(m.title)},"body":${JSON.stringify(m.body)}},"sound":"default",` +
      `"interruption-level":"${level}"},"herald":{"notificationId":${JSON.stringify(m.notificationId)},"deliveryId":`,
    tail: m.requireAcknowledgement ? ',"requireAcknowledgement":true}}' : '}}',
  };
}

/** The APNs request body, exactly as sent. */
export function apnsPayload(m: PushContent): string {
  const { head, tail } = apnsPayloadAround(m);
  return head + JSON.stringify(m.deliveryId) + tail;
}

/** The FCM message's payload (what reaches the device); the token and Android delivery options go beside it. */
export const fcmPayload = (m: PushContent) => ({
  notification: { title: m.title, body: m.body },
  data: {
    notificationId: m.notificationId,
    deliveryId: m.deliveryId,
    ...(m.requireAcknowledgement ? { requireAcknowledgement: 'true' } : {}),
  },
});

/** UTF-8 length of `text` without encoding it (the extension has no Buffer). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export const apnsPayloadBytes = (m: PushContent) => utf8Bytes(apnsPayload(m));
export const fcmPayloadBytes = (m: PushContent) => utf8Bytes(JSON.stringify(fcmPayload(m)));

/** Ids as long as the real ones (UUIDs), for measuring a message before it has any. */
const SAMPLE_ID = '00000000-0000-7000-8000-000000000000';

export interface MessageSize {
  /** The larger of the APNs and FCM payloads this text makes. */
  bytes: number;
  limit: number;
  /** A sentence a person can read, or null when the message fits. */
  problem: string | null;
}

/** The size of the push a title and body (as stored: normalised) make, shown so, against the push services' limit. */
export function checkMessageSize(title: string, body: string, options: PushOptions = {}): MessageSize {
  const content = {
    title,
    body,
    notificationId: SAMPLE_ID,
    deliveryId: SAMPLE_ID,
    urgency: options.urgency,
    requireAcknowledgement: options.requireAcknowledgement,
  };
  const bytes = Math.max(apnsPayloadBytes(content), fcmPayloadBytes(content));
  const limit = PUSH_PAYLOAD_MAX_BYTES;
  return { bytes, limit, problem: bytes > limit ? tooLargeMessage(bytes) : null };
}

export const tooLargeMessage = (bytes: number, what = 'The message') =>
  `${what} makes a ${bytes}-byte push; Apple and Google accept at most ${PUSH_PAYLOAD_MAX_BYTES} bytes. Shorten it.`;
