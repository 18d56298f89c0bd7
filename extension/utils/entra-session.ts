import browser from 'webextension-polyfill';
import { createApi } from './api';
import { freshSession, signIn, type EntraDeps, type EntraSession } from './entra-auth';
import { entraSessionItem, type StoredEntraSession } from './storage';

/** The browser's web auth flow: a window for an interactive sign-in, a hidden one for a silent one. */
const browserDeps = (): EntraDeps => ({
  launch: (details) => browser.identity.launchWebAuthFlow(details),
  redirectUri: browser.identity.getRedirectURL(),
});

/** The redirect URL to register on the app registration (https://<extension id>.chromiumapp.org/ in Chromium). */
export const entraRedirectUrl = () => browser.identity.getRedirectURL();

/** The origin of a server URL, or null for no URL at all. */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Asks Herald how `tenant` (an Entra tenant id or verified domain) signs in, signs in interactively and keeps the
 * tokens with the server's origin: the only one they are ever sent to.
 */
export async function signInWithMicrosoft(serverUrl: string, tenant: string): Promise<EntraSession> {
  const config = await createApi({ serverUrl, token: '' }).entraConfig(tenant);
  const session = await signIn(config, browserDeps(), true);
  await entraSessionItem.setValue({ ...session, server: new URL(serverUrl).origin });
  return session;
}

/** Forgets the Entra tokens; the API token, if any, is used again. */
export const signOut = () => entraSessionItem.removeValue();

/** The same sign-in: Sign out, or a new sign-in, in between makes it another (or none). */
const sameSession = (a: StoredEntraSession | null, b: StoredEntraSession) =>
  a !== null && a.accessToken === b.accessToken && a.refreshToken === b.refreshToken;

let renewing: Promise<StoredEntraSession | null> | null = null;

/**
 * The stored session, renewed first when it is due (one renewal at a time). The renewed session is stored only if the
 * stored one is still the one renewed (compare-and-set): a Sign out or another sign-in meanwhile wins, and the
 * renewal is dropped (null).
 */
function currentSession(): Promise<StoredEntraSession | null> {
  renewing ??= (async () => {
    const session = await entraSessionItem.getValue();
    if (!session) return null;
    const fresh = await freshSession(session, browserDeps());
    if (fresh === session) return session;
    if (!sameSession(await entraSessionItem.getValue(), session)) return null;
    const renewed = { ...fresh, server: session.server };
    await entraSessionItem.setValue(renewed);
    return renewed;
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

/**
 * The Entra access token when signed in with Microsoft to `serverUrl`'s origin, renewed first when it is due; else
 * null. A token is never handed out for another server: whoever got it could replay it against the real Herald.
 */
export async function entraBearer(serverUrl: string): Promise<string | null> {
  const origin = originOf(serverUrl);
  const stored = await entraSessionItem.getValue();
  if (!stored || stored.server !== origin) return null;
  const session = await currentSession();
  return session && session.server === origin ? session.accessToken : null;
}
