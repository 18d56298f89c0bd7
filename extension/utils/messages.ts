import type { SendInput } from '../../shared/schemas';
import browser, { type Runtime } from 'webextension-polyfill';
import { HeraldError } from './api';
import type { SendAnswer } from './api-types';

/** Which device the composer opens with: a known id, a name to search for, or the devices selected in a console's list. */
export type ComposerTarget = { deviceId: string } | { deviceSearch: string } | { deviceIds: string[] };

/** The one message protocol between the popup, the content scripts and the background: request and response of each. */
export interface Protocol {
  /** Sends through the background, so the confirmation shows even if the popup closes meanwhile. */
  send: { request: { input: SendInput }; response: SendAnswer };
  openComposer: { request: ComposerTarget; response: null };
  /** The device a console page is about, by the built-in and the admin's own rules. */
  deviceIdForUrl: { request: { url: string }; response: string | null };
}

export type MessageType = keyof Protocol;
export type Message = { [K in MessageType]: { type: K } & Protocol[K]['request'] }[MessageType];
export type Handlers = {
  [K in MessageType]: (request: Protocol[K]['request'], sender: Runtime.MessageSender) => Promise<Protocol[K]['response']>;
};

interface WireError {
  status: number;
  code: string;
  message: string;
  retryAfter: number | null;
  details?: unknown;
}
type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Asks the background; a failure there arrives here as the same HeraldError. */
export async function sendMessage<K extends MessageType>(type: K, request: Protocol[K]['request']): Promise<Protocol[K]['response']> {
  const reply = (await browser.runtime.sendMessage({ type, ...request })) as Reply<Protocol[K]['response']>;
  if (reply.ok) return reply.value;
  throw new HeraldError(reply.error.status, reply.error.code, reply.error.message, reply.error.retryAfter, reply.error.details);
}

const toWire = (error: unknown): WireError =>
  error instanceof HeraldError
    ? { status: error.status, code: error.code, message: error.message, retryAfter: error.retryAfter, details: error.details }
    : { status: -1, code: 'extensionError', message: error instanceof Error ? error.message : String(error), retryAfter: null };

/** The background's runtime.onMessage listener: routes each message to its handler and wraps the outcome. */
export function messageListener(handlers: Handlers) {
  return (message: unknown, sender: Runtime.MessageSender): Promise<Reply<unknown>> | undefined => {
    const { type, ...request } = (message ?? {}) as { type?: string };
    if (!type || !(type in handlers)) return undefined;
    const handler = handlers[type as MessageType] as (request: unknown, sender: Runtime.MessageSender) => Promise<unknown>;
    return handler(request, sender).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error: toWire(error) }),
    );
  };
}
