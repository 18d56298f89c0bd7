import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import http2, { type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tempFile } from './files';
import { scriptedAnswers } from './scripted';
import { testTls } from './tls';

/**
 * What the fake answers to one push: a status with Apple's reason and an optional Retry-After (seconds, or a
 * header value such as an HTTP date), or a stream reset. `delayMs` holds the answer back.
 */
export type ApnsAnswer = ({ status: number; reason?: string; retryAfter?: number | string } | { reset: true }) & { delayMs?: number };

export const apnsAnswers = {
  ok: { status: 200 },
  badDeviceToken: { status: 400, reason: 'BadDeviceToken' },
  unregistered: { status: 410, reason: 'Unregistered' },
  tooManyRequests: (retryAfter?: number | string) => ({ status: 429, reason: 'TooManyRequests', retryAfter }),
  serviceUnavailable: (retryAfter?: number | string) => ({ status: 503, reason: 'ServiceUnavailable', retryAfter }),
  expiredProviderToken: { status: 403, reason: 'ExpiredProviderToken' },
  payloadTooLarge: { status: 413, reason: 'PayloadTooLarge' },
} satisfies Record<string, ApnsAnswer | ((retryAfter?: number | string) => ApnsAnswer)>;

/** A .p8 key as Apple issues it, written to a temp file, with the ids that go with it. */
export interface ApnsTestKey {
  keyFile: string;
  keyId: string;
  teamId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function apnsTestKey(): ApnsTestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyId = randomBytes(5).toString('hex').toUpperCase();
  const keyFile = tempFile(`AuthKey_${keyId}.p8`, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return { keyFile, keyId, teamId: randomBytes(5).toString('hex').toUpperCase(), privateKey, publicKey };
}

export interface ApnsReceived {
  token: string;
  headers: Record<string, string>;
  payload: unknown;
  /** Epoch ms when the whole request had arrived. */
  at: number;
}

export interface FakeApnsOptions {
  /** The key whose public half verifies provider tokens (default: a new one, see `fake.key`). */
  key?: ApnsTestKey;
  topic?: string;
  /** Advertised in SETTINGS, as Apple does (it advertises 1000 once a token is accepted). */
  maxConcurrentStreams?: number;
  /** false: keep only `count` (a bench's fast path); true (default): keep every request in `received`. */
  record?: boolean;
  /** The fake's clock for provider-token age (APNs refuses tokens older than an hour). */
  now?: () => number;
  /** A fixed port (e.g. to come back on the same origin after an outage); default: any free one. */
  port?: number;
}

export interface FakeApns {
  origin: string;
  /** PEM of the CA its certificate chains to; `caFile` is the same on disk (for NODE_EXTRA_CA_CERTS). */
  ca: string;
  caFile: string;
  key: ApnsTestKey;
  topic: string;
  received: ApnsReceived[];
  /** Requests fully received so far (recorded or not). */
  readonly count: number;
  /** The most streams that were open at once. */
  readonly maxConcurrent: number;
  /** TLS sessions accepted so far. */
  readonly connections: number;
  /** Distinct provider tokens presented, in order of first use. */
  providerTokens: string[];
  /** Answers for one device token, used once each in order; then the default applies. */
  script(token: string, ...answers: ApnsAnswer[]): void;
  /** The answer for every push without a scripted one (initially 200). */
  setDefault(answer: ApnsAnswer): void;
  /** Resolves once `count` reaches n. */
  waitFor(n: number): Promise<void>;
  /** Sends GOAWAY on every open session and closes it, as APNs does when it shuts a connection. */
  goawayAll(): void;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_TOKEN = /^[0-9a-f]{64,200}$/i;
const HOUR_MS = 3_600_000;

/** A fake APNs: HTTP/2 over TLS on 127.0.0.1 that checks provider tokens and headers like Apple does. */
export async function startFakeApns(options: FakeApnsOptions = {}): Promise<FakeApns> {
  const tls = testTls();
  const key = options.key ?? apnsTestKey();
  const topic = options.topic ?? 'com.example.herald';
  const record = options.record ?? true;
  const now = options.now ?? Date.now;
  const verified = new Map<string, number>(); // provider token -> its iat in ms
  const sessions = new Set<Http2Session>();
  const answers = scriptedAnswers<ApnsAnswer>(apnsAnswers.ok);
  let open = 0;
  let maxConcurrent = 0;
  let connections = 0;

  const received: ApnsReceived[] = [];
  const providerTokens: string[] = [];

  const server = http2.createSecureServer({
    key: tls.key,
    cert: tls.cert,
    settings: { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000 },
  });
  server.on('session', (session) => {
    sessions.add(session);
    connections++;
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    open++;
    if (open > maxConcurrent) maxConcurrent = open;
    stream.on('close', () => open--);
    stream.on('error', () => {});
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => {
      const token = headers[':path']?.slice('/3/device/'.length) ?? '';
      if (record) received.push({ token, headers: plain(headers), payload: parse(body), at: Date.now() });
      answers.arrived();
      answer(stream, headers['apns-id'], check(headers, body, token) ?? answers.answerFor(token));
    });
  });

