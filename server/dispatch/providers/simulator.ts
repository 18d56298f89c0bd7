import { OK } from './results';
import type { PushProvider, PushResult, PushService } from './types';

const APNS_TOKEN = /^[0-9a-f]{64,200}$/i;
const FCM_TOKEN = /^\S{1,4096}$/;

/** Whether a token has the shape the service issues: APNs hex (64+ digits); FCM any non-blank string without whitespace. */
export function wellFormedToken(service: PushService, token: string): boolean {
  return (service === 'apns' ? APNS_TOKEN : FCM_TOKEN).test(token);
}

const MALFORMED: PushResult = Object.freeze({ outcome: 'invalidToken', reason: 'malformedToken' });

/**
 * The embedded stand-in for a push service without credentials: every well-formed token is accepted, so
 * `npm start` works end to end without an Apple or Google account.
 */
export function createSimulator(service: PushService): PushProvider {
  return {
    name: 'simulator',
    service,
    send: async (messages) => messages.map((m) => (wellFormedToken(service, m.token) ? OK : MALFORMED)),
    close: async () => {},
  };
}
