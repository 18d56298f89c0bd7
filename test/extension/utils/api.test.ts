import { describe, expect, it } from 'vitest';
import { createApi, HeraldError } from '../../../extension/utils/api';
import { describeProblem } from '../../../extension/utils/problem';
import { fakeFetch, SERVER } from '../fake-herald';

describe('createApi', () => {
  it('sends the bearer token and a JSON body, and searches with ?search=', async () => {
    const fetch = fakeFetch({
      'GET /v1/devices': (req) => ({ body: { items: [], nextCursor: null, echo: req.query.get('search') } }),
      'POST /v1/notifications/preview': (req) => ({
        body: { target: { type: 'groups', groupIds: req.body.groupIds }, audience: { users: 1, devices: 2, skipped: {} } },
      }),
    });
    const api = createApi({ serverUrl: `${SERVER}/`, token: 'hrd_abc' }, fetch as typeof globalThis.fetch);
    await api.devices('ana & co');
    const preview = await api.preview({ groupIds: ['g1'] });
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe(`${SERVER}/v1/devices?search=ana+%26+co&limit=8`);
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer hrd_abc');
    expect(preview.audience.devices).toBe(2);
  });

  it('sends nothing, token included, to a server over http:// other than this machine', async () => {
    const fetch = fakeFetch({ 'GET /v1/me': () => ({ body: {} }) });
    const api = createApi({ serverUrl: 'http://herald.contoso.example', token: 'hrld_secret' }, fetch as typeof globalThis.fetch);
    const error = await api.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ status: 0, code: 'insecureServer', message: expect.stringContaining('https://') });
    expect(fetch.mock.calls).toHaveLength(0);
  });

  it("turns an error answer into a HeraldError with the server's code, message and Retry-After", async () => {
    const api = createApi(
      { serverUrl: SERVER, token: 't' },
      fakeFetch({
        'POST /v1/notifications': () => ({
          status: 429,
          headers: { 'retry-after': '120' },
          body: { error: { code: 'quotaExceeded', message: 'Quota used.' } },
        }),
      }) as typeof fetch,
    );
    const error = await api.send({ title: 't', body: 'b', deviceId: 'd' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ status: 429, code: 'quotaExceeded', message: 'Quota used.', retryAfter: 120 });
  });

  it('a refused Entra access token is said as a refused Microsoft sign-in, with what Herald found wrong', async () => {
    const refuse = () => ({ status: 401, body: { error: { code: 'unauthenticated', message: 'The token is expired.' } } });
    const entra = createApi(
      { serverUrl: SERVER, token: async () => 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2ln' },
      fakeFetch({ 'GET /v1/me': refuse }) as typeof fetch,
    );
    expect(describeProblem(await entra.me().catch((e: unknown) => e))).toBe(
      'Herald refused the Microsoft sign-in (401): The token is expired. Sign in with Microsoft again in Options, or ask an administrator whether your tenant is connected to Herald.',
    );
    const apiToken = createApi({ serverUrl: SERVER, token: 'hrld_abc' }, fakeFetch({ 'GET /v1/me': refuse }) as typeof fetch);
    expect(describeProblem(await apiToken.me().catch((e: unknown) => e))).toMatch(/^Herald refused the API token \(401\)/);
  });

  it('reports a network failure as status 0, unreachable', async () => {
    const api = createApi({ serverUrl: 'http://127.0.0.1:1', token: 't' }, (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch);
    await expect(api.me()).rejects.toMatchObject({
      status: 0,
      code: 'unreachable',
      message: 'Herald is unreachable at http://127.0.0.1:1.',
    });
  });
});
