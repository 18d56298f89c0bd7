import type { DeliveryStatus, NotificationStatus, SendInput } from '../../shared/schemas';
import { serverUrlProblem } from './connection-check';
import type {
  Accepted,
  Delivery,
  Device,
  DirectoryStatus,
  DirectorySync,
  EntraSignIn,
  Group,
  Me,
  NotificationItem,
  Page,
  Preview,
  Quotas,
  SendAnswer,
  SyncStarted,
  Template,
  TemplateChange,
  TemplateInput,
} from './api-types';

export interface Connection {
  serverUrl: string;
  /** Herald's API token, or what gives the bearer at each call (the Entra access token, renewed when due); none when empty. */
  token: string | (() => Promise<string>);
}

/** A failed call: `status` 0 means Herald could not be reached at all. */
export class HeraldError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds until a quota frees, from a 429's Retry-After. */
    readonly retryAfter: number | null = null,
    /** The error's `details`: for a bulk send that refused every device, each device with its refusal. */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

const searchPath = (kind: 'groups' | 'devices', search: string) => `/v1/${kind}?${new URLSearchParams({ search, limit: '8' }).toString()}`;

/** The Herald API for one server and token. */
export function createApi({ serverUrl, token }: Connection, fetchFn: typeof fetch = (...args) => fetch(...args)) {
  const base = serverUrl.replace(/\/+$/, '');
  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    // a server saved before URLs were checked, or one reached another way: no token goes to it in the clear
    const problem = serverUrlProblem(base);
    if (problem) throw new HeraldError(0, 'insecureServer', problem);
    const headers: Record<string, string> = {};
    const bearer =
      typeof token === 'string'
        ? token
        : await token().catch((error: unknown) => {
            // a sign-in that could not be renewed: said in its own words, as Herald would refuse the call
            throw new HeraldError(401, 'signIn', error instanceof Error ? error.message : String(error));
          });
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchFn(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new HeraldError(0, 'unreachable', `Herald is unreachable at ${base}.`);
    }
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (res.ok) return parsed as T;
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const retryAfter = Number(res.headers.get('retry-after'));
    // an Entra access token (a JWT; Herald's own tokens start hrld_) refused: not the API token's fault
    if (res.status === 401 && bearer.split('.').length === 3)
      throw new HeraldError(
        401,
        'signIn',
        `Herald refused the Microsoft sign-in (401): ${error?.message ?? res.statusText} Sign in with Microsoft again in Options, or ask an administrator whether your tenant is connected to Herald.`,
      );
    throw new HeraldError(
      res.status,
      error?.code ?? 'httpError',
      error?.message ?? `Herald answered ${res.status} ${res.statusText}.`,
      res.status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
      error?.details,
    );
  }
  return {
    me: () => request<Me>('GET', '/v1/me'),
    /** What the extension needs to sign in to a tenant with Microsoft (answered without a token). */
    entraConfig: (tenant: string) => request<EntraSignIn>('GET', `/v1/auth/entra?${new URLSearchParams({ tenant }).toString()}`),
    groups: (search: string, signal?: AbortSignal) => request<Page<Group>>('GET', searchPath('groups', search), undefined, signal),
    devices: (search: string, signal?: AbortSignal) => request<Page<Device>>('GET', searchPath('devices', search), undefined, signal),
    device: (id: string) => request<Device>('GET', `/v1/devices/${encodeURIComponent(id)}`),
    preview: (input: Partial<SendInput>, signal?: AbortSignal) => request<Preview>('POST', '/v1/notifications/preview', input, signal),
    send: (input: SendInput) => request<SendAnswer>('POST', '/v1/notifications', input),
    /** Cancels a scheduled send: the notification, now canceled; 409 notScheduled once it fired or was canceled. */
    cancel: (id: string) => request<NotificationItem>('POST', `/v1/notifications/${encodeURIComponent(id)}/cancel`),
    /** Sends the message again to those who have not acknowledged (or opened) it: 409 nothingToRemind when none is left. */
    remind: (id: string) => request<Accepted>('POST', `/v1/notifications/${encodeURIComponent(id)}/reminders`),
    templates: (search = '', signal?: AbortSignal) =>
      request<Page<Template>>(
        'GET',
        `/v1/templates?${new URLSearchParams(search.trim() ? { search: search.trim(), limit: '8' } : { limit: '50' })}`,
        undefined,
        signal,
      ),
    createTemplate: (input: TemplateInput) => request<Template>('POST', '/v1/templates', input),
    updateTemplate: (id: string, patch: TemplateChange) => request<Template>('PATCH', `/v1/templates/${encodeURIComponent(id)}`, patch),
    deleteTemplate: (id: string) => request<null>('DELETE', `/v1/templates/${encodeURIComponent(id)}`),
    quotas: (deviceId?: string) => request<Quotas>('GET', `/v1/quotas${deviceId ? `?deviceId=${encodeURIComponent(deviceId)}` : ''}`),
    notifications: (status?: NotificationStatus) =>
      request<Page<NotificationItem>>(
        'GET',
        `/v1/notifications?${new URLSearchParams({ limit: '20', ...(status && { status }) }).toString()}`,
      ),
    notification: (id: string) => request<NotificationItem>('GET', `/v1/notifications/${encodeURIComponent(id)}`),
    directoryStatus: () => request<DirectoryStatus>('GET', '/v1/directory/status'),
    startSync: () => request<SyncStarted>('POST', '/v1/directory/sync'),
    sync: (id: string) => request<DirectorySync>('GET', `/v1/directory/syncs/${encodeURIComponent(id)}`),
    deliveries: (id: string, status: DeliveryStatus) =>
      request<Page<Delivery>>(
        'GET',
        `/v1/notifications/${encodeURIComponent(id)}/deliveries?${new URLSearchParams({ status, limit: '50' }).toString()}`,
      ),
  };
}

export type HeraldApi = ReturnType<typeof createApi>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
