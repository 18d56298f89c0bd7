import type { PushService } from './types';

const APNS_TOKEN = /^[0-9a-f]{64,200}$/i;
const FCM_TOKEN = /^\S{1,4096}$/;

/** Whether a token has the shape the service issues: APNs hex (64+ digits); FCM any non-blank string without whitespace. */
export function wellFormedToken(service: PushService, token: string): boolean {
  return (service === 'apns' ? APNS_TOKEN : FCM_TOKEN).test(token);
}
