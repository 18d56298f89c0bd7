import { vi } from 'vitest';
import type { Device, Group } from '../../extension/utils/api-types';
import { createApi } from '../../extension/utils/api';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  headers: Headers;
}
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type Routes = Record<string, (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>>;

export const SERVER = 'http://127.0.0.1:8787';

/** A fetch that answers like Herald from `routes` keyed "METHOD /path"; unknown routes are 404s. */
export function fakeFetch(routes: Routes) {
  return vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    const route = routes[`${method} ${url.pathname}`];
    const req = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      headers: new Headers(init.headers),
    };
    const answer = route
      ? await route(req)
      : { status: 404, body: { error: { code: 'notFound', message: `No route ${method} ${url.pathname}` } } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  });
}

export const fakeApi = (routes: Routes) => createApi({ serverUrl: SERVER, token: 'hrd_test' }, fakeFetch(routes) as typeof fetch);

export const group = (id: string, displayName: string): Group => ({ id, displayName, memberCounts: { users: 2, devices: 0, groups: 0 } });

export const device = (over: Partial<Device> = {}): Device => ({
  id: '6f1c2b1e-8d4a-4c3e-9a57-0b1f2c3d4e5f',
  name: 'iPhone of Ana',
  platform: 'ios',
  user: { id: 'u1', upn: 'ana@contoso.example', displayName: 'Ana Lima', preferredLanguage: null },
  enrolledByUserId: 'u1',
  managementState: 'enrolled',
  app: 'companyPortal',
  appVersion: '5.0.6000.0',
  push: { service: 'apns', hasToken: true },
  notificationsPermitted: true,
  serialNumber: 'F2LXK0ABC',
  ...over,
});

export const noneSkipped = { users: 0, devices: 0, skipped: {} };

/** Lets promises and Preact's batched re-renders settle. */
export const settle = async (rounds = 3) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};

/** A notification as `GET /v1/notifications[/{id}]` shows it: sent at once and settled with nothing delivered, unless `over` says otherwise. */
export const notification = (id: string, over: object = {}) => ({
  id,
  status: 'queued',
  sendAt: null,
  firedAt: null,
  lateSeconds: null,
  failure: null,
  createdAt: '2026-12-06T09:00:00.000Z',
  sender: { accountId: 'a1', email: 'admin@contoso.example' },
  via: 'api',
  target: { type: 'groups', groupIds: ['g1'] },
  title: `Message ${id}`,
  body: 'Body',
  translations: {},
  templateId: null,
  titleLength: 9,
  bodyLength: 4,
  textErasedAt: null,
  urgency: 'normal',
  requireAcknowledgement: false,
  reminderOf: null,
  audience: { users: 0, devices: 0, skipped: {} },
  counts: { queued: 0, sent: 0, delivered: 0, opened: 0, acknowledged: 0, failed: 0, skipped: 0, expired: 0 },
  reasons: {},
  languages: [],
  ...over,
});
