import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { KeyObject } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { apnsPayloadAround } from '../../../shared/push-payload';
import type { Logger } from '../../core/logger';
import { apnsTokenSource, type ApnsTokenSource } from './apns-jwt';
import { CONNECTION_FAILED, OK, retryAfterMs } from './results';
import { sameNotificationText, type PushMessage, type PushProvider, type PushResult } from './types';
import type { Urgency } from '../../../shared/urgency';

export interface ApnsOptions {
  /** The .p8 signing key (PKCS#8, EC P-256). */
  key: KeyObject;
  keyId: string;
  teamId: string;
  /** The app's bundle id (`apns-topic`). */
  topic: string;
  /** `https://api.push.apple.com`, the sandbox, or a test double. */
  origin: string;
  /** A CA trusted in addition to the system's (a test double's); TLS verification itself stays on. */
  ca?: string;
  now?: () => number;
  log?: Logger;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** A stream the server refused unprocessed (REFUSED_STREAM, as after its GOAWAY): safe to send again. */
const NOT_PROCESSED: PushResult = Object.freeze({ outcome: 'retryable', reason: 'connectionFailed' });

/**
 * A push that found no free stream slot within the request timeout: it never left, so it is safe to retry.
 * Without this bound a batch could wait behind a narrow server for longer than the worker's lease.
 */
const NO_STREAM_SLOT: PushResult = Object.freeze({ outcome: 'retryable', reason: 'noStreamSlot' });

/** Never more streams than this on one session, even where the server allows more. */
const MAX_STREAMS = 1000;

/**
 * APNs over one long-lived HTTP/2 session with token authentication. Pushes are pipelined up to the
 * server's advertised `maxConcurrentStreams`; a lost session is replaced on the next push.
 */
export function createApnsProvider(options: ApnsOptions): PushProvider {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const tokens = apnsTokenSource({ key: options.key, keyId: options.keyId, teamId: options.teamId, now });
  const ca = options.ca ? [...rootCertificates, options.ca] : undefined;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  let current: Connection | undefined;

  const connection = (): Promise<Connection> => {
    if (!current?.usable) current = new Connection(options.origin, ca, { connectTimeoutMs, requestTimeoutMs }, log);
    return current.ready;
  };

  /**
   * Pushes one message and calls `done` with its result. Tried again only where APNs cannot have seen it: the
   * session went away (GOAWAY) before the push got a stream, or the server refused the stream unprocessed.
   * Waiting for a stream slot, over all tries, ends at one request timeout; with the request's own timeout a
   * push takes at most twice that (the lease is longer). Callbacks, not promises: this runs for every push.
   */
  const push = (message: PushMessage, body: string, notification: NotificationHeaders, done: (result: PushResult) => void) => {
    const slotDeadline = Date.now() + requestTimeoutMs;
    let tries = 0;
    let result = CONNECTION_FAILED;
    const onConnection = (conn: Connection) =>
      conn.acquire(slotDeadline, (slot) => {
        if (slot === 'timedOut') return done(NO_STREAM_SLOT);
        if (slot === 'gone') return attempt();
        request(conn, message, body, notification, tokens, (answer) => {
          conn.release();
          result = answer;
          if (answer === NOT_PROCESSED) attempt();
          else done(answer);
        });
      });
    const attempt = () => {
      if (tries++ === 3) return done(result);
      const conn = current;
      if (conn?.usable && conn.connected) return onConnection(conn);
      connection().then(onConnection, () => done(CONNECTION_FAILED));
    };
    attempt();
  };

  return {
    name: 'apns',
    service: 'apns',
    send: (messages) =>
      new Promise((resolve) => {
        const results: PushResult[] = new Array(messages.length);
        let left = messages.length;
        if (left === 0) return resolve(results);
        // A batch holds runs of one notification's devices: its body's head and tail and its headers are made once per run.
        let previous: PushMessage | undefined;
        let around = { head: '', tail: '' };
        let notification: NotificationHeaders | undefined;
        messages.forEach((message, i) => {
          if (!previous || !sameNotificationText(previous, message)) {
            around = apnsPayloadAround(message);
            notification = notificationHeaders(message, options.topic);
          }
          previous = message;
          push(message, around.head + JSON.stringify(message.deliveryId) + around.tail, notification!, (result) => {
            results[i] = result;
            if (--left === 0) resolve(results);
          });
        });
      }),
    async close() {
      const conn = current;
      current = undefined;
      await conn?.close();
    },
  };
}

/** 5: delivered when it saves the device power (a passive message); 10: at once. */
const APNS_PRIORITY = { low: '5', normal: '10', high: '10' } as const satisfies Record<Urgency, string>;

/** The headers every device of one notification gets alike. */
interface NotificationHeaders {
  'apns-push-type': 'alert';
  'apns-topic': string;
  'apns-priority': string;
  'apns-expiration': string;
  'apns-collapse-id': string;
}

const notificationHeaders = (m: PushMessage, topic: string): NotificationHeaders => ({
  'apns-push-type': 'alert',
  'apns-topic': topic,
  'apns-priority': APNS_PRIORITY[m.urgency],
  'apns-expiration': String(Math.max(0, Math.floor(m.expiresAt / 1000))),
  'apns-collapse-id': m.notificationId,
});

function request(
  conn: Connection,
  message: PushMessage,
  body: string,
  notification: NotificationHeaders,
  tokens: ApnsTokenSource,
  done: (result: PushResult) => void,
) {
  const session = conn.session;
  let stream: ClientHttp2Stream;
  try {
    stream = session.request({
      ':method': 'POST',
      ':path': `/3/device/${encodeURIComponent(message.token)}`,
      authorization: tokens.authorization(),
      ...notification,
      'apns-id': message.deliveryId,
    });
  } catch (err) {
    // The session closed under us (the push never left: send it on a new one), or a header value is unusable
    // (ids are server-made UUIDs, so only the former in practice).
    if (session.closed || session.destroyed) return done(NOT_PROCESSED);
    return done({ outcome: 'permanent', reason: errorCode(err) });
  }
  let status = 0;
  let retryAfter: string | undefined;
  let answer = '';
  stream.on('response', (headers) => {
    status = Number(headers[':status']);
    if (status === 200) return void stream.resume(); // no body
    retryAfter = headers['retry-after'] as string | undefined;
    stream.on('data', (chunk: Buffer) => {
      answer += chunk; // Apple's JSON reasons are ASCII
    });
  });
  // A reset, a timeout or a lost session: 'error' (if any) comes first, 'close' always.
  stream.on('error', ignore);
  stream.on('close', () => {
    conn.unwatch(stream);
    if (status && stream.readableEnded) done(classify(status, answer, retryAfter, tokens));
    else done(stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? NOT_PROCESSED : CONNECTION_FAILED);
  });
  conn.watch(stream);
  stream.end(body);
}

const ignore = () => {};

/** Apple's table: https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns */
function classify(status: number, body: string, retryAfter: string | undefined, tokens: ApnsTokenSource): PushResult {
  if (status === 200) return OK;
  const reason = reasonOf(body) ?? `HTTP ${status}`;
  if (status === 410 || (status === 400 && (reason === 'BadDeviceToken' || reason === 'DeviceTokenNotForTopic'))) {
    return { outcome: 'invalidToken', reason };
  }
  if (status === 403 && (reason === 'ExpiredProviderToken' || reason === 'InvalidProviderToken')) {
    tokens.refused();
    return { outcome: 'retryable', reason };
  }
  if (status === 429 || status >= 500) {
    const after = retryAfterMs(retryAfter);
    return after === undefined ? { outcome: 'retryable', reason } : { outcome: 'retryable', reason, retryAfterMs: after };
  }
  return { outcome: 'permanent', reason };
}

function reasonOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const reason = typeof parsed === 'object' && parsed !== null && 'reason' in parsed ? parsed.reason : undefined;
    return typeof reason === 'string' && reason ? reason : undefined;
  } catch {
    return undefined;
  }
}

