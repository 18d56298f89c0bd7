import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { AndroidConfig, Message, Messaging, SendResponse } from 'firebase-admin/messaging';
import { fcmPayload } from '../../../shared/push-payload';
import type { Logger } from '../../core/logger';
import { CONNECTION_FAILED, MALFORMED, OK } from './results';
import { wellFormedToken } from './tokens';
import type { PushMessage, PushProvider, PushResult } from './types';
import type { Urgency } from '../../../shared/urgency';

export interface FcmOptions {
  /** A service account JSON file; its project id is the one messages are sent for. */
  serviceAccountFile: string;
  /** Another origin for FCM and its OAuth token requests (a test double or an egress proxy); TLS keeps the real names. */
  origin?: string;
  /** A CA trusted in addition to the system's (a test double's); production uses NODE_EXTRA_CA_CERTS. */
  ca?: string;
  now?: () => number;
  log?: Logger;
  /** HTTP/1.1 connections kept open to FCM (firebase-admin's HTTP/2 transport cannot be routed). */
  maxSockets?: number;
}

/** firebase-admin's own limit for one `sendEach`. */
export const FCM_BATCH = 500;

/**
 * Google's docs: a project over quota gets 429 QUOTA_EXCEEDED "until the quota is refilled in the following
 * minute". firebase-admin does not pass a Retry-After header on, so that minute is the delay.
 */
const QUOTA_RETRY_MS = 60_000;

/**
 * UNAVAILABLE and INTERNAL: FCM itself is overloaded or failing. Google asks senders to honour the response's
 * Retry-After, but firebase-admin drops response headers (its FirebaseMessagingError carries only a code and a
 * message), so the header is never visible here. Instead the backoff starts at 30 s (jittered above it, see
 * retryDelayMs) rather than the generic 2 s, which would hammer a service that is already struggling.
 */
const SERVER_UNAVAILABLE: PushResult = Object.freeze({ outcome: 'retryable', reason: 'UNAVAILABLE', minDelayMs: 30_000 });
const SERVER_INTERNAL: PushResult = Object.freeze({ outcome: 'retryable', reason: 'INTERNAL', minDelayMs: 30_000 });

/**
 * firebase-admin is loaded when the first FCM provider is built, not with the server: a server without FCM
 * configured (the simulator) does not carry its ~10 MB. Synchronously, so a bad service account still stops the start.
 */
const requirePackage = createRequire(import.meta.url);
const firebase = () => ({
  ...(requirePackage('firebase-admin/app') as typeof import('firebase-admin/app')),
  ...(requirePackage('firebase-admin/messaging') as typeof import('firebase-admin/messaging')),
});

/** FCM through firebase-admin's `sendEach`, 500 messages per call, over kept-alive connections. */
export function createFcmProvider(options: FcmOptions): PushProvider {
  const { cert, deleteApp, initializeApp, getMessaging } = firebase();
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const agentOptions: https.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    // A secure context, not `ca`: the agent would otherwise key its pool by every CA's text on each request.
    ...(options.ca ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.ca] }) } : {}),
  };
  const agent = options.origin ? new OriginAgent(new URL(options.origin), agentOptions) : new https.Agent(agentOptions);
  // A path, not an object: only then does the credential use the agent for its token requests.
  const app = initializeApp({ credential: cert(options.serviceAccountFile, agent), httpAgent: agent }, `herald-fcm-${randomUUID()}`);
  const messaging = getMessaging(app);
  // HTTP/1.1 everywhere, not only when routed: sendEach over HTTP/2 ignores the agent (and so the origin and
  // the tests' CA), and its session has known faults (firebase-admin-node #2789 uncatchable ECONNRESET
  // throws, #2943 GOAWAY exceeded_max_concurrent_streams above ~200 tokens). So what is tested is what runs.
  messaging.enableLegacyHttpTransport();
  withoutSdkRetries(messaging);

  const sendBatch = async (batch: readonly PushMessage[]): Promise<PushResult[]> => {
    // An empty or blank token would fail firebase-admin's own validation as a payload error; it is a bad token.
    const sendable = batch.filter((m) => wellFormedToken('fcm', m.token));
    if (sendable.length === 0) return batch.map(() => MALFORMED);
    const at = now();
    let answers: PushResult[];
    try {
      const { responses } = await messaging.sendEach(sendable.map((m) => toFcm(m, at)));
      answers = responses.map(classify);
      const unauthorised = responses.find((r) => r.error?.code === 'app/invalid-credential');
      if (unauthorised) log({ level: 'warn', msg: 'FCM access token refused or unreachable', error: unauthorised.error!.message });
    } catch (err) {
      // A failure of the whole call (firebase-admin could not even start the requests).
      log({ level: 'warn', msg: 'FCM sendEach failed', error: String(err) });
      answers = sendable.map(() => CONNECTION_FAILED);
    }
    if (sendable.length === batch.length) return answers;
    let next = 0;
    return batch.map((m) => (wellFormedToken('fcm', m.token) ? answers[next++]! : MALFORMED));
  };

  return {
    name: 'fcm',
    service: 'fcm',
    async send(messages) {
      if (messages.length <= FCM_BATCH) return messages.length ? sendBatch(messages) : [];
      const batches: Array<Promise<PushResult[]>> = [];
      for (let i = 0; i < messages.length; i += FCM_BATCH) batches.push(sendBatch(messages.slice(i, i + FCM_BATCH)));
      return (await Promise.all(batches)).flat();
    },
    async close() {
      await deleteApp(app);
      agent.destroy();
    },
  };
}