  function check(headers: IncomingHttpHeaders, body: string, token: string): ApnsAnswer | undefined {
    if (headers[':method'] !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };
    if (!headers[':path']?.startsWith('/3/device/')) return { status: 404, reason: 'BadPath' };
    const auth = providerToken(headers.authorization);
    if (auth) return auth;
    if (!HEX_TOKEN.test(token)) return apnsAnswers.badDeviceToken;
    if (!headers['apns-topic']) return { status: 400, reason: 'MissingTopic' };
    if (headers['apns-topic'] !== topic) return { status: 400, reason: 'DeviceTokenNotForTopic' };
    if (headers['apns-push-type'] !== 'alert') return { status: 400, reason: 'InvalidPushType' };
    // Apple's documented values: 10 (at once), 5 (when it saves power), 1 (power first)
    if (!['10', '5', '1'].includes(String(headers['apns-priority']))) return { status: 400, reason: 'BadPriority' };
    if (!UUID.test(String(headers['apns-id']))) return { status: 400, reason: 'BadMessageId' };
    if (!/^\d+$/.test(String(headers['apns-expiration']))) return { status: 400, reason: 'BadExpirationDate' };
    const collapse = headers['apns-collapse-id'];
    if (typeof collapse === 'string' && Buffer.byteLength(collapse) > 64) return { status: 400, reason: 'BadCollapseId' };
    if (!body) return { status: 400, reason: 'PayloadEmpty' };
    if (Buffer.byteLength(body) > 4096) return apnsAnswers.payloadTooLarge;
    return undefined;
  }

  function providerToken(header: string | undefined): ApnsAnswer | undefined {
    if (!header?.startsWith('bearer ')) return { status: 403, reason: 'MissingProviderToken' };
    const jwt = header.slice('bearer '.length);
    let iat = verified.get(jwt);
    if (iat === undefined) {
      const [head, claims, signature] = jwt.split('.');
      const h = parse(Buffer.from(head ?? '', 'base64url').toString()) as { alg?: string; kid?: string } | undefined;
      const c = parse(Buffer.from(claims ?? '', 'base64url').toString()) as { iss?: string; iat?: number } | undefined;
      const valid =
        h?.alg === 'ES256' &&
        h.kid === key.keyId &&
        c?.iss === key.teamId &&
        typeof c.iat === 'number' &&
        verify(
          'sha256',
          Buffer.from(`${head}.${claims}`),
          { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
          Buffer.from(signature ?? '', 'base64url'),
        );
      if (!valid) return { status: 403, reason: 'InvalidProviderToken' };
      iat = c.iat! * 1000;
      verified.set(jwt, iat);
      providerTokens.push(jwt);
    }
    return now() - iat > HOUR_MS ? apnsAnswers.expiredProviderToken : undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    origin: `https://127.0.0.1:${port}`,
    ca: tls.ca,
    caFile: tls.caFile,
    key,
    topic,
    received,
    get count() {
      return answers.count;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    get connections() {
      return connections;
    },
    providerTokens,
    script: answers.script,
    setDefault: answers.setDefault,
    waitFor: answers.waitFor,
    goawayAll() {
      for (const session of sessions) session.close();
    },
    close() {
      for (const session of sessions) session.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(stream: ServerHttp2Stream, apnsId: string | string[] | undefined, a: ApnsAnswer) {
  const respond = () => {
    if (stream.destroyed || stream.closed) return;
    if ('reset' in a) return stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    const headers: http2.OutgoingHttpHeaders = { ':status': a.status, 'apns-id': apnsId ?? '' };
    if (a.retryAfter !== undefined) headers['retry-after'] = String(a.retryAfter);
    if (a.status === 200) return stream.respond(headers, { endStream: true });
    stream.respond({ ...headers, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ reason: a.reason, ...(a.status === 410 ? { timestamp: Date.now() } : {}) }));
  };
  if (a.delayMs) setTimeout(respond, a.delayMs);
  else respond();
}

function plain(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name] = value;
  return out;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