const errorCode = (err: unknown) => (err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : String(err));

type Slot = 'granted' | 'gone' | 'timedOut';

/** One HTTP/2 session, the stream slots it allows, and the deadlines of its streams. */
class Connection {
  readonly session: ClientHttp2Session;
  readonly ready: Promise<Connection>;
  usable = true;
  /** The server's SETTINGS arrived: streams may start. */
  connected = false;
  private active = 0;
  /** The server's advertised maxConcurrentStreams (capped), read once per SETTINGS frame: the getter builds an object. */
  private limit = 1;
  /** Pushes waiting for a slot, oldest first, each with the time it stops waiting. */
  private waiting: Array<{ until: number; wake: (granted: Slot) => void }> = [];
  /** Streams in flight and when each must have finished, oldest first (one sweep is cheaper than a timer per push). */
  private deadlines = new Map<ClientHttp2Stream, number>();

  constructor(
    origin: string,
    ca: string[] | undefined,
    private readonly timeouts: { connectTimeoutMs: number; requestTimeoutMs: number },
    log: Logger,
  ) {
    const { connectTimeoutMs } = timeouts;
    this.session = http2.connect(origin, ca ? { ca } : {});
    const sweeper = setInterval(() => this.sweep(), Math.min(1000, timeouts.requestTimeoutMs)).unref();
    this.session.once('close', () => clearInterval(sweeper));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.session.destroy(new Error(`no answer from ${origin} in ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      this.session.once('remoteSettings', () => {
        clearTimeout(timer);
        this.connected = true;
        resolve(this);
      });
      this.session.once('close', () => {
        clearTimeout(timer);
        reject(new Error('closed before it was ready'));
      });
    });
    this.ready.catch(() => {});
    this.session.on('remoteSettings', (settings) => {
      // Node defaults an unset limit to 2^32-1; Apple sets it (1 before the first accepted token, then 1000).
      this.limit = Math.min(settings.maxConcurrentStreams ?? 1, MAX_STREAMS);
      this.grant();
    });
    this.session.on('goaway', () => this.retire());
    this.session.on('close', () => this.retire());
    this.session.on('error', (err) => {
      log({ level: 'warn', msg: 'APNs connection failed', origin, error: errorCode(err) });
      this.retire();
    });
  }

  /**
   * Calls `then` with `granted` at once or when a stream slot frees up, `gone` if the session went away,
   * `timedOut` if no slot came by `until` (epoch ms).
   */
  acquire(until: number, then: (slot: Slot) => void) {
    if (this.waiting.length === 0 && this.active < this.limit) {
      this.active++;
      return then('granted');
    }
    this.waiting.push({ until, wake: then });
  }

  watch(stream: ClientHttp2Stream) {
    this.deadlines.set(stream, Date.now() + this.timeouts.requestTimeoutMs);
  }

  unwatch(stream: ClientHttp2Stream) {
    this.deadlines.delete(stream);
  }

  release() {
    this.active--;
    if (this.usable) this.grant();
  }

  close(): Promise<void> {
    this.retire();
    if (this.session.closed || this.session.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.session.close(resolve));
  }

  /** Cancels streams past their deadline (they end as connectionFailed) and ends waits past theirs. */
  private sweep() {
    const now = Date.now();
    this.expireWaits(now);
    for (const [stream, deadline] of this.deadlines) {
      if (deadline > now) break;
      this.deadlines.delete(stream);
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }

  /** Hands free slots (one released, or the server raised its limit) to waiting pushes still in time. */
  private grant() {
    const now = Date.now();
    while (this.waiting.length > 0 && this.active < this.limit) {
      const next = this.waiting.shift()!;
      if (next.until <= now) {
        next.wake('timedOut');
        continue;
      }
      this.active++;
      next.wake('granted');
    }
  }

  /** Ends the waits past their time, wherever they are in the line (a push retried on a new session keeps its first). */
  private expireWaits(now: number) {
    if (!this.waiting.some((w) => w.until <= now)) return;
    this.waiting = this.waiting.filter((w) => (w.until <= now ? void w.wake('timedOut') : true));
  }

  private retire() {
    if (!this.usable) return;
    this.usable = false;
    for (const { wake } of this.waiting.splice(0)) wake('gone');
  }
}
