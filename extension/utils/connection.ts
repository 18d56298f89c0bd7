import { createApi, type Connection, type HeraldApi } from './api';
import { entraBearer } from './entra-session';
import { serverUrlItem, tokenItem } from './storage';

/** The bearer of every call: the Entra access token when signed in with Microsoft, else `token` (the saved API token). */
export const bearerOr =
  (token: () => Promise<string> | string): (() => Promise<string>) =>
  async () =>
    (await entraBearer()) ?? (await token());

/** The server saved in Options, with the Entra sign-in or the API token. */
export async function savedConnection(): Promise<Connection> {
  return { serverUrl: await serverUrlItem.getValue(), token: bearerOr(() => tokenItem.getValue()) };
}

/** The API for the server and sign-in saved in Options. */
export async function savedApi(): Promise<HeraldApi> {
  return createApi(await savedConnection());
}
