import { generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { tempFile } from './files';
import { scriptedAnswers } from './scripted';
import { testTls } from './tls';

export type FcmErrorCode =
  | 'UNREGISTERED'
  | 'INVALID_ARGUMENT'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'SENDER_ID_MISMATCH'
  | 'THIRD_PARTY_AUTH_ERROR';

/** What the fake answers to one message: success, one of FCM's errors (with an optional Retry-After), or a raw (non-JSON) reply such as a proxy's. */
export type FcmAnswer = ({ ok: true } | { error: FcmErrorCode; retryAfter?: number | string } | { status: number; text: string }) & {
  delayMs?: number;
};

const ERRORS: Record<FcmErrorCode, { status: number; grpc: string }> = {
  UNREGISTERED: { status: 404, grpc: 'NOT_FOUND' },
  INVALID_ARGUMENT: { status: 400, grpc: 'INVALID_ARGUMENT' },
  QUOTA_EXCEEDED: { status: 429, grpc: 'RESOURCE_EXHAUSTED' },
  UNAVAILABLE: { status: 503, grpc: 'UNAVAILABLE' },
  INTERNAL: { status: 500, grpc: 'INTERNAL' },
  SENDER_ID_MISMATCH: { status: 403, grpc: 'PERMISSION_DENIED' },
  THIRD_PARTY_AUTH_ERROR: { status: 401, grpc: 'UNAUTHENTICATED' },
};

/** A Google service account JSON with a fresh RSA key, written to a temp file. */
export interface FcmServiceAccount {
  file: string;
  projectId: string;
  clientEmail: string;
  publicKey: KeyObject;
}

export function fcmServiceAccount(projectId = 'herald-test'): FcmServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `herald@${projectId}.iam.gserviceaccount.com`;
  const json = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  return { file: tempFile(`service-account-${randomUUID()}.json`, JSON.stringify(json)), projectId, clientEmail, publicKey };
}

export interface FcmReceived {
  token: string;
  /** The `message` object exactly as firebase-admin sent it (e.g. `android.ttl` as "86400s"). */
  message: Record<string, unknown>;
  at: number;
}

export interface FakeFcmOptions {
  serviceAccount?: FcmServiceAccount;
  /** false: keep only `count` (a bench's fast path). */
  record?: boolean;
}

export interface FakeFcm {
  /** Set HERALD_FCM_ORIGIN to this. */
  origin: string;
  ca: string;
  caFile: string;
  serviceAccount: FcmServiceAccount;
  received: FcmReceived[];
  /** messages:send requests received so far. */
  readonly count: number;
  /** OAuth token requests with a valid assertion. */
  readonly tokenRequests: number;
  /** The access tokens the fake issued; messages:send accepts only these. */
  accessTokens: Set<string>;
  script(token: string, ...answers: FcmAnswer[]): void;
  setDefault(answer: FcmAnswer): void;
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;

/** A fake FCM HTTP v1 API and Google OAuth token endpoint over TLS on 127.0.0.1 (HTTP/1.1 and HTTP/2). */
export async function startFakeFcm(options: FakeFcmOptions = {}): Promise<FakeFcm> {
  const tls = testTls();
  const account = options.serviceAccount ?? fcmServiceAccount();
  const record = options.record ?? true;
  const accessTokens = new Set<string>();
  const received: FcmReceived[] = [];
  const answers = scriptedAnswers<FcmAnswer>({ ok: true });
  let tokenRequests = 0;

  const server = http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/token') return issueToken(body, res);
      const match = req.method === 'POST' ? SEND_PATH.exec(req.url ?? '') : null;
      if (!match) return reply(res, 404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
      messagesSend(match[1]!, req, body, res);
    });
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('sessionError', () => {});
  server.on('stream', (stream) => stream.on('error', () => {}));

  function issueToken(body: string, res: Http2ServerResponse) {
    const assertion = new URLSearchParams(body).get('assertion') ?? '';
    const [head, claims, signature] = assertion.split('.');
    const valid = verify('sha256', Buffer.from(`${head}.${claims}`), account.publicKey, Buffer.from(signature ?? '', 'base64url'));
    const iss = valid ? (JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { iss?: string }).iss : undefined;
    if (iss !== account.clientEmail) return reply(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    tokenRequests++;
    const accessToken = `ya29.fake-${randomUUID()}`;
    accessTokens.add(accessToken);
    reply(res, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
  }

  function messagesSend(project: string, req: Http2ServerRequest, body: string, res: Http2ServerResponse) {
    answers.arrived();
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ') || !accessTokens.has(auth.slice(7)))
      return replyError(res, { error: 'THIRD_PARTY_AUTH_ERROR' }, 'Request had invalid authentication credentials.', 'UNAUTHENTICATED');
    if (project !== account.projectId) return replyError(res, { error: 'SENDER_ID_MISMATCH' }, 'SenderId mismatch');
    let message: Record<string, unknown> | undefined;
    try {
      message = (JSON.parse(body) as { message?: Record<string, unknown> }).message;
    } catch {
      /* answered below */
    }
    const token = typeof message?.token === 'string' ? message.token : '';
    if (!message || !token)
      return replyError(res, { error: 'INVALID_ARGUMENT' }, 'The registration token is not a valid FCM registration token');
    if (record) received.push({ token, message, at: Date.now() });
    const answer = answers.answerFor(token);
    const respond = () => {
      if ('ok' in answer) return reply(res, 200, { name: `projects/${project}/messages/${randomUUID()}` });
      if ('text' in answer) return res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.text);
      replyError(res, answer, `Fake FCM says ${answer.error}`);
    };
    if (answer.delayMs) setTimeout(respond, answer.delayMs);
    else respond();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    origin: `https://127.0.0.1:${port}`,
    ca: tls.ca,
    caFile: tls.caFile,
    serviceAccount: account,
    received,
    get count() {
      return answers.count;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    accessTokens,
    script: answers.script,
    setDefault: answers.setDefault,
    waitFor: answers.waitFor,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function replyError(
  res: Http2ServerResponse,
  answer: { error: FcmErrorCode; retryAfter?: number | string },
  message: string,
  grpc?: string,
) {
  const { status, grpc: defaultGrpc } = ERRORS[answer.error];
  const headers: Record<string, string> = answer.retryAfter === undefined ? {} : { 'retry-after': String(answer.retryAfter) };
  const details = [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: answer.error }];
  reply(res, status, { error: { code: status, message, status: grpc ?? defaultGrpc, details } }, headers);
}

function reply(res: Http2ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) {
  if (res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(json));
}
