import { apnsPayloadBytes, fcmPayloadBytes, PUSH_PAYLOAD_MAX_BYTES } from '../../../shared/push-payload';
import { MALFORMED, OK } from './results';
import { wellFormedToken } from './tokens';
import type { PushMessage, PushProvider, PushResult, PushService } from './types';

/** What Apple (413 PayloadTooLarge) and Google (INVALID_ARGUMENT) answer to a payload over 4096 bytes. */
const TOO_LARGE: Record<PushService, PushResult> = {
  apns: Object.freeze({ outcome: 'permanent', reason: 'PayloadTooLarge' }),
  fcm: Object.freeze({ outcome: 'permanent', reason: 'INVALID_ARGUMENT: Message is too big' }),
};

const payloadBytes = (service: PushService, m: PushMessage) => (service === 'apns' ? apnsPayloadBytes(m) : fcmPayloadBytes(m));

/**
 * The embedded stand-in for a push service without credentials: every well-formed token is accepted, so
 * `npm start` works end to end without an Apple or Google account. A payload the real service would refuse
 * for its size is refused here too, so the simulator never calls sent what could not be.
 */
export function createSimulator(service: PushService): PushProvider {
  return {
    name: 'simulator',
    service,
    send: async (messages) =>
      messages.map((m) =>
        !wellFormedToken(service, m.token) ? MALFORMED : payloadBytes(service, m) > PUSH_PAYLOAD_MAX_BYTES ? TOO_LARGE[service] : OK,
      ),
    close: async () => {},
  };
}
