import http2, { type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { KeyObject } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { apnsPayload } from '../../../shared/push-payload';
import type { Logger } from '../../core/logger';
import { apnsTokenSource, type ApnsTokenSource } from './apns-jwt';
import { CONNECTION_FAILED, OK, retryAfterMs } from './results';
import type { PushMessage, PushProvider, PushResult } from './types';
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

  const push = async (message: PushMessage): Promise<PushResult> => {
    // Tried again only where APNs cannot have seen it: the session went away (GOAWAY) before the push got a
    // stream, or the server refused the stream unprocessed. Waiting for a stream slot, over all tries, ends at
    // one request timeout; with the request's own timeout a push takes at most twice that (the lease is longer).
    const slotDeadline = Date.now() + requestTimeoutMs;
    let result = CONNECTION_FAILED;
    for (let attempt = 0; attempt < 3; attempt++) {
      let conn = current;
      if (!conn?.usable || !conn.connected) {
        try {
          conn = await connection();
        } catch {
          return CONNECTION_FAILED;
        }
      }
      const slot = conn.acquire(slotDeadline);
      const granted = slot === true ? 'granted' : await slot;
      if (granted === 'timedOut') return NO_STREAM_SLOT;
      if (granted === 'gone') continue;
      try {
        result = await request(conn, message, tokens, options.topic);
      } finally {
        conn.release();
      }
      if (result !== NOT_PROCESSED) return result;
    }
    return result;
  };

  return {
    name: 'apns',
    service: 'apns',
    send: (messages) => Promise.all(messages.map(push)),
    async close() {
      const conn = current;
      current = undefined;
      await conn?.close();
    },
  };
}

/** 5: delivered when it saves the device power (a passive message); 10: at once. */
const APNS_PRIORITY = { low: '5', normal: '10', high: '10' } as const satisfies Record<Urgency, string>;

function request(conn: Connection, message: PushMessage, tokens: ApnsTokenSource, topic: string): Promise<PushResult> {
  const session = conn.session;
  let stream: ClientHttp2Stream;
  try {
    stream = session.request({
      ':method': 'POST',
      ':path': `/3/device/${encodeURIComponent(message.token)}`,
      authorization: tokens.authorization(),
      'apns-push-type': 'alert',
      'apns-topic': topic,
      'apns-priority': APNS_PRIORITY[message.urgency],
      'apns-expiration': String(Math.max(0, Math.floor(message.expiresAt / 1000))),
      'apns-collapse-id': message.notificationId,
      'apns-id': message.deliveryId,
    });
  } catch (err) {
    // The session closed under us (the push never left: send it on a new one), or a header value is unusable
    // (ids are server-made UUIDs, so only the former in practice).
    if (session.closed || session.destroyed) return Promise.resolve(NOT_PROCESSED);
    return Promise.resolve({ outcome: 'permanent', reason: errorCode(err) });
  }
  return new Promise((resolve) => {
    let status = 0;
    let retryAfter: string | undefined;
    let body = '';
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      if (status === 200) return void stream.resume(); // no body
      retryAfter = headers['retry-after'] as string | undefined;
      stream.on('data', (chunk: Buffer) => {
        body += chunk; // Apple's JSON reasons are ASCII
      });
    });
    // A reset, a timeout or a lost session: 'error' (if any) comes first, 'close' always.
    stream.on('error', ignore);
    stream.on('close', () => {
      conn.unwatch(stream);
      if (status && stream.readableEnded) resolve(classify(status, body, retryAfter, tokens));
      else resolve(stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? NOT_PROCESSED : CONNECTION_FAILED);
    });
    conn.watch(stream);
    stream.end(apnsPayload(message));
  });
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
   * `true` at once, or a promise of `granted` when a stream slot frees up, `gone` if the session went away,
   * `timedOut` if no slot came by `until` (epoch ms).
   */
  acquire(until: number): true | Promise<Slot> {
    if (this.waiting.length === 0 && this.active < this.limit) {
      this.active++;
      return true;
    }
    return new Promise((wake) => this.waiting.push({ until, wake }));
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
