import browser from 'webextension-polyfill';
import { createApi } from './api';
import { freshSession, signIn, type EntraDeps, type EntraSession } from './entra-auth';
import { entraSessionItem } from './storage';

/** The browser's web auth flow: a window for an interactive sign-in, a hidden one for a silent one. */
const browserDeps = (): EntraDeps => ({
  launch: (details) => browser.identity.launchWebAuthFlow(details),
  redirectUri: browser.identity.getRedirectURL(),
});

/** The redirect URL to register on the app registration (https://<extension id>.chromiumapp.org/ in Chromium). */
export const entraRedirectUrl = () => browser.identity.getRedirectURL();

/** Asks Herald how `tenant` (an Entra tenant id or verified domain) signs in, signs in interactively and keeps the tokens. */
export async function signInWithMicrosoft(serverUrl: string, tenant: string): Promise<EntraSession> {
  const config = await createApi({ serverUrl, token: '' }).entraConfig(tenant);
  const session = await signIn(config, browserDeps(), true);
  await entraSessionItem.setValue(session);
  return session;
}

/** Forgets the Entra tokens; the API token, if any, is used again. */
export const signOut = () => entraSessionItem.removeValue();

let renewing: Promise<string | null> | null = null;

/** The Entra access token when signed in with Microsoft, renewed first when it is due (one renewal at a time); else null. */
export function entraBearer(): Promise<string | null> {
  renewing ??= (async () => {
    const session = await entraSessionItem.getValue();
    if (!session) return null;
    const fresh = await freshSession(session, browserDeps());
    if (fresh !== session) await entraSessionItem.setValue(fresh);
    return fresh.accessToken;
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}
