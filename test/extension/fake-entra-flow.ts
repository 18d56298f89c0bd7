import { get } from 'node:https';
import { vi } from 'vitest';
import browser from 'webextension-polyfill';
import type { WebAuthFlow } from '../../extension/utils/entra-auth';
import type { FakeEntra } from '../fakes/entra-id';
import { requestsInShort } from '../fakes/entra-sign-in';
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
export const entraRequests = (entra: FakeEntra) => requestsInShort(entra.signIn.requests);

/** Herald's answer to `GET /v1/auth/entra` for the fake's tenant by the domain `contoso.example`; 404 for any other. */
export const authEntraRoute =
  (entra: FakeEntra): Routes[string] =>
  (req) =>
    req.query.get('tenant') === 'contoso.example'
      ? {
          body: {
            authority: `${entra.origin}/${entra.tenantId}`,
            clientId: entra.clientId,
            scopes: [`api://${entra.clientId}/Notifications.Send`, 'offline_access'],
          },
        }
      : { status: 404, body: { error: { code: 'notFound', message: 'No Entra tenant connected to Herald has that id or domain.' } } };

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
