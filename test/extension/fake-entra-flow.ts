import { get } from 'node:https';
import { vi } from 'vitest';
import browser from 'webextension-polyfill';
import type { WebAuthFlow } from '../../extension/utils/entra-auth';
import type { FakeEntra } from '../fakes/entra-id';
import { fakeFetch, type Routes } from './fake-herald';

/** The extension's redirect URL as Chromium makes it (WXT's fake browser has no identity API). */
export const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';

/** What launchWebAuthFlow does with a page that redirects at once: the URL it was sent back to, or a failure to load. */
export const browserFlow: WebAuthFlow = ({ url }) =>
  new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      if (res.statusCode === 302 && res.headers.location?.startsWith(REDIRECT)) resolve(res.headers.location);
      else reject(new Error('Authorization page could not be loaded.'));
    }).on('error', reject);
  });

/** The browser's identity API over the fake Entra ID; answers the spy of launchWebAuthFlow. */
export function fakeIdentity(launch: WebAuthFlow = browserFlow) {
  vi.spyOn(browser.identity, 'getRedirectURL').mockReturnValue(REDIRECT);
  return vi
    .spyOn(browser.identity, 'launchWebAuthFlow')
    .mockImplementation(async (details) => (await launch({ url: details.url, interactive: details.interactive ?? false })) ?? '');
}

/** A global fetch that sends Entra's requests to the fake Entra ID over HTTPS and answers Herald's from `routes`. */
export function entraAndHeraldFetch(entra: FakeEntra, routes: Routes) {
  const real = globalThis.fetch;
  const herald = fakeFetch(routes);
  const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
    String(input).startsWith(entra.origin) ? real(input, init) : herald(input, init),
  );
  vi.stubGlobal('fetch', fetch);
  return herald;
}

/** The fake's requests in short: `authorize <prompt> <answer>` or `token <grant> <answer>`. */
export const entraRequests = (entra: FakeEntra) =>
  entra.signIn.requests.map((r) => (r.endpoint === 'authorize' ? `authorize ${r.prompt} ${r.answered}` : `token ${r.grant} ${r.answered}`));

/** The fake ready for a test: the redirect URL registered, no browser session, a fresh request log, 1 h access tokens. */
export function resetEntra(entra: FakeEntra) {
  Object.assign(entra.signIn, {
    redirectUris: [REDIRECT],
    hasSession: false,
    declineSignIn: false,
    requests: [],
    accessTokenSeconds: 3600,
  });
  entra.signIn.refreshTokenSeconds = 24 * 3600;
}
