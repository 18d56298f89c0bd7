import { MALFORMED, OK } from './results';
import { wellFormedToken } from './tokens';
import type { PushProvider, PushService } from './types';

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
