import { createApi, type Connection, type HeraldApi } from './api';
import { entraBearer } from './entra-session';
import { serverUrlItem, tokenItem } from './storage';

/**
 * The bearer of every call to `serverUrl`: the Entra access token when signed in with Microsoft to that server's
 * origin, else `token` (the saved API token).
 */
export const bearerOr =
  (serverUrl: string, token: () => Promise<string> | string): (() => Promise<string>) =>
  async () =>
    (await entraBearer(serverUrl)) ?? (await token());

/** The server saved in Options, with the Entra sign-in or the API token. */
export async function savedConnection(): Promise<Connection> {
  const serverUrl = await serverUrlItem.getValue();
  return { serverUrl, token: bearerOr(serverUrl, () => tokenItem.getValue()) };
}

/** The API for the server and sign-in saved in Options. */
export async function savedApi(): Promise<HeraldApi> {
  return createApi(await savedConnection());
}