const toFcm = (m: PushMessage, at: number): Message => ({
  token: m.token,
  ...fcmPayload(m),
  // Whole seconds, as FCM counts them; a message already due gets 0 ("now or never").
  android: {
    ...FCM_PRIORITY[m.urgency],
    ttl: Math.max(0, Math.floor((m.expiresAt - at) / 1000) * 1000),
  },
});

/**
 * Per urgency, FCM's delivery priority (`android.priority`) and how the notification is shown
 * (`android.notification.priority`, on the wire `notification_priority: PRIORITY_LOW|DEFAULT|HIGH`).
 */
const FCM_PRIORITY = {
  low: { priority: 'normal', notification: { priority: 'low' } },
  normal: { priority: 'high', notification: { priority: 'default' } },
  high: { priority: 'high', notification: { priority: 'high' } },
} as const satisfies Record<Urgency, AndroidConfig>;

/**
 * From FCM's error table (firebase-admin's codes in brackets): UNREGISTERED [registration-token-not-registered]
 * and the legacy InvalidRegistration [invalid-registration-token] mean the token is dead. INVALID_ARGUMENT is
 * usually the payload, not the token, so it fails the delivery but keeps the token. SENDER_ID_MISMATCH
 * [mismatched-credential] means the token belongs to another Firebase project: a configuration mismatch that
 * would wipe every Android token if read as an invalid token, and not in Google's list of responses after which
 * a token may be deleted; it is permanent, like THIRD_PARTY_AUTH_ERROR. QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL,
 * other 5xx and network failures are retryable.
 */
function classify(response: SendResponse): PushResult {
  if (response.success) return OK;
  const error = response.error;
  const code = error?.code ?? 'unknown';
  const message = error?.message ?? '';
  switch (code) {
    case 'messaging/registration-token-not-registered':
      return { outcome: 'invalidToken', reason: 'UNREGISTERED' };
    case 'messaging/invalid-registration-token':
      return { outcome: 'invalidToken', reason: 'INVALID_REGISTRATION' };
    case 'messaging/message-rate-exceeded':
      return { outcome: 'retryable', reason: 'QUOTA_EXCEEDED', retryAfterMs: QUOTA_RETRY_MS };
    case 'messaging/server-unavailable':
      return SERVER_UNAVAILABLE;
    case 'messaging/internal-error':
      return SERVER_INTERNAL;
    case 'messaging/invalid-argument':
      return { outcome: 'permanent', reason: `INVALID_ARGUMENT: ${message}`.slice(0, 300) };
    case 'messaging/mismatched-credential':
      return { outcome: 'permanent', reason: 'SENDER_ID_MISMATCH' };
    case 'messaging/third-party-auth-error':
      return { outcome: 'permanent', reason: 'THIRD_PARTY_AUTH_ERROR' };
    case 'app/network-error':
    case 'app/network-timeout':
      return CONNECTION_FAILED;
    case 'app/invalid-credential':
      // The OAuth token could not be had (logged once per batch): a network failure, or Google refused the account.
      return NETWORK_ERROR.test(message) ? CONNECTION_FAILED : { outcome: 'retryable', reason: 'authenticationFailed' };
  }
  // A response firebase-admin could not read (e.g. a proxy's HTML page): its status decides.
  const status = Number(/Status code: (\d+)/.exec(message)?.[1] ?? 0);
  if (status === 429 || status >= 500) return { outcome: 'retryable', reason: `HTTP ${status}` };
  return { outcome: 'permanent', reason: `${code.replace(/^messaging\//, '')}: ${message}`.slice(0, 300) };
}

const NETWORK_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up/;

/**
 * firebase-admin retries 503s and resets itself (up to 4 times, waiting up to 60 s each), holding the whole
 * batch meanwhile; the dispatcher retries with its own backoff instead, so a batch answers at once.
 */
function withoutSdkRetries(messaging: Messaging) {
  const handler: unknown = Reflect.get(messaging, 'messagingRequestHandler');
  const client: unknown = typeof handler === 'object' && handler ? Reflect.get(handler, 'httpClient') : undefined;
  if (typeof client === 'object' && client && 'retry' in client) Reflect.set(client, 'retry', null);
}

/** Dials `target` for every request while TLS still checks the name the request was for. */
class OriginAgent extends https.Agent {
  constructor(
    private readonly target: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void) {
    const servername = options.servername || options.host || undefined;
    return super.createConnection({ ...options, host: this.target.hostname, port: Number(this.target.port || 443), servername }, callback);
  }
}
